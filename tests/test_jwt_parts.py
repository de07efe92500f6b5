"""jwt_parts: strict base64url, a compact JWS taken apart, HS256 signed by hand."""

from __future__ import annotations

import hashlib
import hmac

import jwt
import pytest

from constants import API_KEY, DOMAIN_ID, HEADER, NOW, ROOM
from meeting_tokens.core.errors import MalformedTokenError
from meeting_tokens.core.jwt_parts import (
    MAX_TOKEN_LENGTH,
    TokenParts,
    b64url_decode,
    b64url_encode,
    decode_parts,
    pasted_token,
    sign_hs256,
)
from meeting_tokens.core.validation import validate_token

# RFC 7515, Appendix A.1: the HS256 example, segment by segment, and its JWK key ("k").
RFC_HEADER = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9"
RFC_PAYLOAD = "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
RFC_SIGNATURE = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
RFC_KEY_JWK = "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow"
RFC_TOKEN = f"{RFC_HEADER}.{RFC_PAYLOAD}.{RFC_SIGNATURE}"

# Daily's guide example (daily-api.md): readable by anyone, verifiable by nobody here.
DAILY_EXAMPLE = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
    "eyJuYmYiOjE1NDg3MjE1NjksImV4cCI6MTg2NDA4MTUzOCwiciI6ImhlbGxvIiwibyI6dHJ1ZSwic3MiOnRydWUsImVyIjoibG9j"
    "YWwiLCJkIjoiMjVkZjUwNTctZWYwZC00ZDk3LWJkZTYtMGNmMjg3Mjc2Y2JiIiwiaWF0IjoxNTQ4NzIxODMxfQ."
    "mvVciAengBR4xCblhFpo4mKYftQv1skYO4Y6IKr9Zgo"
)


# base64url encoding


def test_b64url_encode_uses_the_url_alphabet_without_padding():
    assert b64url_encode(b"\xfb\xff\xbf") == "-_-_"
    assert b64url_encode(b"\xfb\xff") == "-_8"


def test_b64url_encode_of_nothing_is_the_empty_string():
    assert b64url_encode(b"") == ""


def test_b64url_decode_reads_the_url_alphabet():
    assert b64url_decode("-_-_") == b"\xfb\xff\xbf"


def test_b64url_decode_reads_unpadded_lengths():
    assert b64url_decode("YQ") == b"a"
    assert b64url_decode("YWI") == b"ab"


@pytest.mark.parametrize("text", ["YQ==", "YWI=", "YQ="])
def test_b64url_decode_rejects_padding(text):
    with pytest.raises(MalformedTokenError, match="only A-Z a-z 0-9 - _"):
        b64url_decode(text)


@pytest.mark.parametrize("text", ["+/+/", "a+b/", "YW I", "YWI\n", "ÿÿÿÿ", "YW.I", "٣٣٣٣"])
def test_b64url_decode_rejects_characters_outside_the_url_alphabet(text):
    with pytest.raises(MalformedTokenError):
        b64url_decode(text)


def test_b64url_decode_rejects_an_impossible_length():
    with pytest.raises(MalformedTokenError, match="impossible length"):
        b64url_decode("YWJjZ")


# Every "not base64url" complaint says what, where and in which part.


def message(token: str) -> str:
    with pytest.raises(MalformedTokenError) as raised:
        decode_parts(token)
    return str(raised.value)


def test_a_character_outside_the_alphabet_is_named_with_its_part_and_position():
    assert message("not.a.token!!") == (
        "not base64url: '!' in the signature, at position 6; only A-Z a-z 0-9 - _ are allowed, no padding"
    )


def test_a_stray_character_is_blamed_before_a_segment_that_merely_cannot_decode():
    # "not" alone would be a header with stray bits; the "!" is what went wrong.
    assert "'!' in the signature" in message("not.a.token!!")


@pytest.mark.parametrize(
    ("token", "blamed"),
    [
        (DAILY_EXAMPLE[:50] + "\n" + DAILY_EXAMPLE[50:], "'\\n' in the payload, at position 14;"),
        (DAILY_EXAMPLE.replace(".", " .", 1), "' ' in the header, at position 37;"),
        (DAILY_EXAMPLE + "=", "'=' in the signature, at position 44;"),
        ("eyJ.e😀J.abc", "'😀' in the payload, at position 2;"),
        ("e30.e30.\x1b[2J", "'\\x1b' in the signature, at position 1;"),
    ],
)
def test_each_character_outside_the_alphabet_is_quoted_as_python_writes_it(token, blamed):
    assert blamed in message(token)


def test_stray_bits_name_the_character_its_part_and_position():
    assert message("e30.eyJyIjoiYSJ9.abd") == (
        "not canonical base64url: 'd', the last character of the signature (position 3), has stray bits"
    )


def test_an_impossible_length_names_the_part_and_its_length():
    assert message("e30.eyJyIjoiYSJ9.YWJjZ") == (
        "not base64url: the signature's length, 5, is an impossible length "
        "(one character too many or three too few)"
    )


def test_a_token_with_a_line_break_inside_stays_malformed_for_the_validator():
    wrapped = DAILY_EXAMPLE[:60] + "\r\n" + DAILY_EXAMPLE[60:]
    report = validate_token(wrapped, api_key=API_KEY, now=NOW)
    assert (report.code, report.reason) == (
        "malformed",
        "not base64url: '\\r' in the payload, at position 24; only A-Z a-z 0-9 - _ are allowed, no padding",
    )


# pasted_token: what the inspectors forgive, and say.


def test_pasted_token_removes_line_breaks_inside_and_says_how_many():
    wrapped = "\n".join(DAILY_EXAMPLE[i : i + 80] for i in range(0, len(DAILY_EXAMPLE), 80))
    assert pasted_token(wrapped) == (
        DAILY_EXAMPLE,
        "3 line breaks removed from inside the token",
    )


def test_pasted_token_counts_a_crlf_pair_as_one_line_break_and_names_each_kind():
    pasted = DAILY_EXAMPLE[:10] + "\r\n" + DAILY_EXAMPLE[10:20] + " \t " + DAILY_EXAMPLE[20:]
    assert pasted_token(pasted).removed == (
        "1 line break, 1 tab and 2 spaces removed from inside the token"
    )


def test_pasted_token_drops_white_space_around_the_token_without_a_word():
    assert pasted_token(" \t" + DAILY_EXAMPLE + "\r\n") == (DAILY_EXAMPLE, "")


def test_pasted_token_leaves_other_characters_for_the_validator_to_name():
    assert pasted_token("a.b.c\u00a0d").token == "a.b.c\u00a0d"


@pytest.mark.parametrize("text", ["YR", "YWJ", "-_9"])
def test_b64url_decode_rejects_stray_bits_in_the_final_character(text):
    # "YR" and "YQ" both read as b"a" to a lenient decoder; only "YQ" is the canonical spelling.
    with pytest.raises(MalformedTokenError, match="not canonical"):
        b64url_decode(text)


@pytest.mark.parametrize("value", [b"YQ", None, 42])
def test_b64url_decode_rejects_anything_but_a_string(value):
    with pytest.raises(MalformedTokenError):
        b64url_decode(value)


# decode_parts


def test_decode_parts_returns_header_payload_signature_and_signing_input():
    token = sign_hs256(HEADER, {"r": "standup"}, API_KEY)
    header_b64, payload_b64, signature_b64 = token.split(".")

    parts = decode_parts(token)

    assert parts == TokenParts(
        header={"alg": "HS256", "typ": "JWT"},
        payload={"r": "standup"},
        signature=b64url_decode(signature_b64),
        signing_input=f"{header_b64}.{payload_b64}".encode("ascii"),
        segments=(header_b64, payload_b64, signature_b64),
    )


def test_decode_parts_reads_daily_guide_example_payload():
    assert decode_parts(DAILY_EXAMPLE).payload == {
        "nbf": 1548721569,
        "exp": 1864081538,
        "r": "hello",
        "o": True,
        "ss": True,
        "er": "local",
        "d": "25df5057-ef0d-4d97-bde6-0cf287276cbb",
        "iat": 1548721831,
    }


def test_decode_parts_reads_daily_guide_example_header():
    assert decode_parts(DAILY_EXAMPLE).header == {"alg": "HS256", "typ": "JWT"}


def test_decode_parts_keeps_rfc_7515_signing_input_byte_for_byte():
    parts = decode_parts(RFC_TOKEN)

    assert parts.signing_input == f"{RFC_HEADER}.{RFC_PAYLOAD}".encode("ascii")
    assert b64url_decode(RFC_HEADER) == b'{"typ":"JWT",\r\n "alg":"HS256"}'


def test_decode_parts_reads_rfc_7515_payload():
    assert decode_parts(RFC_TOKEN).payload == {
        "iss": "joe",
        "exp": 1300819380,
        "http://example.com/is_root": True,
    }


def test_decode_parts_reads_an_empty_signature_as_no_bytes():
    header_b64, payload_b64, _ = sign_hs256(HEADER, {}, API_KEY).split(".")

    assert decode_parts(f"{header_b64}.{payload_b64}.").signature == b""


@pytest.mark.parametrize("token", ["", "abc", "a.b", "a.b.c.d", "e30.e30.AA.AA"])
def test_decode_parts_needs_exactly_three_segments(token):
    with pytest.raises(MalformedTokenError, match="3 dot-separated parts"):
        decode_parts(token)


@pytest.mark.parametrize("token", [None, b"e30.e30.", 42, ["e30", "e30", ""]])
def test_decode_parts_refuses_a_token_that_is_not_a_string(token):
    with pytest.raises(MalformedTokenError, match="a token is a string"):
        decode_parts(token)


@pytest.mark.parametrize(
    ("header_json", "message"),
    [
        (b"[]", "the header must be a JSON object"),
        (b'"HS256"', "the header must be a JSON object"),
        (b"{", "the header is not JSON"),
        (b'{"alg":NaN}', "the header is not JSON"),
        (b'{"alg":Infinity}', "the header is not JSON"),
        (b'\xff{"alg":"HS256"}', "the header is not JSON"),
        (b'\xef\xbb\xbf{"alg":"HS256"}', "the header is not JSON"),
    ],
)
def test_decode_parts_needs_a_json_object_header(header_json, message):
    with pytest.raises(MalformedTokenError, match=message):
        decode_parts(f"{b64url_encode(header_json)}.e30.")


def test_decode_parts_needs_a_json_object_payload():
    with pytest.raises(MalformedTokenError, match="the payload must be a JSON object"):
        decode_parts(f"{b64url_encode(b'{}')}.{b64url_encode(b'null')}.")


def test_decode_parts_refuses_deeply_nested_json_as_malformed():
    payload = b"[" * 3000 + b"]" * 3000  # well under the size cap, deeper than Python recurses

    with pytest.raises(MalformedTokenError, match="nests too deeply"):
        decode_parts(f"e30.{b64url_encode(payload)}.")


def test_decode_parts_refuses_a_number_too_long_for_python():
    payload = b'{"exp":' + b"9" * 5000 + b"}"

    with pytest.raises(MalformedTokenError, match="the payload is not JSON"):
        decode_parts(f"e30.{b64url_encode(payload)}.")


def token_of_length(length: int) -> str:
    """A well-formed signed token exactly `length` characters long (padded through a claim)."""

    def padded(size: int) -> str:
        return sign_hs256(HEADER, {"r": "standup", "u": "x" * size}, API_KEY)

    first_guess = (length - len(padded(0))) * 3 // 4 - 4  # 3 payload bytes take 4 characters
    for size in range(max(first_guess, 0), first_guess + 12):
        if len(token := padded(size)) == length:
            return token
    raise AssertionError(f"no padding gives a token of {length} characters")


def test_max_token_length_is_8_kib():
    assert MAX_TOKEN_LENGTH == 8192


def test_decode_parts_accepts_a_token_of_exactly_8192_characters():
    assert decode_parts(token_of_length(8192)).payload["r"] == "standup"


def test_decode_parts_rejects_a_well_formed_token_of_8193_characters():
    with pytest.raises(MalformedTokenError, match="token is 8193 characters, over 8192"):
        decode_parts(token_of_length(8193))


def test_decode_parts_checks_the_size_before_decoding_anything():
    # Garbage that would fail base64url is reported as too large: nothing was decoded.
    with pytest.raises(MalformedTokenError, match="over 8192"):
        decode_parts("*" * 8193)


def test_decode_parts_rejects_a_huge_string_by_size():
    with pytest.raises(MalformedTokenError, match="token is 10000000 characters"):
        decode_parts("a.b." + "c" * (10_000_000 - 4))


def test_token_parts_are_immutable():
    parts = decode_parts(DAILY_EXAMPLE)

    with pytest.raises(AttributeError):
        parts.payload = {}


# sign_hs256: by hand, byte-identical to PyJWT


def test_rfc_7515_key_and_signing_input_give_its_signature():
    # The RFC's JSON has CR LF whitespace that sign_hs256 would not write, so HMAC it directly.
    key = b64url_decode(RFC_KEY_JWK)
    mac = hmac.new(key, f"{RFC_HEADER}.{RFC_PAYLOAD}".encode("ascii"), hashlib.sha256).digest()

    assert b64url_encode(mac) == RFC_SIGNATURE


def test_sign_hs256_is_byte_identical_to_pyjwt():
    payload = {"r": ROOM, "d": DOMAIN_ID, "iat": NOW}

    assert sign_hs256(HEADER, payload, API_KEY) == jwt.encode(payload, API_KEY, algorithm="HS256")


def test_sign_hs256_is_byte_identical_to_pyjwt_for_non_ascii_values():
    payload = {"r": "café", "u": 'Zoë 李雷 😀 "</script>"', "ud": "ü\u2028\x00"}

    assert sign_hs256(HEADER, payload, API_KEY) == jwt.encode(payload, API_KEY, algorithm="HS256")


def test_sign_hs256_sorts_header_keys_as_pyjwt_does():
    header = {"typ": "JWT", "kid": "key-1", "alg": "HS256"}
    payload = {"r": "standup"}

    token = sign_hs256(header, payload, API_KEY)

    assert token == jwt.encode(payload, API_KEY, algorithm="HS256", headers={"kid": "key-1"})
    assert b64url_decode(token.split(".")[0]) == b'{"alg":"HS256","kid":"key-1","typ":"JWT"}'


def test_sign_hs256_keeps_payload_key_order():
    token = sign_hs256(HEADER, {"r": "a", "d": "b", "iat": 1}, API_KEY)

    assert b64url_decode(token.split(".")[1]) == b'{"r":"a","d":"b","iat":1}'


def test_sign_hs256_gives_the_same_token_for_a_str_key_and_its_utf8_bytes():
    assert sign_hs256(HEADER, {"r": "a"}, API_KEY) == sign_hs256(HEADER, {"r": "a"}, API_KEY.encode("utf-8"))


def test_sign_hs256_token_verifies_with_pyjwt():
    token = sign_hs256(HEADER, {"r": "standup"}, API_KEY)

    assert jwt.decode(token, API_KEY, algorithms=["HS256"]) == {"r": "standup"}

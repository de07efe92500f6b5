"""The `meeting-tokens` command line: inspect, sign and serve, exit statuses, and keys kept out."""

from __future__ import annotations

import io
import json
import os
import pathlib
import pty
import select
import signal
import subprocess
import sys
import time
import unicodedata
from contextlib import redirect_stderr, redirect_stdout

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from constants import API_KEY, DOMAIN_ID
from fuzzing import fuzz
from meeting_tokens import decode_parts, precheck_claims, self_sign, validate_token
from meeting_tokens.api import DEMO_API_KEY, serve
from meeting_tokens.cli import COLOUR_CODE, main, use_colour
from meeting_tokens.core.jwt_parts import HS256_HEADER, MAX_TOKEN_LENGTH, sign_hs256

# Daily's guide example, as chapter 1 takes it apart: nbf 1548721569, exp 1864081538, room "hello".
EXAMPLE = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"
    ".eyJuYmYiOjE1NDg3MjE1NjksImV4cCI6MTg2NDA4MTUzOCwiciI6ImhlbGxvIiw"
    "ibyI6dHJ1ZSwic3MiOnRydWUsImVyIjoibG9jYWwiLCJkIjoiMjVkZjUwNTctZWY"
    "wZC00ZDk3LWJkZTYtMGNmMjg3Mjc2Y2JiIiwiaWF0IjoxNTQ4NzIxODMxfQ"
    ".mvVciAengBR4xCblhFpo4mKYftQv1skYO4Y6IKr9Zgo"
)
EXAMPLE_NOW = "1548721900"  # five minutes after its iat
SCRIPT = pathlib.Path(sys.executable).parent / "meeting-tokens"


@pytest.fixture(autouse=True)
def key_in_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DAILY_API_KEY", API_KEY)  # the key the command reads, and must never print
    monkeypatch.delenv("NO_COLOR", raising=False)


def run(capsys: pytest.CaptureFixture[str], *argv: str, stdin: str = "") -> tuple[int, str, str]:
    sys.stdin = io.StringIO(stdin)
    try:
        status = main(list(argv))
    except SystemExit as exit_:  # argparse's usage errors
        status = exit_.code
    finally:
        sys.stdin = sys.__stdin__
    out, err = capsys.readouterr()
    return status, out, err


def signed(**options: object) -> str:
    return self_sign(API_KEY, room_name="hello", domain_id=DOMAIN_ID, **options)


# inspect -------------------------------------------------------------------------------------


def test_inspect_without_a_key_exits_3_on_passed_pre_checks_and_says_the_signature_was_not_checked(
    capsys,
) -> None:
    status, out, err = run(capsys, "inspect", "--now", EXAMPLE_NOW, EXAMPLE)
    assert status == 3
    assert "no check failed; signature not checked (no --key-env)" in out
    assert err == ""


def test_inspect_shows_the_three_parts_each_on_its_own_line(capsys) -> None:
    _, out, _ = run(capsys, "inspect", "--now", EXAMPLE_NOW, EXAMPLE)
    header, payload, signature = EXAMPLE.split(".")
    assert out.splitlines()[:3] == [
        f"header     {header}",
        f"payload    {payload}",
        f"signature  {signature}",
    ]


def test_inspect_lists_claims_with_their_long_names_and_times_in_words(capsys) -> None:
    _, out, _ = run(capsys, "inspect", "--now", EXAMPLE_NOW, EXAMPLE)
    lines = out.splitlines()
    assert '  r    room_name           "hello"' in lines
    assert "  o    is_owner            true" in lines
    assert "  exp  exp                 1864081538   2029-01-26 00:25:38 UTC · expires in 9 years" in lines
    assert "  iat  iat                 1548721831   2019-01-29 00:30:31 UTC · issued 1 minute ago" in lines


def test_inspect_lists_every_check_with_its_mark_and_the_validators_detail(capsys) -> None:
    _, out, _ = run(capsys, "inspect", "--now", EXAMPLE_NOW, EXAMPLE)
    lines = out.splitlines()[-6:]
    assert [line[:14] for line in lines] == [
        "  ✔ structure ",
        "  ✔ header    ",
        "  ✔ time      ",
        "  ✔ scope     ",
        "  – signature ",
        "  – daily     ",
    ]
    # The wording of each detail is the validator's; the command shows it as it is.
    assert [line[14:] for line in lines] == [
        check.detail for check in precheck_claims(EXAMPLE, now=int(EXAMPLE_NOW)).checks
    ]


def test_inspect_with_the_signing_key_is_valid(capsys) -> None:
    status, out, _ = run(capsys, "inspect", "--key-env", "DAILY_API_KEY", signed())
    assert status == 0
    assert "valid: the signature and every check passed" in out
    assert "\n  ✔ signature " in out


def test_inspect_with_another_key_is_not_valid(capsys, monkeypatch) -> None:
    monkeypatch.setenv("OTHER_KEY", "some-other-key-entirely")
    status, out, _ = run(capsys, "inspect", "--key-env", "OTHER_KEY", signed())
    assert status == 1
    assert "\nnot valid (invalid-signature): " in out


def test_inspect_of_an_expired_token_is_not_valid_even_without_a_key(capsys) -> None:
    status, out, _ = run(capsys, "inspect", "--now", "1864081538", EXAMPLE)
    assert status == 1
    verdict = out.splitlines()[-7]
    assert verdict.startswith("not valid (expired): ")
    assert verdict.endswith("; signature not checked (no --key-env)")


def test_leeway_admits_a_token_that_expired_within_it(capsys) -> None:
    status, _, _ = run(capsys, "inspect", "--now", "1864081540", "--leeway", "5", EXAMPLE)
    assert status == 3  # no check failed; no key, so not verified


def test_inspect_for_another_room_is_not_valid(capsys) -> None:
    status, out, _ = run(capsys, "inspect", "--room", "other", "--now", EXAMPLE_NOW, EXAMPLE)
    assert status == 1
    assert "\nnot valid (wrong-room): " in out


def test_inspect_reads_the_token_from_standard_input(capsys) -> None:
    status, out, _ = run(capsys, "inspect", "--now", EXAMPLE_NOW, "-", stdin=EXAMPLE + "\n")
    assert status == 3
    assert out.startswith("header     eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9\n")


def test_inspect_json_holds_parts_claims_properties_times_and_checks(capsys) -> None:
    status, out, _ = run(capsys, "inspect", "--json", "--now", EXAMPLE_NOW, EXAMPLE)
    inspection = json.loads(out)
    assert status == 3
    assert inspection["segments"]["signature"] == "mvVciAengBR4xCblhFpo4mKYftQv1skYO4Y6IKr9Zgo"
    assert inspection["header"] == {"alg": "HS256", "typ": "JWT"}
    assert inspection["claims"]["r"] == "hello"
    assert inspection["properties"]["room_name"] == "hello"
    assert inspection["times"]["nbf"] == "2019-01-29 00:26:09 UTC · usable since 5 minutes ago"
    assert (inspection["verdict"], inspection["signature_checked"], inspection["code"]) == (
        "unchecked",
        False,
        None,
    )
    assert [check["name"] for check in inspection["checks"]] == [
        "structure", "header", "time", "scope", "signature", "daily",
    ]  # fmt: skip


def test_inspect_json_of_a_token_with_a_bad_signature_names_the_failure(capsys) -> None:
    argv = ["inspect", "--json", "--key-env", "DAILY_API_KEY", "--now", EXAMPLE_NOW, EXAMPLE]
    status, out, _ = run(capsys, *argv)
    inspection = json.loads(out)
    assert status == 1
    assert (inspection["verdict"], inspection["signature_checked"], inspection["code"]) == (
        "rejected",
        True,
        "invalid-signature",
    )


def test_a_malformed_token_is_a_report_with_exit_1_not_a_traceback(capsys) -> None:
    status, out, err = run(capsys, "inspect", "not.a-token")
    assert status == 1
    verdict = out.splitlines()[0]
    assert verdict.startswith("not valid (malformed): ")
    assert verdict.endswith("; signature not checked (no --key-env)")
    assert err == ""


def test_inspect_blames_the_character_that_is_not_base64url(capsys) -> None:
    status, out, _ = run(capsys, "inspect", "not.a.token!!")
    assert status == 1
    assert out.splitlines()[0] == (
        "not valid (malformed): not base64url: '!' in the signature, at position 6; "
        "only A-Z a-z 0-9 - _ are allowed, no padding; signature not checked (no --key-env)"
    )


def test_inspect_removes_line_breaks_inside_a_pasted_token_and_says_so(capsys) -> None:
    wrapped = "\n".join(EXAMPLE[i : i + 72] for i in range(0, len(EXAMPLE), 72))
    status, out, _ = run(capsys, "inspect", "--now", EXAMPLE_NOW, wrapped)
    _, unwrapped, _ = run(capsys, "inspect", "--now", EXAMPLE_NOW, EXAMPLE)
    note = "note: 3 line breaks removed from inside the token"
    assert status == 3
    assert out == unwrapped.replace("\nno check failed", f"\n{note}\nno check failed")


def test_inspect_json_says_what_was_removed_from_a_pasted_token(capsys) -> None:
    spaced = EXAMPLE.replace(".", " .\r\n")
    inspection = json.loads(run(capsys, "inspect", "--json", "--now", EXAMPLE_NOW, spaced)[1])
    plain = json.loads(run(capsys, "inspect", "--json", "--now", EXAMPLE_NOW, EXAMPLE)[1])
    assert inspection["removed"] == (
        "2 line breaks and 2 spaces removed from inside the token"
    )
    assert plain["removed"] == ""
    assert {**inspection, "removed": ""} == plain


def test_a_control_character_that_is_not_base64url_is_named_inertly(capsys) -> None:
    status, out, _ = run(capsys, "inspect", "e30.e30.\x1b]52;c;aGk=\x07")
    assert status == 1
    assert "\x1b" not in out and "\x07" not in out
    assert "not base64url: '\\x1b' in the signature, at position 1;" in out


def test_an_unset_key_variable_is_a_usage_error_in_one_line(capsys) -> None:
    status, out, err = run(capsys, "inspect", "--key-env", "NO_SUCH_KEY", EXAMPLE)
    assert (status, out) == (2, "")
    assert err == (
        "meeting-tokens inspect: error: the environment variable NO_SUCH_KEY is not set "
        "(export your API key there)\n"
    )


def test_a_negative_leeway_is_a_usage_error_in_one_line(capsys) -> None:
    status, _, err = run(capsys, "inspect", "--leeway=-3", EXAMPLE)
    assert status == 2
    assert err == (
        "meeting-tokens inspect: error: argument --leeway: '-3': seconds must be zero or more (see --help)\n"
    )


def test_empty_standard_input_is_a_usage_error(capsys) -> None:
    status, _, err = run(capsys, "inspect", "-", stdin="  \n")
    assert (status, err) == (2, "meeting-tokens inspect: error: no token: the input is empty\n")


def test_no_token_and_no_standard_input_is_a_usage_error(capsys, monkeypatch) -> None:
    monkeypatch.setattr(sys, "stdin", None)
    status = main(["inspect"])
    assert (status, capsys.readouterr().err) == (
        2,
        "meeting-tokens inspect: error: no token: give it as an argument (there is no standard input)\n",
    )


def test_output_has_no_colour_when_it_is_not_a_terminal(capsys) -> None:
    _, out, _ = run(capsys, "inspect", "--now", EXAMPLE_NOW, EXAMPLE)
    assert "\x1b[" not in out


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_colour_is_used_on_a_terminal_unless_no_color_is_set() -> None:
    assert use_colour(_Terminal(), {}) is True
    assert use_colour(_Terminal(), {"NO_COLOR": "1"}) is False
    assert use_colour(io.StringIO(), {}) is False


def _on_a_terminal(*argv: str, environ: dict[str, str]) -> str:
    controller, terminal = pty.openpty()
    process = subprocess.Popen(  # noqa: S603 (our own interpreter, fixed arguments)
        [sys.executable, "-m", "meeting_tokens.cli", *argv], stdout=terminal, stderr=terminal, env=environ
    )
    os.close(terminal)
    output = b""
    while select.select([controller], [], [], 60)[0]:
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # the terminal closed: the process has written everything
            break
        if not chunk:
            break
        output += chunk
    process.wait(timeout=60)
    os.close(controller)
    return output.decode()


def test_on_a_terminal_the_header_is_painted_in_its_colour() -> None:
    environ = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    output = _on_a_terminal("inspect", "--now", EXAMPLE_NOW, EXAMPLE, environ=environ)
    assert "\x1b[38;2;194;24;91mheader     eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9\x1b[0m" in output


def test_on_a_terminal_no_color_keeps_the_output_plain() -> None:
    output = _on_a_terminal("inspect", "--now", EXAMPLE_NOW, EXAMPLE, environ=os.environ | {"NO_COLOR": "1"})
    assert "header     eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9" in output
    assert "\x1b[" not in output


# what a token holds cannot steer the terminal ---------------------------------------------------

# A pasted token that clears the screen, sets the window title, writes the clipboard (OSC 52),
# prints a fake green verdict, and turns text around (U+202E), with C1 and separator characters.
HOSTILE_CLAIMS = {
    "r": "hello\x1b[2J\x1b[H",
    "\x1b]0;pwned\x07": "title",
    "u": "Ada\x1b]52;c;ZXZpbA==\x07",
    "\nvalid: the signature and every check passed\x1b[32m": True,
    "ud": "\u202enimda\u202c \u2066x\u2069 \u200e\u200f",
    "\x9b2J": "\x9d0;c1 title\x9c \x85 \u2028 \u2029 \x7f",
}
HOSTILE_HEADER = HS256_HEADER | {"kid": "\x1b[2J\u202e"}
HOSTILE = sign_hs256(HOSTILE_HEADER, HOSTILE_CLAIMS, API_KEY)
UNSAFE = {"Cc", "Cf", "Cs", "Zl", "Zp"}


def unsafe_characters(output: str) -> set[str]:
    """The characters a terminal could act on, besides line breaks and the command's colours."""
    return {c for c in COLOUR_CODE.sub("", output) if c != "\n" and unicodedata.category(c) in UNSAFE}


def test_claim_names_values_and_header_fields_are_printed_with_their_controls_escaped(capsys) -> None:
    _, out, _ = run(capsys, "inspect", HOSTILE)
    assert unsafe_characters(out) == set()
    lines = [" ".join(line.split()) for line in out.splitlines()]
    # Values are JSON, which escapes C0 controls itself; the rest is escaped in Python's way.
    assert r'r room_name "hello\u001b[2J\u001b[H"' in lines
    assert r'\x1b]0;pwned\x07 \x1b]0;pwned\x07 "title"' in lines
    assert r'u user_name "Ada\u001b]52;c;ZXZpbA==\u0007"' in lines
    assert r'ud user_id "\u202enimda\u202c \u2066x\u2069 \u200e\u200f"' in lines
    assert r'\x9b2J \x9b2J "\x9d0;c1 title\x9c \x85 \u2028 \u2029 \x7f"' in lines
    assert r'header {"alg": "HS256", "kid": "\u001b[2J\u202e", "typ": "JWT"}' in lines


def test_a_claim_name_cannot_start_a_line_of_its_own(capsys) -> None:
    _, out, _ = run(capsys, "inspect", HOSTILE)
    assert [line for line in out.splitlines() if line.startswith("valid")] == []
    assert r"  \x0avalid: the signature and every check passed\x1b[32m  " in out


def test_json_output_escapes_every_control_delete_included_and_keeps_the_values(capsys) -> None:
    _, out, _ = run(capsys, "inspect", "--json", HOSTILE)
    assert unsafe_characters(out) == set()
    assert "\\u007f" in out
    assert json.loads(out)["claims"] == HOSTILE_CLAIMS


def test_a_usage_error_echoes_its_argument_with_controls_escaped(capsys) -> None:
    status, _, err = run(capsys, "inspect", "--leeway", "\x1b]52;c;ZXZpbA==\x07", EXAMPLE)
    assert status == 2
    assert err == (
        "meeting-tokens inspect: error: argument --leeway: '\\x1b]52;c;ZXZpbA==\\x07' is not a number "
        "of seconds (see --help)\n"
    )


def test_in_a_terminal_a_hostile_token_writes_no_escape_sequence_but_the_commands_colours() -> None:
    environ = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    output = _on_a_terminal("inspect", "--now", EXAMPLE_NOW, HOSTILE, environ=environ)
    text = output.replace("\r\n", "\n")  # the terminal's line discipline writes \r\n for \n
    assert "\x1b[38;2;194;24;91mheader " in text  # colour is on
    plain = COLOUR_CODE.sub("", text)
    assert [c for c in plain if c in "\x1b\x07\r\x7f" or 0x80 <= ord(c) <= 0x9F] == []
    assert unsafe_characters(text) == set()
    assert r"Ada\u001b]52;c;ZXZpbA==\u0007" in plain  # shown, not obeyed


def test_in_a_terminal_without_colour_a_hostile_token_writes_no_escape_at_all() -> None:
    output = _on_a_terminal("inspect", HOSTILE, environ=os.environ | {"NO_COLOR": "1"})
    assert "\x1b" not in output
    assert unsafe_characters(output.replace("\r\n", "\n")) == set()


DANGEROUS = "\x00\x07\x08\t\n\r\x1b\x7f\x85\x9b\x9c\x9d\u061c\u200b\u200d\u200e\u200f\u2028\u2029"
DANGEROUS += "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff\U000e0001"
texts = st.text(st.sampled_from(DANGEROUS) | st.characters(exclude_categories=["Cs"]), max_size=12)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | texts,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts, inner, max_size=3),
    max_leaves=8,
)
claim_names = texts | st.sampled_from(["r", "u", "ud", "exp", "nbf", "iat", "d", "o", "p", "eje"])


def _inspect_on_a_terminal(*argv: str) -> tuple[str, str]:
    """What `inspect` writes to a terminal that takes colour (stdout, stderr)."""
    out, err = _Terminal(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        main(["inspect", *argv])
    return out.getvalue(), err.getvalue()


@fuzz(300, slow_inputs=True)
@given(
    claims=st.dictionaries(claim_names, json_values, max_size=6),
    header_fields=st.dictionaries(texts, json_values, max_size=2),
    options=st.sampled_from([[], ["--key-env", "DAILY_API_KEY"], ["--room", "hello"], ["--json"]]),
)
def test_fuzzed_claims_never_reach_the_terminal_as_controls(
    claims: dict, header_fields: dict, options: list[str]
) -> None:
    token = sign_hs256({**header_fields, **HS256_HEADER}, claims, API_KEY)
    out, err = _inspect_on_a_terminal(*options, token)

    assert unsafe_characters(out + err) == set()
    if "--json" not in options:  # one line per part, claim and check: nothing adds a line
        # the parts, a blank line, the header, "claims", each claim, a blank line; a token over
        # 8192 characters is not taken apart: the verdict alone
        parts_lines = 3 + 1 + 1 + 1 + len(claims) + 1 if len(token) <= 8192 else 0
        assert out.count("\n") == parts_lines + 1 + 6  # the verdict, the six checks


# sign ----------------------------------------------------------------------------------------


def test_sign_makes_a_token_for_the_room_that_expires_in_an_hour(capsys) -> None:
    before = int(time.time())
    status, out, err = run(capsys, "sign", "--room", "hello", "--domain-id", DOMAIN_ID)
    payload = decode_parts(out.strip()).payload
    assert (status, err) == (0, "")
    assert (payload["r"], payload["d"], payload["exp"] - payload["iat"]) == ("hello", DOMAIN_ID, 3600)
    assert before <= payload["iat"] <= time.time()
    assert validate_token(out.strip(), api_key=API_KEY, room_name="hello").failure is None


def test_sign_puts_property_options_under_their_short_claims(capsys) -> None:
    _, out, _ = run(
        capsys, "sign", "--room", "hello", "--domain-id", DOMAIN_ID, "--expires-in", "600",
        "--user-name", "Ada", "--owner", "--lang", "fr", "--property", 'permissions={"canSend": ["audio"]}',
    )  # fmt: skip
    payload = decode_parts(out.strip()).payload
    assert {name: payload[name] for name in ("u", "o", "uil", "p")} == {
        "u": "Ada",
        "o": True,
        "uil": "fr",
        "p": {"cs": "a"},
    }
    assert payload["exp"] - payload["iat"] == 600


def test_sign_reads_the_key_from_the_variable_it_is_told(capsys, monkeypatch) -> None:
    monkeypatch.setenv("STAGING_KEY", "staging-key-0123456789")
    _, out, _ = run(capsys, "sign", "--room", "hello", "--domain-id", DOMAIN_ID, "--key-env", "STAGING_KEY")
    assert validate_token(out.strip(), api_key="staging-key-0123456789").failure is None


def test_sign_without_a_room_is_refused_unless_unscoped_is_asked_for(capsys) -> None:
    status, out, err = run(capsys, "sign", "--domain-id", DOMAIN_ID)
    assert (status, out) == (2, "")
    assert err == (
        "meeting-tokens sign: error: no --room: the token would open every room of the domain; "
        "add --allow-unscoped\n"
    )
    status, out, _ = run(capsys, "sign", "--domain-id", DOMAIN_ID, "--allow-unscoped")
    assert status == 0
    assert "r" not in decode_parts(out.strip()).payload


def test_sign_a_token_that_never_expires_only_when_asked_for(capsys) -> None:
    status, _, err = run(capsys, "sign", "--room", "hello", "--domain-id", DOMAIN_ID, "--expires-in", "never")
    assert (status, err) == (
        2,
        "meeting-tokens sign: error: --expires-in never: the token would never expire; "
        "add --allow-no-expiry\n",
    )
    argv = ["sign", "--room", "hello", "--domain-id", DOMAIN_ID, "--expires-in", "never", "--allow-no-expiry"]
    status, out, _ = run(capsys, *argv)
    assert status == 0
    assert "exp" not in decode_parts(out.strip()).payload


@pytest.mark.parametrize("expires_in", ["0", "-60", "1.5", "an hour"])
def test_sign_expiry_is_a_positive_whole_number_of_seconds_or_never(capsys, expires_in: str) -> None:
    argv = ["sign", "--room", "hello", "--domain-id", DOMAIN_ID, f"--expires-in={expires_in}"]
    status, out, err = run(capsys, *argv)
    assert (status, out) == (2, "")
    assert err == (
        f"meeting-tokens sign: error: argument --expires-in: {expires_in!r}: give a positive whole "
        "number of seconds, or never (see --help)\n"
    )


def test_sign_refuses_a_property_daily_would_refuse_in_one_line(capsys) -> None:
    status, out, err = run(capsys, "sign", "--room", "hello", "--domain-id", DOMAIN_ID, "--user-id", "x" * 37)
    assert (status, out) == (2, "")
    assert err.startswith("meeting-tokens sign: error: user_id ")
    assert err.count("\n") == 1


def test_sign_refuses_a_property_given_twice(capsys) -> None:
    argv = ["sign", "--room", "hello", "--domain-id", DOMAIN_ID, "--owner", "--property", "is_owner=false"]
    status, _, err = run(capsys, *argv)
    assert (status, err) == (2, "meeting-tokens sign: error: is_owner is given twice\n")


def test_sign_property_values_must_be_json(capsys) -> None:
    argv = ["sign", "--room", "r", "--domain-id", DOMAIN_ID, "--property", "user_name=Ada"]
    status, _, err = run(capsys, *argv)
    assert status == 2
    assert err == (
        "meeting-tokens sign: error: argument --property: user_name: the value must be JSON "
        "(a string goes in double quotes) (see --help)\n"
    )


def test_sign_without_the_key_in_the_environment_is_a_usage_error(capsys, monkeypatch) -> None:
    monkeypatch.delenv("DAILY_API_KEY")
    status, out, err = run(capsys, "sign", "--room", "hello", "--domain-id", DOMAIN_ID)
    assert (status, out) == (2, "")
    assert err == (
        "meeting-tokens sign: error: the environment variable DAILY_API_KEY is not set "
        "(export your API key there)\n"
    )


@pytest.mark.parametrize(
    ("name", "hint"),
    [
        ("exp", "set it with --expires-in"),
        ("room_name", "set it with --room"),
        ("domain_id", "set it with --domain-id"),
        ("api_key", "the key comes from --key-env"),
        ("now", "sign signs at the current time"),
    ],
)
def test_sign_property_that_is_not_a_property_is_a_usage_error_in_one_line(capsys, name, hint) -> None:
    argv = ["sign", "--room", "hello", "--domain-id", DOMAIN_ID, "--property", f"{name}=1"]
    status, out, err = run(capsys, *argv)
    assert (status, out) == (2, "")
    assert err == (
        f"meeting-tokens sign: error: argument --property: {name} is not for --property: {hint} "
        "(see --help)\n"
    )


@pytest.mark.parametrize("domain_id", ["", "   "])
def test_sign_with_an_empty_domain_id_is_a_usage_error(capsys, domain_id: str) -> None:
    status, out, err = run(capsys, "sign", "--room", "hello", "--domain-id", domain_id)
    assert (status, out) == (2, "")
    assert err == "meeting-tokens sign: error: argument --domain-id: must not be empty (see --help)\n"


def test_a_key_that_is_not_utf8_is_a_usage_error_in_one_line(capsys, monkeypatch) -> None:
    monkeypatch.setitem(os.environb, b"DAILY_API_KEY", b"\xff\xfe-latin-1-bytes")
    status, out, err = run(capsys, "sign", "--room", "hello", "--domain-id", DOMAIN_ID)
    assert (status, out) == (2, "")
    assert err == (
        "meeting-tokens sign: error: the environment variable DAILY_API_KEY does not hold UTF-8 text: "
        "no API key\n"
    )
    status, _, err = run(capsys, "inspect", "--key-env", "DAILY_API_KEY", EXAMPLE)
    assert (status, err.count("\n")) == (2, 1)


@pytest.mark.parametrize("nbf", ["99999999999999999999", "-99999999999999"])
def test_sign_nbf_outside_the_years_1_to_9999_is_a_usage_error(capsys, nbf: str) -> None:
    status, _, err = run(capsys, "sign", "--room", "hello", "--domain-id", DOMAIN_ID, f"--nbf={nbf}")
    assert status == 2
    assert err == (
        f"meeting-tokens sign: error: argument --nbf: '{nbf}': unix seconds must fall in the years 1 "
        "to 9999 (see --help)\n"
    )


def test_an_argument_that_is_not_utf8_is_a_usage_error_before_anything_runs(capsys) -> None:
    not_utf8 = os.fsdecode(b"Ada \xff")  # how Python hands over argv bytes that are not UTF-8
    argv = ["sign", "--room", "hello", "--domain-id", DOMAIN_ID, "--user-name", not_utf8]
    status, out, err = run(capsys, *argv)
    assert (status, out) == (2, "")
    assert err == "meeting-tokens: error: an argument is not UTF-8 text (see --help)\n"


def test_sign_property_with_a_lone_surrogate_is_a_usage_error(capsys) -> None:
    argv = ["sign", "--room", "hello", "--domain-id", DOMAIN_ID, "--property", 'user_name="\\ud800"']
    status, out, err = run(capsys, *argv)
    assert (status, out) == (2, "")
    assert err == (
        "meeting-tokens sign: error: argument --property: user_name: the value holds a lone surrogate "
        "(such as \\ud800) (see --help)\n"
    )


def test_sign_expiry_after_the_year_9999_is_a_usage_error(capsys) -> None:
    argv = ["sign", "--room", "hello", "--domain-id", DOMAIN_ID, "--expires-in", "9" * 40]
    status, out, err = run(capsys, *argv)
    assert (status, out) == (2, "")
    assert err == (
        f"meeting-tokens sign: error: --expires-in {'9' * 40}: the token would expire after the year 9999\n"
    )


def test_serve_host_that_no_socket_can_spell_is_a_usage_error(capsys) -> None:
    status, out, err = run(capsys, "serve", "--host", "é" * 70, "--port", "0")
    assert (status, out) == (2, "")
    assert err == f"meeting-tokens serve: error: --host {'é' * 70}: not a host name or address\n"


@pytest.mark.parametrize("port", ["99999", "65536", "-1", "80.5", "http"])
def test_serve_port_outside_0_to_65535_is_a_usage_error(capsys, port: str) -> None:
    status, out, err = run(capsys, "serve", f"--port={port}")
    assert (status, out) == (2, "")
    assert err == (
        f"meeting-tokens serve: error: argument --port: '{port}': a port is a whole number from 0 to "
        "65535 (see --help)\n"
    )


def test_serve_allow_host_takes_a_host_name_only(capsys) -> None:
    status, _, err = run(capsys, "serve", "--allow-host", "evil.example/path")
    assert status == 2
    assert err == (
        "meeting-tokens serve: error: argument --allow-host: 'evil.example/path' is not a host name, "
        "such as example.test or example.test:8080 (see --help)\n"
    )


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.5", "example.test"])  # noqa: S104
def test_serve_beyond_loopback_without_allow_non_loopback_is_a_usage_error_that_binds_nothing(
    capsys, monkeypatch, host: str
) -> None:
    binds = []

    def bind(host: str, port: int) -> None:  # nothing binds beyond loopback in the tests
        binds.append((host, port))
        raise OSError(98, "Address already in use")

    monkeypatch.setattr(serve, "_bind", bind)
    status, out, err = run(capsys, "serve", "--host", host, "--port", "8787")
    assert (status, out, binds) == (2, "", [])
    assert err == (
        f"meeting-tokens serve: error: --host {host} is not a loopback address: anyone who reaches the "
        "port could use the public demo key; add --allow-non-loopback to serve there anyway\n"
    )


def test_the_module_refuses_a_host_beyond_loopback_without_allow_non_loopback(capsys, monkeypatch) -> None:
    def bind(host: str, port: int) -> None:  # nothing binds beyond loopback in the tests
        raise OSError(98, "Address already in use")

    monkeypatch.setattr(serve, "_bind", bind)
    with pytest.raises(SystemExit) as exit_:
        serve.main(["--host", "0.0.0.0"])  # noqa: S104
    assert exit_.value.code == 2
    assert capsys.readouterr().err.endswith(
        "error: --host 0.0.0.0 is not a loopback address: anyone who reaches the port could use the "
        "public demo key; add --allow-non-loopback to serve there anyway\n"
    )


def test_serve_beyond_loopback_warns_that_the_demo_key_is_public(capsys, monkeypatch) -> None:
    def refuse(host: str, port: int) -> None:  # nothing binds beyond loopback in the tests
        raise OSError(98, "Address already in use")

    monkeypatch.setattr(serve, "_bind", refuse)
    argv = ["serve", "--host", "0.0.0.0", "--port", "8787", "--allow-non-loopback"]  # noqa: S104
    status, out, err = run(capsys, *argv)
    assert (status, out) == (2, "")
    assert err == (
        "warning: serving beyond loopback on '0.0.0.0': the demo key printed below is public (it is in "
        "this package's source), so anyone who reaches the port can use it; requests are answered only "
        "for loopback names and --allow-host names\n"
        "meeting-tokens serve: error: cannot listen on 0.0.0.0:8787: Address already in use\n"
    )


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1", "127.8.9.10"])
def test_serve_on_loopback_gives_no_warning(host: str) -> None:
    assert serve.is_loopback(host)


@pytest.mark.parametrize("host", ["0.0.0.0", "", "192.168.1.5", "::", "example.test"])  # noqa: S104
def test_serve_anywhere_else_is_beyond_loopback(host: str) -> None:
    assert not serve.is_loopback(host)


# standard input is read within the token limit --------------------------------------------------


def test_standard_input_over_the_token_limit_is_a_usage_error(capsys) -> None:
    status, out, err = run(capsys, "inspect", "-", stdin="a" * (MAX_TOKEN_LENGTH + 1))
    assert (status, out) == (2, "")
    assert err == (
        "meeting-tokens inspect: error: the input is over 8192 characters, longer than any token accepted\n"
    )


def test_a_token_at_the_limit_with_its_line_ending_is_read_and_inspected(capsys) -> None:
    status, out, err = run(capsys, "inspect", "-", stdin="a" * MAX_TOKEN_LENGTH + "\r\n")
    assert (status, err) == (1, "")
    assert out.startswith("not valid (malformed): ")


class _Endless(io.TextIOBase):
    """Standard input that never ends, and counts what was read from it."""

    def __init__(self) -> None:
        self.read_so_far = 0

    def isatty(self) -> bool:
        return False

    def read(self, size: int | None = -1) -> str:
        if size is None or size < 0:
            raise AssertionError("the whole of an endless input was asked for")
        self.read_so_far += size
        return "a" * size


def test_endless_standard_input_is_refused_after_the_token_limit(capsys, monkeypatch) -> None:
    endless = _Endless()
    monkeypatch.setattr(sys, "stdin", endless)
    assert main(["inspect", "-"]) == 2
    assert capsys.readouterr().err.startswith("meeting-tokens inspect: error: the input is over 8192")
    assert endless.read_so_far <= MAX_TOKEN_LENGTH + 3


def test_standard_input_that_is_not_utf8_is_a_usage_error(capsys, monkeypatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"\xff\xfe token"), encoding="utf-8"))
    assert main(["inspect", "-"]) == 2
    assert capsys.readouterr().err == (
        "meeting-tokens inspect: error: the input is not UTF-8 text, so it is no token\n"
    )


# exit statuses in a shell ----------------------------------------------------------------------


def _admitted(*argv: str) -> bool:
    """Whether `meeting-tokens inspect ARGV && echo admitted` admits, as a shell script would."""
    script = '"$0" inspect "$@" >/dev/null && echo admitted'
    result = subprocess.run(  # noqa: S603 (our own script, fixed arguments)
        ["/bin/sh", "-c", script, str(SCRIPT), *argv],
        capture_output=True,
        text=True,
        timeout=60,
        env=os.environ | {"DAILY_API_KEY": API_KEY},
    )
    return result.stdout == "admitted\n"


def test_in_a_shell_and_admits_only_a_token_whose_signature_was_checked() -> None:
    forged = sign_hs256(HS256_HEADER, decode_parts(signed()).payload | {"o": True}, "not-the-key")
    assert not _admitted(forged)  # no key: exit 3, the && does not fire
    assert not _admitted(signed())  # not even a genuine one, unverified
    assert not _admitted("--key-env", "DAILY_API_KEY", forged)
    assert _admitted("--key-env", "DAILY_API_KEY", signed())


def test_the_exit_statuses_are_in_the_help(capsys) -> None:
    status, out, _ = run(capsys, "inspect", "--help")
    assert status == 0
    assert (
        "The exit status: 0 valid, the signature checked with --key-env; 1 not valid; 2 usage error; 3 "
        "no check failed, but without --key-env nothing verified the signature."
    ) in " ".join(out.split())


# keys never reach the output -----------------------------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        ["inspect", "--key-env", "DAILY_API_KEY", "<signed>"],
        ["inspect", "--key-env", "DAILY_API_KEY", "--json", "<signed>"],
        ["inspect", "--key-env", "DAILY_API_KEY", EXAMPLE],
        ["inspect", "--key-env", "DAILY_API_KEY", "not-a-token"],
        ["inspect", "--key-env", API_KEY, "<signed>"],
        ["inspect", "--key-env", "DAILY_API_KEY", "--leeway", "soon", "<signed>"],
        ["sign", "--room", "hello", "--domain-id", DOMAIN_ID],
        ["sign", "--room", "hello", "--domain-id", DOMAIN_ID, "--key-env", API_KEY],
        ["sign", "--room", "hello", "--domain-id", DOMAIN_ID, "--lang", "xx"],
        ["sign", "--domain-id", DOMAIN_ID],
        ["sign", "--room", "hello"],
        ["serve", "--port", "not-a-port"],
    ],
)
def test_the_key_never_reaches_the_output(capsys, argv: list[str]) -> None:
    token = signed()
    _, out, err = run(capsys, *[token if arg == "<signed>" else arg for arg in argv])
    assert API_KEY not in out + err
    assert out + err != ""


def test_a_key_passed_where_its_variables_name_belongs_is_not_echoed(capsys) -> None:
    status, _, err = run(capsys, "inspect", "--key-env", API_KEY, EXAMPLE)
    assert (status, err) == (
        2,
        "meeting-tokens inspect: error: --key-env takes the name of an environment variable, "
        "such as DAILY_API_KEY\n",
    )


# serve and the console script ----------------------------------------------------------------


def test_serve_prints_the_emulators_url_and_answers_daily_calls_until_interrupted() -> None:
    environ = os.environ | {"DAILY_API_KEY": API_KEY}
    process = subprocess.Popen(  # noqa: S603 (our own interpreter, fixed arguments)
        [sys.executable, "-m", "meeting_tokens.cli", "serve", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environ,
    )
    try:
        first = process.stdout.readline()
        assert first.startswith("Daily emulator: http://127.0.0.1:")
        base_url = first.removeprefix("Daily emulator: ").strip()
        assert process.stdout.readline() == f"API key (a fake demo key): {DEMO_API_KEY}\n"
        response = httpx.get(base_url + "/", headers={"Authorization": f"Bearer {DEMO_API_KEY}"}, timeout=30)
        assert response.status_code == 200
    finally:
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=30)
    assert process.returncode == 0
    assert out.endswith("Stopped.\n")
    assert API_KEY not in first + out + err


def test_the_console_script_is_installed_and_runs() -> None:
    result = subprocess.run(  # noqa: S603 (the installed script, fixed arguments)
        [str(SCRIPT), "inspect", "--now", EXAMPLE_NOW, EXAMPLE], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 3
    assert "signature not checked" in result.stdout


def test_the_console_script_without_a_command_is_a_usage_error() -> None:
    result = subprocess.run([str(SCRIPT)], capture_output=True, text=True, timeout=60)  # noqa: S603
    assert result.returncode == 2
    assert result.stderr == (
        "meeting-tokens: error: the following arguments are required: {inspect,sign,check,serve} "
        "(see --help)\n"
    )

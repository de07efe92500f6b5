"""A gallery of forged and broken meeting tokens, each one built the way an attacker or a bug
would build it. Chapter 6 shows every one rejected; the tests and the in-page widgets use the
same corpus, so the book, the package and the browser agree on each verdict.
"""

from __future__ import annotations

from typing import Any

from meeting_tokens.core.jwt_parts import HS256_HEADER, b64url_encode, compact_json, sign_hs256


def _unsigned(header: dict[str, Any], payload: dict[str, Any], signature: bytes = b"") -> str:
    """Assemble a token without signing it (what an `alg: none` forgery looks like)."""
    return ".".join(
        [b64url_encode(compact_json(header)), b64url_encode(compact_json(payload)), b64url_encode(signature)]
    )


def _swap_payload(token: str, payload: dict[str, Any]) -> str:
    """Swap the payload but keep the original signature: a tampered token."""
    header_b64, _, signature_b64 = token.split(".")
    return f"{header_b64}.{b64url_encode(compact_json(payload))}.{signature_b64}"


# What `validate_token` (with the key, room and domain) says of each token: None means valid.
EXPECTED_CODES: dict[str, str | None] = {
    "valid": None,
    "non-ASCII user name": None,
    "exp one second ahead": None,
    "nbf == now": None,
    "alg none": "unsupported-algorithm",
    "alg None (other spelling)": "unsupported-algorithm",
    "HS512 header": "unsupported-algorithm",
    "crit header": "unsupported-critical-header",
    "tampered payload": "invalid-signature",
    "owner escalation": "invalid-signature",
    "wrong key": "invalid-signature",
    "expired": "expired",
    "exp == now": "expired",
    "not yet valid": "not-yet-valid",
    "nbf == now + 1": "not-yet-valid",
    "issued in the future": "not-yet-valid",
    "other room": "wrong-room",
    "other domain": "wrong-domain",
    "missing exp": "missing-claim",
    "missing r": "missing-claim",
    "exp as string": "invalid-claim",
    "exp as float": "invalid-claim",
    "exp as bool": "invalid-claim",
    "exp as null": "invalid-claim",
    "bad base64url": "malformed",
    "two segments": "malformed",
}


def forged_tokens(api_key: str, *, room_name: str, domain_id: str, now: int) -> dict[str, str]:
    """label -> token, for every label of `EXPECTED_CODES`, built around the instant `now`."""
    claims = {"r": room_name, "d": domain_id, "iat": now - 60, "exp": now + 3600}

    def signed(**changes: Any) -> str:
        return sign_hs256(HS256_HEADER, claims | changes, api_key)

    def without(name: str) -> str:
        return sign_hs256(HS256_HEADER, {k: v for k, v in claims.items() if k != name}, api_key)

    valid = signed()
    return {
        "valid": valid,
        "non-ASCII user name": signed(u='Zoë 李雷 😀 "</script>"'),
        "exp one second ahead": signed(exp=now + 1),
        "nbf == now": signed(nbf=now),
        "alg none": _unsigned({"alg": "none", "typ": "JWT"}, claims),
        "alg None (other spelling)": _unsigned({"alg": "None", "typ": "JWT"}, claims),
        "HS512 header": sign_hs256({"alg": "HS512", "typ": "JWT"}, claims, api_key),
        "crit header": sign_hs256(HS256_HEADER | {"crit": ["exp"]}, claims, api_key),
        "tampered payload": _swap_payload(valid, claims | {"exp": now + 10 * 365 * 86400}),
        "owner escalation": _swap_payload(valid, claims | {"o": True}),
        "wrong key": sign_hs256(HS256_HEADER, claims, "an-attacker-guessed-this-key-0123456789"),
        "expired": signed(iat=now - 7200, exp=now - 3600),
        "exp == now": signed(iat=now - 3600, exp=now),
        "not yet valid": signed(nbf=now + 60),
        "nbf == now + 1": signed(nbf=now + 1),
        "issued in the future": signed(iat=now + 600),
        "other room": signed(r=f"not-{room_name}"),
        "other domain": signed(d="00000000-0000-0000-0000-000000000000"),
        "missing exp": without("exp"),
        "missing r": without("r"),
        "exp as string": signed(exp=str(now + 3600)),
        "exp as float": signed(exp=now + 3600.5),
        "exp as bool": signed(exp=True),
        "exp as null": signed(exp=None),
        "bad base64url": valid.replace(".", ".*", 1),
        "two segments": valid.rsplit(".", 1)[0],
    }

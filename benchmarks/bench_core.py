"""The token core against PyJWT and authlib, as ratios measured in one run on the same token.

- self_sign vs jwt.encode: the same bytes, built by hand with the property checks on top
  (target <= 0.7).
- validate_token vs jwt.decode: more checks, one parse and one HMAC (target <= 0.5).
- validate_token vs authlib's decode and ``claims.validate()``, with its key imported once (its
  fastest use): at least 20% faster (target <= 0.8). authlib is a benchmark-only dependency.
- precheck_claims rejecting an expired token vs jwt.decode: no crypto (target <= 0.3).

Each figure is the best of many short timeit rounds, the two sides taking turns, which filters
out noise from other processes on a shared machine.
"""

from __future__ import annotations

import time
import timeit
import warnings
from collections.abc import Callable

import jwt

# authlib.jose warns that joserfc replaces it; record the warning rather than print it.
with warnings.catch_warnings(record=True):
    from authlib.jose import JsonWebToken, OctKey

from meeting_tokens import precheck_claims, self_sign, validate_token

API_KEY = "bench-only-fake-key-0123456789abcdef0123456789"  # fake, long enough for HS256
DOMAIN_ID = "7c1ba4a2-5f5e-4c8a-9d3b-2f0e6a1b9c44"
ROOM = "standup"
PROPERTIES = {"is_owner": True, "user_name": "host", "user_id": "u-42", "lang": "en"}
ROUNDS = 30


def best_pair(ours: Callable[[], object], theirs: Callable[[], object], number: int) -> tuple[float, float]:
    """Seconds per call for each side: the minimum over ROUNDS short runs.

    The two sides take turns, round by round, so both see the same machine load.
    """
    best_ours = best_theirs = float("inf")
    for _ in range(ROUNDS):
        best_ours = min(best_ours, timeit.timeit(ours, number=number))
        best_theirs = min(best_theirs, timeit.timeit(theirs, number=number))
    return best_ours / number, best_theirs / number


def ratios(number: int = 500) -> list[tuple[str, float, float, float, float]]:
    """(label, ours in µs, theirs in µs, ratio, target) for each comparison."""
    now = int(time.time())  # PyJWT reads the real clock, so the token must be live now
    token = self_sign(API_KEY, room_name=ROOM, domain_id=DOMAIN_ID, now=now, **PROPERTIES)
    payload = jwt.decode(token, options={"verify_signature": False})
    expired_at = now + 3600 + 1

    def our_sign() -> str:
        return self_sign(API_KEY, room_name=ROOM, domain_id=DOMAIN_ID, now=now, **PROPERTIES)

    def pyjwt_sign() -> str:
        return jwt.encode(payload, API_KEY, algorithm="HS256")

    def our_validate() -> object:
        return validate_token(token, api_key=API_KEY, room_name=ROOM, domain_id=DOMAIN_ID)

    def pyjwt_decode() -> object:
        return jwt.decode(token, API_KEY, algorithms=["HS256"])

    authlib_jwt = JsonWebToken(["HS256"])
    authlib_key = OctKey.import_key(API_KEY)

    def authlib_validate() -> object:
        claims = authlib_jwt.decode(token, authlib_key)
        claims.validate()
        return claims

    def our_precheck_expired() -> object:
        return precheck_claims(token, room_name=ROOM, now=expired_at)

    assert our_sign() == pyjwt_sign(), "both must produce the same token"
    assert our_validate().valid
    assert our_precheck_expired().code == "expired"
    assert authlib_validate() == payload

    pairs = [
        ("self_sign / jwt.encode", our_sign, pyjwt_sign, 0.7),
        ("validate_token / jwt.decode", our_validate, pyjwt_decode, 0.5),
        ("validate_token / authlib decode+validate", our_validate, authlib_validate, 0.8),
        ("precheck_claims (expired) / jwt.decode", our_precheck_expired, pyjwt_decode, 0.3),
    ]
    rows = []
    for label, ours, theirs, target in pairs:
        our_time, their_time = best_pair(ours, theirs, number)
        rows.append((label, our_time * 1e6, their_time * 1e6, our_time / their_time, target))
    return rows


def main() -> None:
    for label, ours, theirs, ratio, target in ratios():
        verdict = "PASS" if ratio <= target else "MISS"
        figures = f"{ours:7.1f} µs vs {theirs:7.1f} µs"
        print(f"{label:<42} {figures}  ratio {ratio:.2f} (target <= {target:.2f}) {verdict}")


if __name__ == "__main__":
    main()

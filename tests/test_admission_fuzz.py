"""Whatever a verified token claims, the join model answers: it never raises, and a claim of the
wrong type never grants anything (api/admission.py).
"""

from __future__ import annotations

from typing import Any

from hypothesis import event, given
from hypothesis import strategies as st

from constants import DOMAIN_ID, NOW
from meeting_tokens.api.admission import Admission, admit
from meeting_tokens.core.claims import CLAIM_NAMES, PERMISSION_CLAIMS

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12,
)
permission_claims = st.dictionaries(
    st.sampled_from([*PERMISSION_CLAIMS.values(), *PERMISSION_CLAIMS, "ca"]) | st.text(max_size=6),
    json_values,
    max_size=4,
)
claim_names = st.sampled_from([*CLAIM_NAMES.values(), "enable_prejoin_ui", "iat"]) | st.text(max_size=8)
claims = st.dictionaries(claim_names, json_values | permission_claims, max_size=8)
# A token that names this room and domain, so that the wrong types are what gets tested.
scoped_claims = claims.map(lambda extra: {"r": "stage", "d": DOMAIN_ID} | extra)
rooms = st.builds(
    lambda privacy, knocking: {
        "name": "stage", "privacy": privacy, "config": {"enable_knocking": knocking} if knocking else {},
    },
    st.sampled_from(["public", "private"]),
    st.booleans(),
)  # fmt: skip
domains = st.sampled_from([{}, {"permissions": {"canSend": ["audio"]}, "lang": "de"}])


def is_bool_or_list(value: Any) -> bool:
    return isinstance(value, bool) or (isinstance(value, list) and all(isinstance(v, str) for v in value))


@given(rooms, claims | scoped_claims, domains)
def test_admit_never_raises_whatever_the_claims(room: dict, token: dict, domain: dict) -> None:
    assert isinstance(admit(room, token, now=NOW, domain_id=DOMAIN_ID, domain=domain), Admission)


@given(rooms, claims | scoped_claims)
def test_only_an_owner_claim_of_true_makes_an_owner(room: dict, token: dict) -> None:
    admission = admit(room, token, now=NOW, domain_id=DOMAIN_ID)

    assert not admission.is_owner or token.get("o") is True


@given(rooms, claims | scoped_claims, domains)
def test_an_admission_holds_only_permissions_of_the_documented_types(
    room: dict, token: dict, domain: dict
) -> None:
    admission = admit(room, token, now=NOW, domain_id=DOMAIN_ID, domain=domain)
    permissions = admission.permissions

    if admission.admitted:
        assert set(permissions) == {"canSend", "canReceive", "hasPresence", "canAdmin"}
        assert is_bool_or_list(permissions["canSend"]) and is_bool_or_list(permissions["canAdmin"])
        assert isinstance(permissions["hasPresence"], bool) and isinstance(permissions["canReceive"], dict)
        assert admission.eject_at is None or isinstance(admission.eject_at, int | float)
    else:
        assert (permissions, admission.is_owner) == ({}, False)


@given(rooms, scoped_claims, json_values | st.integers(-3, 3))
def test_a_malformed_eject_claim_never_lets_its_holder_in(room: dict, claims: dict, eje: Any) -> None:
    token = claims | {"eje": eje}  # every token has one, well formed or not
    malformed = not (isinstance(eje, int) and not isinstance(eje, bool) and eje >= 0)
    admitted_without_it = admit(room, claims, now=NOW, domain_id=DOMAIN_ID).admitted
    event(f"eje {'malformed' if malformed else 'well formed'}, admitted without it: {admitted_without_it}")

    admission = admit(room, token, now=NOW, domain_id=DOMAIN_ID)

    assert not (malformed and admission.admitted)

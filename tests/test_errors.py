"""One hierarchy: every error the package raises on purpose has one root, and codes map back."""

from __future__ import annotations

import pytest

from meeting_tokens.core import errors


def subclasses(cls: type) -> set[type]:
    found = set(cls.__subclasses__())
    return found.union(*(subclasses(sub) for sub in found))


def test_token_and_api_errors_share_one_root():
    assert issubclass(errors.TokenError, errors.MeetingTokensError)
    assert issubclass(errors.DailyAPIError, errors.MeetingTokensError)


def test_every_token_error_with_a_code_is_found_by_its_code():
    coded = {cls for cls in subclasses(errors.TokenError) | {errors.TokenError} if "code" in vars(cls)}

    assert set(errors.ERRORS_BY_CODE.values()) == coded
    assert all(errors.ERRORS_BY_CODE[cls.code] is cls for cls in coded)


@pytest.mark.parametrize(
    "cls",
    [errors.InvalidClaimError, errors.MissingClaimError, errors.ExpiredTokenError, errors.NotYetValidError,
     errors.WrongRoomError, errors.WrongDomainError],
)  # fmt: skip
def test_claim_errors_carry_the_claim(cls: type[errors.ClaimError]):
    error = cls("the message", "exp")

    assert (str(error), error.claim, error.code) == ("the message", "exp", cls.code)


def test_invalid_properties_lists_every_problem_and_is_a_value_error():
    error = errors.InvalidPropertiesError(["a is wrong", "b is wrong"])

    assert (str(error), error.problems) == ("a is wrong; b is wrong", ["a is wrong", "b is wrong"])
    assert isinstance(error, ValueError)

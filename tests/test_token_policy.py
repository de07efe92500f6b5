"""The production checklist in a reader's own CI: the rules (``core.checklist``), the pytest
plugin's ``daily_token_policy`` run in a fresh directory (pytester), ``assert_no_daily_secret``
and ``meeting-tokens check``."""

from __future__ import annotations

import configparser
import re
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from constants import API_KEY, DOMAIN_ID, ROOM
from fuzzing import fuzz
from meeting_tokens.core.checklist import DEFAULT_MAX_LIFETIME, RULES, check_token
from meeting_tokens.core.jwt_parts import HS256_HEADER, sign_hs256
from meeting_tokens.pytest_plugin import assert_no_daily_secret
from test_cli import run

pytest_plugins = ["pytester"]

NOW = 1_800_000_000
TEN_MINUTES = 600


def token(claims: dict[str, Any], key: str = API_KEY) -> str:
    return sign_hs256(HS256_HEADER, claims, key)


def good_claims(**changes: Any) -> dict[str, Any]:
    """A self-signed token's claims that keep every rule: a room, iat, d, a ten-minute exp."""
    claims = {"r": ROOM, "d": DOMAIN_ID, "iat": NOW, "exp": NOW + TEN_MINUTES}
    return {name: value for name, value in (claims | changes).items() if value is not None}


def codes(text: str, **options: Any) -> list[str]:
    return [finding.code for finding in check_token(text, now=NOW, **options)]


# The rules, each broken and kept


def test_a_token_with_a_room_and_a_ten_minute_exp_keeps_every_rule() -> None:
    assert codes(token(good_claims()), signing_key=API_KEY) == []


def test_a_token_minted_from_nothing_breaks_no_exp_and_no_room() -> None:
    assert codes(token({"d": DOMAIN_ID, "iat": NOW})) == ["no-exp", "no-room"]


def test_something_that_is_not_a_token_is_malformed_with_its_reason() -> None:
    [finding] = check_token("not-a-token", now=NOW)
    assert (finding.code, finding.message) == (
        "malformed",
        "Not a token: a JWS has 3 dot-separated parts, this has 1.",
    )


def test_a_token_with_no_exp_breaks_no_exp() -> None:
    assert codes(token(good_claims(exp=None))) == ["no-exp"]


def test_a_token_with_no_room_breaks_no_room() -> None:
    assert codes(token(good_claims(r=None))) == ["no-room"]


def test_an_exp_the_maximum_lifetime_after_iat_is_kept() -> None:
    assert codes(token(good_claims(exp=NOW + DEFAULT_MAX_LIFETIME))) == []


def test_an_exp_a_second_past_the_maximum_lifetime_breaks_long_lived() -> None:
    [finding] = check_token(token(good_claims(exp=NOW + 7201)), now=NOW)
    assert (finding.code, finding.message) == (
        "long-lived",
        "exp is 7201 s (2 hours) after iat, over the 7200 s (2 hours) allowed.",
    )


def test_without_iat_the_lifetime_counts_from_now() -> None:
    claims = good_claims(iat=None, exp=NOW + 3600)
    assert codes(token(claims), max_lifetime=3600) == []
    assert codes(token(claims), max_lifetime=3599) == ["long-lived"]


def test_an_exp_that_is_not_a_time_breaks_long_lived_saying_so() -> None:
    [finding] = check_token(token(good_claims(exp="tomorrow")), now=NOW)
    assert finding.message == "exp is 'tomorrow', not unix seconds: nobody can tell when this token ends."


def test_a_token_over_2048_characters_breaks_too_long() -> None:
    assert codes(token(good_claims(u="x" * 2000))) == ["too-long"]
    assert codes(token(good_claims(u="x" * 1300))) == []


def test_a_token_self_signed_with_a_key_under_32_bytes_breaks_short_key() -> None:
    assert codes(token(good_claims(), "k" * 31), signing_key="k" * 31) == ["short-key"]
    assert codes(token(good_claims(), "k" * 32), signing_key="k" * 32) == []


def test_a_self_signed_token_without_iat_or_d_breaks_missing_self_signed_claim() -> None:
    [finding] = check_token(token(good_claims(iat=None, d=None)), now=NOW, signing_key=API_KEY)
    assert (finding.code, finding.message) == (
        "missing-self-signed-claim",
        "no iat: Daily refuses a self-signed token without its issue time; "
        "no d: Daily refuses a self-signed token without the domain_id.",
    )


def test_a_rest_minted_token_needs_no_self_signed_claims() -> None:
    assert codes(token(good_claims(iat=None, d=None))) == []


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.integers(-(10**400), 10**400) | st.floats() | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3),
    max_leaves=5,
)


@fuzz(300)
@given(
    claims=st.dictionaries(st.sampled_from(["exp", "iat", "r", "d", "u", "p", "o"]), JSON_VALUES),
    now=st.floats(0, 2**40),
    max_lifetime=st.floats(1, 2**40),
)
def test_any_payload_gets_findings_never_an_exception(
    claims: dict[str, Any], now: float, max_lifetime: float
) -> None:
    found = check_token(token(claims), now=now, max_lifetime=max_lifetime, signing_key=API_KEY)
    assert {finding.code for finding in found} <= set(RULES)


def test_a_float_exp_against_an_iat_beyond_any_float_is_judged_not_raised() -> None:
    assert codes(token(good_claims(exp=1.5, iat=10**400))) == []
    assert codes(token(good_claims(exp=10.0**300, iat=-(10**400)))) == ["long-lived"]


def test_every_rule_names_a_page_of_the_book_that_exists() -> None:
    from test_exported_members import ROOT

    missing = [rule.page for rule in RULES.values() if not (ROOT / f"{rule.page}.ipynb").exists()]
    assert missing == []


# The plugin, in a fresh directory

MINTS_NOTHING = """
def test_mints(daily_client):
    daily_client.create_meeting_token({})
"""


def suite(pytester: pytest.Pytester, body: str, policy: str | None = "strict", **ini: str) -> None:
    """A fresh test directory: its pytest.ini (with the policy, unless None) and test_app.py."""
    options = {"asyncio_default_fixture_loop_scope": "function", **ini}
    if policy is not None:
        options["daily_token_policy"] = policy
    pytester.makeini("[pytest]\n" + "".join(f"{name} = {value}\n" for name, value in options.items()))
    pytester.makepyfile(test_app="import pytest\nfrom meeting_tokens import self_sign\n" + body)


def test_under_strict_a_test_minting_nothing_fails_naming_exp_and_room_name(
    pytester: pytest.Pytester,
) -> None:
    suite(pytester, MINTS_NOTHING)
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "daily_token_policy = strict: a token breaks the production checklist",
            "",
            "token from POST /v1/meeting-tokens",
            '  claims: {"d": "*", "iat": *}',
            "  no-exp: No exp: this token never expires.",
            '    book: notebooks/02-minting, "The rule the article insists on"',
            "  no-room: No room_name: this token opens every room of the domain.",
            '    book: notebooks/02-minting, "The rule the article insists on"',
            "",
            "Fix the app, or exempt this test:",
            '  @pytest.mark.daily_policy_exempt("no-exp", "no-room", reason="...")',
        ]
    )


def test_the_same_test_exempted_from_both_rules_passes(pytester: pytest.Pytester) -> None:
    exempt = '@pytest.mark.daily_policy_exempt("no-exp", "no-room", reason="shows an unsafe token")'
    suite(pytester, exempt + MINTS_NOTHING)
    pytester.runpytest().assert_outcomes(passed=1)


def test_an_exemption_from_one_rule_leaves_the_other(pytester: pytest.Pytester) -> None:
    suite(pytester, '@pytest.mark.daily_policy_exempt("no-exp", reason="a demo")' + MINTS_NOTHING)
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.no_fnmatch_line("*no-exp: No exp*")
    result.stdout.fnmatch_lines(["*no-room: No room_name*"])


def test_a_test_minting_a_token_with_a_room_and_a_ten_minute_exp_passes(pytester: pytest.Pytester) -> None:
    body = """
def test_mints(daily_client):
    daily_client.create_meeting_token({"room_name": "standup", "exp": int(daily_client.now()) + 600})
"""
    suite(pytester, body)
    pytester.runpytest("-W", "error").assert_outcomes(passed=1)


def test_by_default_each_broken_rule_is_a_warning_and_the_test_passes(pytester: pytest.Pytester) -> None:
    suite(pytester, MINTS_NOTHING, policy=None)
    result = pytester.runpytest()
    result.assert_outcomes(passed=1, warnings=2)
    result.stdout.fnmatch_lines(["*DailyTokenPolicyWarning: no-exp: No exp*", "*no-room: No room_name*"])


def test_off_checks_nothing(pytester: pytest.Pytester) -> None:
    suite(pytester, MINTS_NOTHING, policy="off")
    pytester.runpytest().assert_outcomes(passed=1, warnings=0)


def test_a_token_minted_over_http_through_daily_server_is_checked(pytester: pytest.Pytester) -> None:
    body = """
import httpx

def test_mints(daily_server):
    headers = {"Authorization": f"Bearer {daily_server.api_key}"}
    httpx.post(daily_server.base_url + "/meeting-tokens", json={"properties": {}}, headers=headers)
"""
    suite(pytester, body)
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["  no-exp: *"])


def test_a_client_fixture_of_your_own_on_an_emulator_of_its_own_is_checked_too(
    pytester: pytest.Pytester,
) -> None:
    body = """
from meeting_tokens import DailyEmulator

@pytest.fixture
def my_client():
    with DailyEmulator(rate_limit=False).client() as client:
        yield client

def test_mints(my_client):
    my_client.create_meeting_token({"exp": int(my_client.now()) + 600})
"""
    suite(pytester, body)
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["  no-room: No room_name*"])


def test_a_self_signed_token_shown_to_validation_is_held_to_the_self_signed_rules(
    pytester: pytest.Pytester,
) -> None:
    body = """
from meeting_tokens.core.jwt_parts import HS256_HEADER, sign_hs256

def test_validates(daily_client, daily_emulator):
    claims = {"r": "standup", "exp": int(daily_client.now()) + 600}  # no iat, no d
    token = sign_hs256(HS256_HEADER, claims, daily_emulator.api_key)
    try:
        daily_client.validate_meeting_token(token)
    except Exception:
        pass  # Daily refuses it: the app under test would have to cope
"""
    suite(pytester, body)
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "token from GET /v1/meeting-tokens/:token",
            "  claims: {*}",
            "  missing-self-signed-claim: no iat: *; no d: *",
        ]
    )


def test_a_self_signed_token_used_to_join_with_a_short_key_breaks_short_key(
    pytester: pytest.Pytester,
) -> None:
    body = """
from meeting_tokens import DailyEmulator

@pytest.fixture
def daily_emulator():
    return DailyEmulator(api_key="fake-short-key")

def test_joins(daily_emulator):
    token = self_sign(daily_emulator.api_key, room_name="standup", domain_id=daily_emulator.domain_id,
                      expires_in=600, now=daily_emulator.clock.now())
    daily_emulator.join("standup", token)
"""
    suite(pytester, body)
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ["token from join('standup')", "  claims: *", "  short-key: The key is 14 bytes*"]
    )


def test_a_malformed_token_is_a_violation_with_its_reason_not_a_crash(pytester: pytest.Pytester) -> None:
    suite(pytester, 'def test_joins(daily_emulator):\n    daily_emulator.join("standup", "a.b")\n')
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "token from join('standup')",
            "  claims: unreadable",
            "  malformed: Not a token: a JWS has 3 dot-separated parts, this has 2.",
            '    book: notebooks/01-anatomy, "Three parts and two dots"',
        ]
    )


RULE_LINE = re.compile(r"^  (?!claims:)([a-z-]+): ", re.MULTILINE)  # a broken rule in a strict failure
EVERY_RULE_BOTH_WAYS = """
from meeting_tokens import DailyEmulator
from meeting_tokens.core.jwt_parts import HS256_HEADER, sign_hs256

@pytest.fixture
def short_key_emulator():
    return DailyEmulator(api_key="fake-short-key")

def self_signed(emulator, **changes):
    now = int(emulator.clock.now())
    claims = {"r": "standup", "d": emulator.domain_id, "iat": now, "exp": now + 600} | changes
    return sign_hs256(HS256_HEADER, {k: v for k, v in claims.items() if v is not None}, emulator.api_key)

def mint(client, **changes):
    properties = {"room_name": "standup", "exp": int(client.now()) + 600} | changes
    client.create_meeting_token({k: v for k, v in properties.items() if v is not None})

def test_malformed_broken(daily_emulator):
    daily_emulator.join("standup", "a.b")

def test_malformed_kept(daily_emulator):
    daily_emulator.join("standup", self_signed(daily_emulator))

def test_no_exp_broken(daily_client):
    mint(daily_client, exp=None)

def test_no_exp_kept(daily_client):
    mint(daily_client)

def test_long_lived_broken(daily_client):
    mint(daily_client, exp=int(daily_client.now()) + 7201)

def test_long_lived_kept(daily_client):
    mint(daily_client, exp=int(daily_client.now()) + 7200)

def test_no_room_broken(daily_client):
    mint(daily_client, room_name=None)

def test_no_room_kept(daily_client):
    mint(daily_client, room_name="retro")

def test_too_long_broken(daily_emulator):
    daily_emulator.join("standup", self_signed(daily_emulator, u="x" * 2000))

def test_too_long_kept(daily_emulator):
    daily_emulator.join("standup", self_signed(daily_emulator, u="x" * 1000))

def test_short_key_broken(short_key_emulator):
    short_key_emulator.join("standup", self_signed(short_key_emulator))

def test_short_key_kept(daily_emulator):
    daily_emulator.join("standup", self_signed(daily_emulator))

def test_missing_self_signed_claim_broken(daily_emulator):
    daily_emulator.join("standup", self_signed(daily_emulator, d=None))

def test_missing_self_signed_claim_kept(daily_emulator):
    daily_emulator.join("standup", self_signed(daily_emulator))
"""


def test_under_strict_each_rule_fails_the_test_that_breaks_it_and_only_that_one(
    pytester: pytest.Pytester,
) -> None:
    suite(pytester, EVERY_RULE_BOTH_WAYS)
    passed, _, failed = pytester.inline_run().listoutcomes()
    broken = {
        report.nodeid.split("::test_")[1].removesuffix("_broken"): report.longreprtext for report in failed
    }
    assert sorted(report.nodeid.split("::test_")[1] for report in passed) == sorted(
        name.replace("-", "_") + "_kept" for name in RULES
    )
    assert sorted(broken) == sorted(name.replace("-", "_") for name in RULES)
    rules_named = {name: RULE_LINE.findall(text) for name, text in broken.items()}
    assert rules_named == {name.replace("-", "_"): [name] for name in RULES}


def test_the_maximum_lifetime_comes_from_the_ini(pytester: pytest.Pytester) -> None:
    body = """
def test_mints(daily_client):
    daily_client.create_meeting_token({"room_name": "standup", "exp": int(daily_client.now()) + 1200})
"""
    suite(pytester, body, daily_token_max_lifetime="600")
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["  long-lived: exp is 1200 s (20 minutes) after iat, over the 600 s *"])


def test_a_violation_shows_neither_the_token_nor_the_key(pytester: pytest.Pytester) -> None:
    body = """
def test_mints(daily_emulator, daily_client):
    token = self_sign(daily_emulator.api_key, room_name=None, allow_unscoped=True,
                      domain_id=daily_emulator.domain_id, now=daily_emulator.clock.now())
    daily_emulator.join("standup", token)
    print("TOKEN=" + token)
"""
    suite(pytester, body)
    result = pytester.runpytest("-s")
    result.assert_outcomes(failed=1)
    printed = result.stdout.str()
    token = printed.split("TOKEN=", 1)[1].split()[0]
    report = printed[printed.index("FAILURES") :]
    assert "no-room: No room_name" in report
    assert (token in report, token.split(".")[1] in report, "demo-key-FAKE" in report) == (
        False,
        False,
        False,
    )


def test_a_test_that_fails_on_its_own_reports_only_its_own_failure(pytester: pytest.Pytester) -> None:
    suite(pytester, MINTS_NOTHING + "    assert 1 == 2\n")
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.no_fnmatch_line("*daily_token_policy*")


def test_a_test_that_never_touches_the_emulator_is_unaffected(pytester: pytest.Pytester) -> None:
    suite(pytester, "def test_plain():\n    assert 1 + 1 == 2\n")
    pytester.runpytest("-W", "error").assert_outcomes(passed=1)


@pytest.mark.parametrize(
    ("marker", "message"),
    [
        (
            '"no-expiry", reason="typo"',
            "test_app.py::test_mints: @pytest.mark.daily_policy_exempt names no rule *'no-expiry'*; "
            "the rules are malformed, no-exp, long-lived, no-room, too-long, short-key, "
            "missing-self-signed-claim",
        ),
        ('"no-exp"', '*daily_policy_exempt takes the rules and reason="why", and nothing else'),
        ('["no-exp"], reason="a list"', "*daily_policy_exempt names no rule *no-exp*; the rules are *"),
        ('reason="no rules"', "*daily_policy_exempt needs the names of the rules it exempts from"),
    ],
)
def test_a_mistake_in_an_exemption_is_a_usage_error_before_any_test_runs(
    pytester: pytest.Pytester, marker: str, message: str
) -> None:
    suite(pytester, f"@pytest.mark.daily_policy_exempt({marker})" + MINTS_NOTHING)
    result = pytester.runpytest()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"ERROR: {message}"])
    result.stdout.no_fnmatch_line("*passed*")


@pytest.mark.parametrize(
    ("ini", "message"),
    [
        (
            {"daily_token_policy": "loud"},
            "ERROR: daily_token_policy = 'loud': write one of off, warn, strict",
        ),
        (
            {"daily_token_max_lifetime": "an hour"},
            "ERROR: daily_token_max_lifetime = 'an hour': write a positive number of seconds",
        ),
    ],
)
def test_a_bad_ini_value_is_a_usage_error(
    pytester: pytest.Pytester, ini: dict[str, str], message: str
) -> None:
    suite(pytester, MINTS_NOTHING, policy=None, **ini)
    result = pytester.runpytest()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([message])


# assert_no_daily_secret

OWNER = token(good_claims(o=True))
GUEST = token(good_claims())


def response(body: str = "", headers: list[tuple[str, str]] | None = None) -> httpx.Response:
    return httpx.Response(200, text=body, headers=headers or [])


def test_a_response_with_a_guest_token_and_no_key_passes() -> None:
    assert_no_daily_secret(response(f'{{"token": "{GUEST}"}}', [("set-cookie", "s=1; HttpOnly")]), API_KEY)


@pytest.mark.parametrize(
    ("answer", "where"),
    [
        (response(f"key={API_KEY}"), "the API key in the body"),
        (response(headers=[("x-debug", API_KEY)]), "the API key in the header 'x-debug'"),
        (
            response(headers=[("location", "/x?k=" + API_KEY.replace("-", "%2D"))]),
            "the API key in the header",
        ),
        (response(f'{{"token": "{OWNER}"}}'), "an owner token in the body (claims {"),
        (response(headers=[("set-cookie", f"mt={OWNER}; Secure")]), "an owner token in the cookie 'mt'"),
    ],
)
def test_a_response_carrying_the_key_or_an_owner_token_fails_saying_where(
    answer: httpx.Response, where: str
) -> None:
    with pytest.raises(AssertionError) as failed:
        assert_no_daily_secret(answer, API_KEY)
    assert where in str(failed.value)
    assert (API_KEY in str(failed.value), OWNER in str(failed.value)) == (False, False)


def test_assert_no_daily_secret_needs_the_key_to_look_for() -> None:
    with pytest.raises(ValueError, match="api_key must be the non-empty API key"):
        assert_no_daily_secret(response(), "")


# meeting-tokens check


def check(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    return run(capsys, "check", *argv)


def test_check_exits_1_for_a_token_without_room_or_expiry(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = check(capsys, "--now", str(NOW), token({"d": DOMAIN_ID, "iat": NOW}))
    assert (status, out.splitlines()) == (
        1,
        [
            "token 1: 2 rules broken",
            "  no-exp: No exp: this token never expires.",
            '    book: notebooks/02-minting, "The rule the article insists on"',
            "  no-room: No room_name: this token opens every room of the domain.",
            '    book: notebooks/02-minting, "The rule the article insists on"',
        ],
    )


def test_check_exits_0_for_a_good_token(capsys: pytest.CaptureFixture[str]) -> None:
    assert check(capsys, "--now", str(NOW), token(good_claims())) == (0, "token 1: every rule holds\n", "")


def test_check_exits_1_when_one_token_of_several_breaks_a_rule(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = check(capsys, "--now", str(NOW), token(good_claims()), "a.b")
    assert (status, out.splitlines()[:2]) == (1, ["token 1: every rule holds", "token 2: 1 rule broken"])


def test_check_with_a_short_key_in_key_env_breaks_short_key(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SHORT_KEY", "k" * 20)
    status, out, _ = check(
        capsys, "--now", str(NOW), "--key-env", "SHORT_KEY", token(good_claims(), "k" * 20)
    )
    assert (status, "k" * 20 in out) == (1, False)
    assert "  short-key: The key is 20 bytes; an HS256 key should have at least 32" in out


def test_check_with_max_lifetime_judges_the_lifetime_by_it(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = check(capsys, "--now", str(NOW), "--max-lifetime", "300", token(good_claims()))
    assert (status, out.splitlines()[1]) == (
        1,
        "  long-lived: exp is 600 s (10 minutes) after iat, over the 300 s (5 minutes) allowed.",
    )


def test_check_prints_what_a_token_holds_inert(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = check(capsys, "--now", str(NOW), token(good_claims(exp="\x1b[2J\u202e")))
    assert ("\x1b" in out, "\u202e" in out) == (False, False)
    assert "exp is '\\x1b[2J\\u202e', not unix seconds" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        ((), "the following arguments are required: TOKEN"),
        (("--max-lifetime", "0", "x"), "give a positive number of seconds"),
        (("-", "-"), "- (standard input) can be given once"),
        (("",), "no token: the input is empty"),
    ],
)
def test_check_exits_2_on_a_usage_error(
    capsys: pytest.CaptureFixture[str], argv: tuple[str, ...], message: str
) -> None:
    status, out, err = check(capsys, *argv)
    assert (status, out, message in err) == (2, "", True)


# The examples


@pytest.mark.parametrize("example", ["fastapi-server", "testing-offline"])
def test_each_example_suite_runs_under_strict(example: str) -> None:
    from test_exported_members import ROOT

    ini = configparser.ConfigParser()
    ini.read(ROOT / "examples" / example / "pytest.ini", encoding="utf-8")
    assert ini["pytest"]["daily_token_policy"] == "strict"

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

import httpx
import pytest

from constants import API_KEY, DOMAIN_ID
from meeting_tokens import decode_parts, precheck_claims, self_sign, validate_token
from meeting_tokens.api import DEMO_API_KEY
from meeting_tokens.cli import main, use_colour

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


def test_inspect_without_a_key_passes_on_pre_checks_and_says_the_signature_was_not_checked(capsys) -> None:
    status, out, err = run(capsys, "inspect", "--now", EXAMPLE_NOW, EXAMPLE)
    assert status == 0
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
    assert status == 0


def test_inspect_for_another_room_is_not_valid(capsys) -> None:
    status, out, _ = run(capsys, "inspect", "--room", "other", "--now", EXAMPLE_NOW, EXAMPLE)
    assert status == 1
    assert "\nnot valid (wrong-room): " in out


def test_inspect_reads_the_token_from_standard_input(capsys) -> None:
    status, out, _ = run(capsys, "inspect", "--now", EXAMPLE_NOW, "-", stdin=EXAMPLE + "\n")
    assert status == 0
    assert out.startswith("header     eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9\n")


def test_inspect_json_holds_parts_claims_properties_times_and_checks(capsys) -> None:
    status, out, _ = run(capsys, "inspect", "--json", "--now", EXAMPLE_NOW, EXAMPLE)
    inspection = json.loads(out)
    assert status == 0
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
    assert result.returncode == 0
    assert "signature not checked" in result.stdout


def test_the_console_script_without_a_command_is_a_usage_error() -> None:
    result = subprocess.run([str(SCRIPT)], capture_output=True, text=True, timeout=60)  # noqa: S603
    assert result.returncode == 2
    assert result.stderr == (
        "meeting-tokens: error: the following arguments are required: {inspect,sign,serve} (see --help)\n"
    )

"""``meeting-tokens``: inspect, self-sign, check and serve Daily meeting tokens from a shell::

    meeting-tokens inspect TOKEN                       # or: echo TOKEN | meeting-tokens inspect -
    meeting-tokens inspect --key-env DAILY_API_KEY --room hello TOKEN
    meeting-tokens sign --room hello --domain-id ID --user-name Ada --owner
    meeting-tokens check TOKEN...                      # the production checklist's rules
    meeting-tokens serve --port 8765

Standard library only, on top of the package's own names. ``inspect`` exits 0 when the token is
valid, its signature checked with ``--key-env``; 1 when it is not valid; 2 on a usage error; 3
when no check failed but nothing verified the signature (no ``--key-env``), so that
``meeting-tokens inspect "$T" && admit`` never admits a forged token. ``check`` holds tokens to
the production checklist's rules (``meeting_tokens.core.checklist``): 0 when every rule holds, 1
when one is broken, 2 on a usage error. Everything printed from a
token is inert on a terminal: control, format and bidirectional characters are shown as escapes
(``\\x1b``, ``\\u202e``). A token pasted with line breaks or spaces inside (a wrapped terminal,
an email) is inspected without them, and the output says what was removed. API keys are read
from the environment, by the variable's name, and never printed; bad input gets one line on
stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import sys
import time
import unicodedata
from collections.abc import Mapping
from typing import Any, NoReturn, TextIO

from meeting_tokens.api import serve
from meeting_tokens.core.checklist import DEFAULT_MAX_LIFETIME, RULES, check_token
from meeting_tokens.core.claims import to_properties
from meeting_tokens.core.errors import TokenError
from meeting_tokens.core.jwt_parts import MAX_TOKEN_LENGTH, TokenParts, decode_parts, pasted_token
from meeting_tokens.core.signing import self_sign
from meeting_tokens.core.validation import ValidationReport, precheck_claims, validate_token
from meeting_tokens.drawing.display import MARKS, PART_COLOURS, claims_rows
from meeting_tokens.drawing.palette import PALETTE
from meeting_tokens.drawing.timetext import FIRST_SECOND, LAST_SECOND, time_note

EXIT_VALID, EXIT_INVALID, EXIT_USAGE, EXIT_UNVERIFIED = 0, 1, 2, 3
EXIT_STATUSES = (
    "exit status: 0 valid, the signature checked with --key-env; 1 not valid; 2 usage error; "
    "3 no check failed, but without --key-env nothing verified the signature"
)
DEFAULT_KEY_ENV = "DAILY_API_KEY"
# Unicode categories a terminal may act on or that reorder what it shows: controls (C0, DEL,
# C1: escape sequences, OSC 52 clipboard writes), formats (bidirectional overrides and isolates,
# zero-width marks), lone surrogates, and line and paragraph separators.
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
# Our own colours are the only escape sequences the command writes.
COLOUR_CODE = re.compile(r"\x1b\[38;2;[0-9]{1,3};[0-9]{1,3};[0-9]{1,3}m|\x1b\[0m")
# Read from standard input at most this much: a token at the length limit, and a line ending.
_STDIN_LIMIT = MAX_TOKEN_LENGTH + 2
# Parameters of self_sign that --property must not reach, and where each is set instead.
_NOT_PROPERTIES = {
    "exp": "set it with --expires-in",
    "expires_in": "set it with --expires-in",
    "room_name": "set it with --room",
    "domain_id": "set it with --domain-id",
    "allow_unscoped": "set it with --allow-unscoped",
    "allow_no_expiry": "set it with --allow-no-expiry",
    "api_key": "the key comes from --key-env",
    "now": "sign signs at the current time",
}
# Only a name of this shape is echoed back in messages: anything else (a key pasted where
# its variable's name belongs, say) might be a secret.
_ECHOABLE_NAME = re.compile(r"[A-Z_][A-Z0-9_]{0,63}")


class UsageError(Exception):
    """Input the command cannot work with: reported in one line, exit status 2."""


def terminal_safe(text: str) -> str:
    """``text`` with every control, format (bidirectional included) and separator character
    written as a visible escape (``\\x1b``, ``\\u202e``): nothing from a token steers the terminal."""
    return "".join(_escape(c) if unicodedata.category(c) in _UNSAFE_CATEGORIES else c for c in text)


def _escape(char: str) -> str:
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


class _Parser(argparse.ArgumentParser):
    """argparse, but a mistake is one line on stderr (with a pointer to --help), exit 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {terminal_safe(message)} (see --help)\n")


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not 0 <= value < math.inf:
        raise argparse.ArgumentTypeError(f"{text!r}: seconds must be zero or more")
    return value


def _unix_time(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not unix seconds (a whole number)") from None
    if not FIRST_SECOND <= value <= LAST_SECOND:
        raise argparse.ArgumentTypeError(f"{text!r}: unix seconds must fall in the years 1 to 9999")
    return value


def _expires_in(text: str) -> int | None:
    if text == "never":
        return None
    if not re.fullmatch(r"[0-9]+", text) or int(text) == 0:
        raise argparse.ArgumentTypeError(f"{text!r}: give a positive whole number of seconds, or never")
    return int(text)


def _non_empty(text: str) -> str:
    if not text.strip():
        raise argparse.ArgumentTypeError("must not be empty")
    return text


def _property(text: str) -> tuple[str, Any]:
    name, equals, value = text.partition("=")
    if not equals or not name:
        raise argparse.ArgumentTypeError(f"{text!r}: write NAME=JSON, e.g. is_owner=true")
    if name in _NOT_PROPERTIES:
        raise argparse.ArgumentTypeError(f"{name} is not for --property: {_NOT_PROPERTIES[name]}")
    try:
        parsed = json.loads(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{name}: the value must be JSON (a string goes in double quotes)"
        ) from None
    if not _is_text(json.dumps(parsed, ensure_ascii=False)):
        raise argparse.ArgumentTypeError(f"{name}: the value holds a lone surrogate (such as \\ud800)")
    return name, parsed


def _is_text(text: str) -> bool:
    """Whether ``text`` is Unicode text, which UTF-8 can write: no lone surrogates."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def read_key(variable: str) -> str:
    """The API key in the environment variable named `variable`; its value is never echoed."""
    key = os.environ.get(variable, "")
    if not key:
        if _ECHOABLE_NAME.fullmatch(variable):
            raise UsageError(f"the environment variable {variable} is not set (export your API key there)")
        raise UsageError("--key-env takes the name of an environment variable, such as DAILY_API_KEY")
    if not _is_text(key):  # bytes that are not UTF-8 (in os.environb) arrive as lone surrogates
        name = variable if _ECHOABLE_NAME.fullmatch(variable) else "named by --key-env"
        raise UsageError(f"the environment variable {name} does not hold UTF-8 text: no API key")
    return key


def use_colour(stream: TextIO, environ: Mapping[str, str] = os.environ) -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org)."""
    return stream.isatty() and not environ.get("NO_COLOR")


def _paint(text: str, hex_colour: str, colour: bool) -> str:
    if not colour:
        return text
    red, green, blue = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"\x1b[38;2;{red};{green};{blue}m{text}\x1b[0m"


def _read_token(argument: str | None) -> str:
    if argument in (None, "-") and sys.stdin is None:
        raise UsageError("no token: give it as an argument (there is no standard input)")
    if argument is None and sys.stdin.isatty():
        raise UsageError("no token: give it as an argument, or pipe it in and write -")
    token = argument if argument not in (None, "-") else _read_stdin()
    token = token.strip()
    if not token:
        raise UsageError("no token: the input is empty")
    return token


def _read_stdin() -> str:
    """Standard input, never more than a token at the length limit and its line ending."""
    try:
        text = sys.stdin.read(_STDIN_LIMIT)
        more = sys.stdin.read(1) if len(text) == _STDIN_LIMIT else ""
    except UnicodeDecodeError:
        raise UsageError("the input is not UTF-8 text, so it is no token") from None
    if more or len(text.strip()) > MAX_TOKEN_LENGTH:
        raise UsageError(f"the input is over {MAX_TOKEN_LENGTH} characters, longer than any token accepted")
    return text


def _verdict(report: ValidationReport, state: str, keyed: bool) -> str:
    unchecked = "" if keyed else "; signature not checked (no --key-env)"
    if state == "rejected":
        return f"not valid ({report.code}): {report.reason}{unchecked}"
    if state == "valid":
        return "valid: the signature and every check passed"
    return "no check failed" + unchecked


def _parts_or_none(token: str) -> TokenParts | None:
    try:
        return decode_parts(token)
    except TokenError:
        return None


def inspection(token: str, report: ValidationReport, *, now: float, removed: str = "") -> dict[str, Any]:
    """What `inspect --json` prints: the parts, the claims under both names, the verdict, and
    what white space was removed from inside the pasted token (`removed`, "" for none)."""
    parts = _parts_or_none(token)
    claims = {} if parts is None else parts.payload
    notes = {name: time_note(name, value, now) for name, value in claims.items()}
    return {
        "segments": None if parts is None else dict(zip(PART_COLOURS, parts.segments, strict=True)),
        "header": None if parts is None else parts.header,
        "claims": claims,
        "properties": to_properties(claims),
        "times": {name: note for name, note in notes.items() if note},
        "removed": removed,
        "verdict": report.state,
        "signature_checked": any(c.name == "signature" and c.passed is not None for c in report.checks),
        "code": report.code,
        "reason": report.reason,
        "checks": [
            {"name": c.name, "passed": c.passed, "detail": c.detail, "code": c.code} for c in report.checks
        ],
    }


def inspection_text(
    token: str, report: ValidationReport, *, keyed: bool, now: float, colour: bool, removed: str = ""
) -> str:
    """The three parts (in their colours on a terminal), the claims, what was removed from the
    pasted token (`removed`), the verdict and each check."""
    lines: list[str] = []
    parts = _parts_or_none(token)
    if parts is not None:
        for (name, hex_colour), segment in zip(PART_COLOURS.items(), parts.segments, strict=True):
            lines.append(_paint(f"{name:<10} {terminal_safe(segment)}", hex_colour, colour))
        header = terminal_safe(json.dumps(parts.header))
        lines += ["", _paint(f"{'header':<10} ", PART_COLOURS["header"], colour) + header]
        lines.append(_paint("claims", PART_COLOURS["payload"], colour))
        claims = parts.payload
        rows = [
            tuple(map(terminal_safe, (claim, name, value, time_note(claim, raw, now))))
            for (claim, name, value), raw in zip(claims_rows(claims), claims.values(), strict=True)
        ]
        width = max((len(claim) for claim, _, _, _ in rows), default=0)
        long_width = max((len(name) for _, name, _, _ in rows), default=0)
        for claim, name, value, note in rows:
            row = f"  {claim:<{width}}  {name:<{long_width}}  {value}"
            lines.append(f"{row}   {note}" if note else row)
        lines.append("")
    if removed:
        lines.append(f"note: {removed}")
    state = report.state
    lines.append(_paint(terminal_safe(_verdict(report, state, keyed)), PALETTE[state], colour))
    lines += [f"  {MARKS[c.passed]} {c.name:<9} {terminal_safe(c.detail)}" for c in report.checks]
    return "\n".join(lines)


def _inspect(args: argparse.Namespace) -> int:
    # A token copied from a wrapped terminal or an email has line breaks inside: removed, and said.
    token, removed = pasted_token(_read_token(args.token))
    key = None if args.key_env is None else read_key(args.key_env)
    now = time.time() if args.now is None else args.now
    options = {"room_name": args.room, "leeway": args.leeway, "now": now}
    if key is None:
        report = precheck_claims(token, **options)
    else:
        report = validate_token(token, api_key=key, **options)
    if args.json:
        # ASCII JSON escapes every character a terminal could act on but DEL, which is ASCII.
        found = inspection(token, report, now=now, removed=removed)
        print(json.dumps(found, indent=2).replace("\x7f", "\\u007f"))
    else:
        colour = use_colour(sys.stdout)
        print(inspection_text(token, report, keyed=key is not None, now=now, colour=colour, removed=removed))
    if report.state == "valid":
        return EXIT_VALID
    return EXIT_UNVERIFIED if report.state == "unchecked" and key is None else EXIT_INVALID


def _sign(args: argparse.Namespace) -> int:
    if args.room is None and not args.allow_unscoped:
        raise UsageError("no --room: the token would open every room of the domain; add --allow-unscoped")
    if args.expires_in is None and not args.allow_no_expiry:
        raise UsageError("--expires-in never: the token would never expire; add --allow-no-expiry")
    if args.expires_in is not None and time.time() + args.expires_in > LAST_SECOND:
        raise UsageError(f"--expires-in {args.expires_in}: the token would expire after the year 9999")
    properties: dict[str, Any] = {}
    named = {
        "user_name": args.user_name,
        "user_id": args.user_id,
        "is_owner": True if args.owner else None,
        "lang": args.lang,
        "enable_recording": args.enable_recording,
        "start_video_off": True if args.start_video_off else None,
        "start_audio_off": True if args.start_audio_off else None,
        "eject_at_token_exp": True if args.eject_at_token_exp else None,
        "nbf": args.nbf,
    }
    for name, value in [*((n, v) for n, v in named.items() if v is not None), *args.property]:
        if name in properties:
            raise UsageError(f"{name} is given twice")
        properties[name] = value
    key = read_key(args.key_env)
    try:
        token = self_sign(
            key,
            room_name=args.room,
            domain_id=args.domain_id,
            expires_in=args.expires_in,
            allow_unscoped=args.allow_unscoped,
            allow_no_expiry=args.allow_no_expiry,
            **properties,
        )
    except (TokenError, TypeError, ValueError) as exc:  # self_sign's answers to argument mistakes
        raise UsageError(str(exc)) from None
    print(token)
    return EXIT_VALID


def _positive_seconds(text: str) -> float:
    value = _seconds(text)
    if value == 0:
        raise argparse.ArgumentTypeError(f"{text!r}: give a positive number of seconds")
    return value


def _check(args: argparse.Namespace) -> int:
    """Each token against the production checklist: exit 0 when every rule holds, 1 when one breaks."""
    if args.tokens.count("-") > 1:
        raise UsageError("- (standard input) can be given once")
    tokens = [_read_token(argument) for argument in args.tokens]
    key = None if args.key_env is None else read_key(args.key_env)
    now = time.time() if args.now is None else args.now
    broken = False
    for number, token in enumerate(tokens, 1):
        found = check_token(token, now=now, max_lifetime=args.max_lifetime, signing_key=key)
        broken = broken or bool(found)
        verdict = f"{len(found)} rule{'s' if len(found) > 1 else ''} broken" if found else "every rule holds"
        print(f"token {number}: {verdict}")
        for finding in found:
            rule = RULES[finding.code]
            print(terminal_safe(f"  {finding.code}: {finding.message}"))
            print(f'    book: {rule.page}, "{rule.section}"')
    return EXIT_INVALID if broken else EXIT_VALID


def _serve(args: argparse.Namespace) -> int:
    try:
        import uvicorn  # noqa: F401 (only to say what is missing before serving)
    except ModuleNotFoundError:
        raise UsageError("serving needs uvicorn: pip install 'meeting_tokens[serve]'") from None
    try:
        args.host.encode("idna")  # how the socket spells a host name: labels of 63 bytes at most
    except UnicodeError:
        raise UsageError(f"--host {args.host}: not a host name or address") from None
    if problem := serve.beyond_loopback_problem(args.host, args.allow_non_loopback):
        raise UsageError(problem)
    try:
        serve.run(args)
    except OSError as exc:
        raise UsageError(f"cannot listen on {args.host}:{args.port}: {exc.strerror}") from None
    return EXIT_VALID


def parser() -> argparse.ArgumentParser:
    """The `meeting-tokens` command line: inspect, sign, check, serve."""
    root = _Parser(
        prog="meeting-tokens",
        description="Daily meeting tokens: inspect, self-sign, serve.",
        epilog=f"inspect's {EXIT_STATUSES}; check's: 0 every rule holds, 1 one is broken, 2 usage "
        "error; sign and serve exit 0 done, 2 usage error.",
    )
    commands = root.add_subparsers(dest="command", required=True, metavar="{inspect,sign,check,serve}")

    inspect = commands.add_parser(
        "inspect",
        help="take a token apart and validate it in layers",
        description="Show a token's three parts and claims, and validate it in layers; control and "
        f"bidirectional characters from the token are shown as escapes. The {EXIT_STATUSES}.",
    )
    inspect.add_argument("token", nargs="?", metavar="TOKEN|-", help="the token; - or nothing reads stdin")
    inspect.add_argument(
        "--key-env",
        metavar="NAME",
        help="verify the HS256 signature with the API key in this environment variable (a self-signed "
        "token; one minted through Daily's REST API is signed by Daily, not with your key)",
    )
    inspect.add_argument("--room", help="the room the token must be for")
    inspect.add_argument("--leeway", type=_seconds, default=0, metavar="SECONDS", help="clock skew allowed")
    inspect.add_argument("--now", type=_unix_time, metavar="UNIX", help="judge it at this time, not now")
    inspect.add_argument("--json", action="store_true", help="print the inspection as JSON")
    inspect.set_defaults(run=_inspect)

    sign = commands.add_parser(
        "sign",
        help="self-sign a meeting token with the API key (safe defaults)",
        description="Self-sign a meeting token (HS256) with the domain's API key, read from the "
        "environment. A room and an expiry are required unless you allow their absence by name.",
    )
    sign.add_argument("--room", help="the room the token opens (required unless --allow-unscoped)")
    sign.add_argument(
        "--domain-id", type=_non_empty, required=True, help="your domain's id (GET /v1/ returns it)"
    )
    sign.add_argument(
        "--expires-in", type=_expires_in, default=3600, metavar="SECONDS|never", help="default 3600"
    )
    sign.add_argument("--allow-unscoped", action="store_true", help="no --room: open every room")
    sign.add_argument("--allow-no-expiry", action="store_true", help="allow --expires-in never")
    sign.add_argument(
        "--key-env", default=DEFAULT_KEY_ENV, metavar="NAME", help=f"default {DEFAULT_KEY_ENV}"
    )
    sign.add_argument("--user-name")
    sign.add_argument("--user-id")
    sign.add_argument("--owner", action="store_true", help="is_owner: the meeting's owner")
    sign.add_argument("--lang")
    sign.add_argument("--enable-recording", metavar="MODE")
    sign.add_argument("--start-video-off", action="store_true")
    sign.add_argument("--start-audio-off", action="store_true")
    sign.add_argument("--eject-at-token-exp", action="store_true")
    sign.add_argument("--nbf", type=_unix_time, metavar="UNIX", help="not valid before this time")
    sign.add_argument(
        "--property",
        type=_property,
        action="append",
        default=[],
        metavar="NAME=JSON",
        help="any other property, e.g. permissions='{\"canSend\": [\"audio\"]}' (repeatable)",
    )
    sign.set_defaults(run=_sign)

    add_check_command(commands)

    served = commands.add_parser(
        "serve",
        help="serve the emulator of Daily's REST API on loopback",
        description="Daily's REST API, emulated, over HTTP (as python -m meeting_tokens.api.serve).",
    )
    serve.add_arguments(served)
    served.set_defaults(run=_serve)
    return root


def add_check_command(commands: Any) -> None:
    """``check``: the production checklist's rules, as the pytest plugin applies them."""
    check = commands.add_parser(
        "check",
        help="hold tokens to the production checklist (exit 0 every rule holds, 1 one breaks)",
        description="Hold each token to the rules of the book's production checklist, as the pytest "
        "plugin does: an exp at most --max-lifetime after iat, a room_name, Daily's recommended length; "
        "with --key-env, the key's length and the claims Daily requires of a self-signed token. "
        "The signature is not checked (inspect --key-env does that). Exit status: 0 every rule "
        "holds for every token; 1 a rule is broken; 2 usage error.",
    )
    check.add_argument("tokens", nargs="+", metavar="TOKEN", help="a token; - reads one from stdin")
    check.add_argument(
        "--max-lifetime",
        type=_positive_seconds,
        default=DEFAULT_MAX_LIFETIME,
        metavar="SECONDS",
        help=f"the longest exp after iat allowed (default {DEFAULT_MAX_LIFETIME})",
    )
    check.add_argument(
        "--key-env", metavar="NAME", help="the tokens are self-signed with the API key in this variable"
    )
    check.add_argument("--now", type=_unix_time, metavar="UNIX", help="judge at this time, not now")
    check.set_defaults(run=_check)


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status (the console script exits with it)."""
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")  # a C-locale terminal gets "?" rather than a crash
    arguments = sys.argv[1:] if argv is None else argv
    if not all(map(_is_text, arguments)):  # bytes that are not UTF-8 arrive as lone surrogates
        print("meeting-tokens: error: an argument is not UTF-8 text (see --help)", file=sys.stderr)
        return EXIT_USAGE
    args = parser().parse_args(arguments)
    try:
        return args.run(args)
    except UsageError as exc:
        print(f"meeting-tokens {args.command}: error: {terminal_safe(str(exc))}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:  # the reader went away (`| head`): stop quietly, as cat does
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_INVALID


if __name__ == "__main__":
    sys.exit(main())

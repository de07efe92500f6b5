"""No committed notebook holds a token of a live Daily domain, and the commands that execute the
chapters for a commit or the book run them on the emulator whatever the shell exports.

A token in a notebook's outputs or widget state is the emulator's when it verifies with the
emulator's demo key (a chapter self-signed it), or when its ``d`` claim is the emulator's fake
domain id: a token minted through the emulator's REST API is signed with a secret the emulator
draws afresh and never shows (as Daily does), so only its domain can vouch for it, and a live
run would carry the live domain's id there, since the chapters read the id from ``GET /v1/``
(no chapter's source spells out the fake one). Daily's own example token, from its
self-signing guide, is published and allowed as itself.
"""

from __future__ import annotations

import json
import pathlib
import re
import subprocess
from collections.abc import Iterator
from typing import Any

import jwt
import pytest

from meeting_tokens import DailyEmulator, decode_parts, self_sign
from meeting_tokens.api import DEMO_API_KEY
from meeting_tokens.api.emulator import DEMO_DOMAIN_ID
from meeting_tokens.core.errors import TokenError
from meeting_tokens.core.jwt_parts import HS256_HEADER, sign_hs256

ROOT = pathlib.Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
JWT = re.compile(r"eyJ[\w-]*\.eyJ[\w-]*\.[\w-]*")
# A token drawn in colour has each part in a <span> of its own, and may be broken with <wbr>:
# inline tags are taken out, any other tag ends the text around it.
INLINE_TAG = re.compile(r"</?(span|wbr|b|code|strong|em|i|a)\b[^>]*>")
TAG = re.compile(r"<[^>]*>")
# The example in Daily's self-signing guide, which chapter 1 takes apart.
DAILYS_EXAMPLE = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"
    ".eyJuYmYiOjE1NDg3MjE1NjksImV4cCI6MTg2NDA4MTUzOCwiciI6ImhlbGxvIiw"
    "ibyI6dHJ1ZSwic3MiOnRydWUsImVyIjoibG9jYWwiLCJkIjoiMjVkZjUwNTctZWY"
    "wZC00ZDk3LWJkZTYtMGNmMjg3Mjc2Y2JiIiwiaWF0IjoxNTQ4NzIxODMxfQ"
    ".mvVciAengBR4xCblhFpo4mKYftQv1skYO4Y6IKr9Zgo"
)


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)


def committed_tokens(notebook: dict[str, Any]) -> set[str]:
    """Every JWT-shaped string in a notebook's outputs and widget state, drawn in HTML or not."""
    outputs = [cell.get("outputs", []) for cell in notebook["cells"]]
    found: set[str] = set()
    for text in (*_strings(outputs), *_strings(notebook["metadata"].get("widgets", {}))):
        found.update(JWT.findall(text), JWT.findall(TAG.sub(" ", INLINE_TAG.sub("", text))))
    return found


def is_the_emulators(token: str) -> bool:
    """Whether the emulator (or Daily's published example) can account for ``token``."""
    if token == DAILYS_EXAMPLE:
        return True
    try:
        domain = decode_parts(token).payload.get("d")
    except TokenError:
        return False  # a token cut short or mangled could be anyone's: none should be committed
    return domain == DEMO_DOMAIN_ID or signed_with_the_demo_key(token)


def signed_with_the_demo_key(token: str) -> bool:
    try:
        jwt.PyJWS().decode(token, DEMO_API_KEY, algorithms=["HS256"])  # the signature alone
    except jwt.InvalidTokenError:
        return False
    return True


def foreign_tokens(notebook: dict[str, Any]) -> list[str]:
    return sorted(token for token in committed_tokens(notebook) if not is_the_emulators(token))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name)
def test_every_token_in_a_committed_notebook_is_the_emulators(path: pathlib.Path) -> None:
    assert foreign_tokens(json.loads(path.read_text(encoding="utf-8"))) == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name)
def test_no_chapter_spells_out_the_emulators_domain_id(path: pathlib.Path) -> None:
    """So a token's ``d`` in an output came from the client the chapter ran on."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    assert [cell["source"] for cell in cells if DEMO_DOMAIN_ID in "".join(cell["source"])] == []


def test_the_notebooks_are_found() -> None:
    assert len(NOTEBOOKS) >= 7


# The check itself, on notebooks made for it --------------------------------------------------------

LIVE_DOMAIN_ID = "0b3e1c52-8d4f-4e6a-9a1b-5c7d2e9f4a10"  # made up for these tests: no such domain
LIVE_KEY = "a-live-key-made-up-for-this-test-0000"


def notebook(outputs: list[dict[str, Any]], widgets: dict[str, Any] | None = None) -> dict[str, Any]:
    cells = [{"cell_type": "code", "source": ["token"], "outputs": outputs}]
    return {"cells": cells, "metadata": {"widgets": widgets or {}}}


def text_output(text: str) -> dict[str, Any]:
    return {"output_type": "execute_result", "data": {"text/plain": [text]}}


def live_token() -> str:
    return self_sign(LIVE_KEY, room_name="hello", domain_id=LIVE_DOMAIN_ID, now=1_700_000_000)


def test_a_token_of_a_live_domain_in_an_output_is_found() -> None:
    token = live_token()
    assert foreign_tokens(notebook([text_output(f"'{token}'")])) == [token]


def test_a_token_of_a_live_domain_drawn_in_coloured_spans_is_found() -> None:
    token = live_token()
    header, payload, signature = (f'<span style="color:#e5195f">{part}</span>' for part in token.split("."))
    html = f"{header}.{payload[:40]}<wbr>{payload[40:]}.{signature}"
    output = {"output_type": "display_data", "data": {"text/html": [f"<div>{html}</div>header"]}}
    assert foreign_tokens(notebook([output])) == [token]


def test_a_token_of_a_live_domain_in_widget_state_is_found() -> None:
    token = live_token()
    state = {"application/vnd.jupyter.widget-state+json": {"state": {"m": {"state": {"value": token}}}}}
    assert foreign_tokens(notebook([], state)) == [token]


def test_a_token_signed_with_another_key_and_no_domain_is_found() -> None:
    token = sign_hs256(HS256_HEADER, {"r": "hello", "o": True}, LIVE_KEY)
    assert foreign_tokens(notebook([text_output(token)])) == [token]


def test_the_emulators_tokens_minted_and_self_signed_and_dailys_example_pass() -> None:
    with DailyEmulator().client() as client:
        minted = client.create_meeting_token({"room_name": "hello"})
    self_signed = self_sign(DEMO_API_KEY, room_name="hello", domain_id=DEMO_DOMAIN_ID)
    unscoped = sign_hs256(HS256_HEADER, {"o": True}, DEMO_API_KEY)
    outputs = [text_output(token) for token in (minted, self_signed, unscoped, DAILYS_EXAMPLE)]
    assert len(committed_tokens(notebook(outputs))) == 4
    assert foreign_tokens(notebook(outputs)) == []


# The commands that execute the chapters -------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "runner"),
    [("book", "jupyter-book build"), ("notebooks", "nbconvert"),
     ("test", "-m pytest"), ("test-unit", "-m pytest")],
)  # fmt: skip
def test_make_runs_the_chapters_and_the_tests_without_the_live_keys_variables(
    target: str, runner: str
) -> None:
    dry_run = subprocess.run(  # noqa: S603 (make, printing the recipe without running it)
        ["make", "--dry-run", "--always-make", target],  # noqa: S607
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    runs = [line for line in dry_run.stdout.splitlines() if runner in line]
    assert len(runs) == 1
    assert runs[0].startswith("env -u DAILY_API_KEY -u MEETING_TOKENS_LIVE ")

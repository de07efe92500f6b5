"""The README is the front door: one screen, the two set-up commands first, then where to read.

Everything else it used to say lives in one place a reader looks for it: the book's pages for
users, CONTRIBUTING.md for people who change the code. Each moved fact is checked at its home.
"""

from __future__ import annotations

import pathlib
import re

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")

# (what a reader looks for, the file that says it now)
MOVED_FACTS = [
    ("make lab LAB_PORT=8899 LAB_BROWSER=no", "book/running-locally.md"),
    ("through an SSH tunnel", "book/running-locally.md"),
    ("`--allow-root`", "book/running-locally.md"),
    ("`make lab-reset` deletes", "book/running-locally.md"),
    ("export MEETING_TOKENS_LIVE=1", "book/running-locally.md"),
    ("never paste it into a notebook cell", "book/running-locally.md"),
    ("python -m http.server", "book/running-locally.md"),
    ("`make test TEST_WORKERS=0`", "CONTRIBUTING.md"),
    ("`make test-unit`", "CONTRIBUTING.md"),
    ("`make lint` runs ruff", "CONTRIBUTING.md"),
    ("run `make notebooks`", "CONTRIBUTING.md"),
    ("`tests/sanitize.cfg`", "CONTRIBUTING.md"),
    ("must be listed in `_toc.yml`", "CONTRIBUTING.md"),
    ("`.ci/run` installs Debian's", "CONTRIBUTING.md"),
    ("`tests/test_exported_members.py`", "CONTRIBUTING.md"),
    ("examples/fastapi-server/", "CONTRIBUTING.md"),
    ("Inside the package, data flows one way", "CONTRIBUTING.md"),
    ("`BOOK_REPOSITORY_URL`", "CONTRIBUTING.md"),
    ("`make bench`", "CONTRIBUTING.md"),
    ("`bench_book`", "CONTRIBUTING.md"),
    ("`bench_core`", "CONTRIBUTING.md"),
    ("`bench_site`", "CONTRIBUTING.md"),
    ("`bench_lite`", "CONTRIBUTING.md"),
    ("### Latest figures", "CONTRIBUTING.md"),
    ("python -m meeting_tokens.api.serve", "book/testing-offline.md"),
    ("`--allow-host NAME`", "book/testing-offline.md"),
    ("`NO_COLOR`", "book/testing-offline.md"),
    ("`--allow-no-expiry`", "book/testing-offline.md"),
    ("| 3 | no check failed", "book/testing-offline.md"),
    ("`DailyEmulator().client()`", "book/testing-offline.md"),
    ("`daily_async_client`", "book/testing-offline.md"),
    ("`widgets` (ipywidgets, anywidget, matplotlib)", "book/testing-offline.md"),
    ("a test keeps the two lists equal", "book/api.md"),
]


@pytest.mark.parametrize(("fact", "home"), MOVED_FACTS, ids=[fact for fact, _ in MOVED_FACTS])
def test_each_moved_fact_is_at_its_new_home_and_not_in_the_readme(fact: str, home: str) -> None:
    assert fact in (ROOT / home).read_text(encoding="utf-8")
    assert fact not in README


def test_readme_fits_on_one_screen() -> None:
    assert len(README.splitlines()) < 60


def test_readme_opens_with_the_two_set_up_commands() -> None:
    first_section = README.split("\n## ", 2)[1]
    assert first_section.startswith("Set-up\n")
    commands = re.findall(r"```console\n(.*?)\n```", README, flags=re.DOTALL)
    assert commands == ["make book", "make test"]


def test_readme_points_only_to_files_that_exist() -> None:
    named = set(re.findall(r"`((?:book/|notebooks/|[A-Z]+\.md|LICENSE)[^`]*)`", README))
    assert named, "the README names no page"
    assert sorted(name for name in named if not (ROOT / name).exists()) == []

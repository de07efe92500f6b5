"""Words and facts in the book: links that do not repeat their page's title, no path into the
project's private notes, no figure credited to Daily without a source, and links into pipecat's
source at the one commit the book describes."""

from __future__ import annotations

import json
import posixpath
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BARE_DOC = re.compile(r"\{doc\}`([^`<>]+)`")
# Words too common in this book to count as a repeated title (every page is about tokens).
COMMON = {"a", "an", "the", "of", "on", "in", "to", "with", "and", "for", "token", "tokens", "where"}


def markdown(path: str) -> str:
    """A page's Markdown: the file, or a notebook's Markdown cells."""
    text = (ROOT / path).read_text(encoding="utf-8")
    if path.endswith(".ipynb"):
        cells = json.loads(text)["cells"]
        return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    return text


def title(docname: str) -> str:
    for suffix in (".md", ".ipynb"):
        if (ROOT / (docname + suffix)).is_file():
            return re.search(r"^# (.+)$", markdown(docname + suffix), re.MULTILINE)[1]
    raise AssertionError(f"no page {docname}")


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9_]+", text.lower())


def repeated_titles(path: str, text: str | None = None) -> list[str]:
    """Each bare {doc} link in `path` (or in `text`, read as if it were there) whose own clause
    repeats words of the page title the link shows."""
    text = markdown(path) if text is None else text
    found = []
    for link in BARE_DOC.finditer(text):
        target = link[1]
        here = posixpath.dirname(path)
        docname = target.lstrip("/") if target.startswith("/") else posixpath.join(here, target)
        shown = set(words(title(docname))) - COMMON
        clause = re.split(r"[.,;:()]", text[link.end() : link.end() + 200])[0]
        if shown & set(words(clause)):
            found.append(f"{target}: {title(docname)!r} then {' '.join(clause.split())!r}")
    return found


@pytest.mark.parametrize("path", ["book/intro.md", "notebooks/06-validating.ipynb"])
def test_a_link_showing_a_page_title_is_not_followed_by_the_same_words(path: str) -> None:
    assert repeated_titles(path) == []


def test_the_title_check_finds_the_repetition_the_intro_had() -> None:
    text = "the {doc}`cheat-sheet` lists every rule on one page, the {doc}`glossary` defines the terms."
    assert repeated_titles("book/intro.md", text) == [
        "cheat-sheet: 'Cheat sheet: every rule on one page' then 'lists every rule on one page'"
    ]


def paragraphs_mentioning(number: str) -> list[tuple[str, str]]:
    pages = [str(p.relative_to(ROOT)) for p in (ROOT / "book").glob("*.md")]
    pages += [str(p.relative_to(ROOT)) for p in (ROOT / "notebooks").glob("*.ipynb")]
    return [
        (page, paragraph)
        for page in sorted(pages)
        for paragraph in re.split(r"\n\s*\n", markdown(page))
        if number in paragraph and page != "book/assumptions.md"
    ]


def test_every_mention_of_the_2048_character_limit_is_marked_as_this_books_assumption() -> None:
    mentions = paragraphs_mentioning("2048")
    assert len(mentions) >= 2  # chapter 1 and the cheat sheet
    assert [page for page, text in mentions if "<assumption-token-length>" not in text] == []
    assert [page for page, text in mentions if "Daily recommends" in text] == []


def test_nothing_in_the_repository_points_into_the_shared_notes_outside_it() -> None:
    git = shutil.which("git")
    assert git is not None, "the check lists the repository's files with git"
    command = [git, "ls-files", "-z"]
    listed = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True)  # noqa: S603 (fixed)
    files = [name for name in listed.stdout.split("\0") if name and (ROOT / name).is_file()]
    outside = re.compile(rb"\.\./shared/|/work/" + rb"shared")  # split, so this file is no match
    pointing = [name for name in files if outside.search((ROOT / name).read_bytes())]
    assert pointing == []


PIPECAT_SOURCE = re.compile(r"https://github\.com/pipecat-ai/pipecat/blob/([0-9a-f]+)/(\S+?)[)#\s\"]")


def test_every_link_into_pipecats_source_points_at_the_one_commit_the_book_read() -> None:
    # The book describes pipecat 1.14.0 (examples/pipecat-bot/requirements.txt); a link into an
    # older tree showed readers a helper that has since moved (transports/services/helpers/).
    pages = [*sorted(ROOT.glob("book/*.md")), *sorted(ROOT.glob("notebooks/*.ipynb"))]
    links = [(page.name, *found) for page in pages for found in PIPECAT_SOURCE.findall(markdown(str(page)))]
    assert len(links) >= 7
    assert {commit for _, commit, _ in links} == {"acead05"}
    assert [(page, path) for page, _, path in links if not path.startswith("src/pipecat/")] == []

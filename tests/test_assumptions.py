"""The emulator's assumptions and the book's are one set, and every mark in the book points into it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import meeting_tokens.api.emulator as emulator

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "book" / "assumptions.md"
REFERENCE = re.compile(r"<assumption-([a-z-]+)>")


def docstring_names() -> list[str]:
    section = emulator.__doc__.split("Assumptions\n-----------", 1)[1]
    return re.findall(r"^- ``([a-z-]+)``:", section, re.MULTILINE)


def page_names() -> list[str]:
    return re.findall(r"^\(assumption-([a-z-]+)\)=$", PAGE.read_text(encoding="utf-8"), re.MULTILINE)


def book_texts() -> dict[str, str]:
    pages = (ROOT / "book").glob("*.md")
    texts = {str(path.relative_to(ROOT)): path.read_text(encoding="utf-8") for path in pages}
    for path in (ROOT / "notebooks").glob("*.ipynb"):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        texts[str(path.relative_to(ROOT))] = "\n".join("".join(cell["source"]) for cell in cells)
    return texts


def test_the_emulator_lists_its_assumptions_by_name():
    assert len(docstring_names()) >= 10
    assert len(set(docstring_names())) == len(docstring_names())


def test_the_book_page_lists_exactly_the_emulators_assumptions_in_order():
    assert page_names() == docstring_names()


def test_every_assumption_mark_in_the_book_points_to_a_listed_assumption():
    listed = set(page_names())
    marks = {(name, ref) for name, text in book_texts().items() for ref in REFERENCE.findall(text)}

    assert marks, "no page marks an assumption"
    assert {(name, ref) for name, ref in marks if ref not in listed} == set()


def entries(text: str, pattern: str) -> dict[str, str]:
    found = re.findall(pattern, text, re.MULTILINE | re.DOTALL)
    return {name: " ".join(body.split()).replace("``", "`") for name, body in found}


def test_the_book_page_says_what_the_docstring_says():
    section = emulator.__doc__.split("Assumptions\n-----------", 1)[1]
    docstring = entries(section, r"^- ``([a-z-]+)``: (.*?)(?=^- ``|\Z)")
    page = entries(PAGE.read_text(encoding="utf-8"), r"^`([a-z-]+)`: (.*?)$")

    assert page == docstring

"""Every chapter's exercises teach: a prompt, its solution folded away, and a cell that checks.

Read from the committed notebooks, without running them (nbval runs them). An exercise section
starts at a `## Exercises` heading and ends at the next `##` heading, the chapter's Summary. Inside
it, prose sits only in MyST directives: an `{admonition} Exercise ...` that asks, and solutions in
a dropdown (`{dropdown}`, or an admonition with `:class: dropdown`). A code cell there is either a
solution, folded by a `hide-cell` or `hide-input` tag, or a check: a cell of `assert`s, each with
a message that helps the reader who got it wrong.
"""

from __future__ import annotations

import ast
import json
import pathlib
import re
from dataclasses import dataclass

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
CHAPTERS = sorted((ROOT / "notebooks").glob("0[0-9]-*.ipynb"))
FOLDING_TAGS = {"hide-cell", "hide-input"}
# A MyST directive in backtick fences: ```{name} argument ... ``` (the book nests none in exercises).
DIRECTIVE = re.compile(
    r"^```\{(?P<name>[a-z-]+)\}(?P<argument>[^\n]*)\n(?P<body>.*?)^```[ \t]*$", re.M | re.S
)
LABEL = re.compile(r"^\([\w-]+\)=[ \t]*$", re.M)


@dataclass(frozen=True)
class Block:
    """A code cell, or the part of a markdown cell under one heading."""

    kind: str  # "markdown" or "code"
    text: str
    tags: frozenset[str] = frozenset()


def blocks(path: pathlib.Path) -> list[Block]:
    """The notebook's cells in order, markdown cells cut at each `## ` heading."""
    found: list[Block] = []
    for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
        text = "".join(cell["source"])
        if cell["cell_type"] == "code":
            found.append(Block("code", text, frozenset(cell["metadata"].get("tags", []))))
        elif cell["cell_type"] == "markdown":
            found += [Block("markdown", part) for part in re.split(r"^(?=## )", text, flags=re.M) if part]
    return found


def exercise_section(path: pathlib.Path) -> list[Block]:
    """The blocks from the `## Exercises` heading up to the next `##` heading."""
    chapter = blocks(path)
    starts = [n for n, block in enumerate(chapter) if block.text.startswith("## Exercises\n")]
    assert len(starts) == 1, f"{path.name}: one '## Exercises' heading expected, found {len(starts)}"
    section = [chapter[starts[0]]]
    for block in chapter[starts[0] + 1 :]:
        if block.kind == "markdown" and block.text.startswith("## "):
            break
        section.append(block)
    return section


def directives(text: str) -> list[re.Match[str]]:
    return list(DIRECTIVE.finditer(text))


def is_prompt(directive: re.Match[str]) -> bool:
    return directive["name"] == "admonition" and directive["argument"].strip().startswith("Exercise")


def is_folded_answer(directive: re.Match[str]) -> bool:
    dropdown_class = re.search(r"^:class:.*\bdropdown\b", directive["body"], re.M)
    return directive["name"] == "dropdown" or (directive["name"] == "admonition" and bool(dropdown_class))


def asserts(block: Block) -> list[ast.Assert]:
    return [node for node in ast.walk(ast.parse(block.text)) if isinstance(node, ast.Assert)]


def is_check(block: Block) -> bool:
    return block.kind == "code" and not block.tags & FOLDING_TAGS and bool(asserts(block))


@pytest.fixture(params=CHAPTERS, ids=[path.stem for path in CHAPTERS])
def chapter(request: pytest.FixtureRequest) -> pathlib.Path:
    return request.param


def test_the_seven_chapters_are_all_held_to_these_rules() -> None:
    assert [path.stem[:2] for path in CHAPTERS] == ["01", "02", "03", "04", "05", "06", "07"]


def test_every_chapter_has_one_exercises_section_just_before_its_summary(chapter: pathlib.Path) -> None:
    chapter_blocks = blocks(chapter)
    headings = [block.text.split("\n", 1)[0] for block in chapter_blocks if block.text.startswith("## ")]
    assert headings[-3:] == ["## Exercises", "## Summary", "## What's next"]


def test_exercise_prose_is_only_prompts_and_folded_answers(chapter: pathlib.Path) -> None:
    for block in exercise_section(chapter):
        if block.kind != "markdown":
            continue
        text = block.text.removeprefix("## Exercises\n")
        for directive in directives(text):
            assert is_prompt(directive) or is_folded_answer(directive), (
                f"{chapter.name}: a {{{directive['name']}}} that neither asks nor folds an answer away"
            )
        loose = LABEL.sub("", DIRECTIVE.sub("", text)).strip()
        assert loose == "", f"{chapter.name}: prose outside any toggle, under the exercises: {loose[:80]!r}"


def test_every_code_cell_under_the_exercises_is_a_folded_solution_or_a_check(chapter: pathlib.Path) -> None:
    for block in exercise_section(chapter):
        if block.kind == "code":
            assert block.tags & FOLDING_TAGS or is_check(block), (
                f"{chapter.name}: a visible code cell that checks nothing: {block.text[:80]!r}"
            )


def asks(block: Block) -> bool:
    return block.kind == "markdown" and any(is_prompt(d) for d in directives(block.text))


def test_every_exercise_is_followed_by_a_folded_solution(chapter: pathlib.Path) -> None:
    section = exercise_section(chapter)
    starts = [n for n, block in enumerate(section) if asks(block)]
    assert starts, f"{chapter.name}: no '{{admonition}} Exercise ...' under the exercises"
    for number, (start, end) in enumerate(zip(starts, [*starts[1:], len(section)], strict=True), start=1):
        answers = section[start + 1 : end]
        assert any(b.kind == "code" and b.tags & FOLDING_TAGS for b in answers), (
            f"{chapter.name}: exercise {number} has no folded solution cell after it"
        )


def test_every_chapter_checks_the_readers_answer_with_asserts_that_explain(chapter: pathlib.Path) -> None:
    checks = [block for block in exercise_section(chapter) if is_check(block)]
    assert checks, f"{chapter.name}: no visible cell that checks the reader's answer with assert"
    for block in checks:
        silent = [node.lineno for node in asserts(block) if node.msg is None]
        assert silent == [], f"{chapter.name}: assert without a message on line(s) {silent}"


def test_the_rules_see_a_visible_answer_under_a_prompt() -> None:
    """The checks above would catch the shape the chapters used to have: an answer in the open."""
    prompt = "```{admonition} Exercise: x\n:class: tip\nDo x.\n```\n"
    answer = "The answer is 42.\n"
    text = prompt + answer

    assert [is_prompt(d) for d in directives(text)] == [True]
    assert LABEL.sub("", DIRECTIVE.sub("", text)).strip() == "The answer is 42."


def test_the_rules_see_an_assert_without_a_message() -> None:
    block = Block("code", "assert answer == 42\n")

    assert is_check(block)
    assert [node.msg for node in asserts(block)] == [None]

"""Every chapter's exercises teach: a prompt, its solution folded away, and a cell that checks.

Read from the committed notebooks, without running them (nbval runs them). An exercise section
starts at a `## Exercises` heading and ends at the next `##` heading, the chapter's Summary. Inside
it, prose sits only in MyST directives: an `{admonition} Exercise ...` that asks, and solutions in
a dropdown (`{dropdown}`, or an admonition with `:class: dropdown`). Each exercise then has, in
this order, three code cells: the reader's answer cell (`exercise-answer`, comments only, removed
from the book by `remove-cell`), the solution (`exercise-solution`, folded by `hide-cell`; the
book's build and nbval run it), and the check (`exercise-check`), which hands `globals()` to one
of `meeting_tokens.chapters.exercises`' checks. `make lab` moves the solution below the check
(lab/workspace.py), so in JupyterLab the check judges the reader's answer.
"""

from __future__ import annotations

import ast
import configparser
import json
import pathlib
import re
from dataclasses import dataclass

import pytest

from meeting_tokens.chapters import exercises

ROOT = pathlib.Path(__file__).resolve().parent.parent
CHAPTERS = sorted((ROOT / "notebooks").glob("0[0-9]-*.ipynb"))
WITH_EXERCISES = [*CHAPTERS, ROOT / "notebooks" / "key-rotation.ipynb"]
FOLDING_TAGS = {"hide-cell", "hide-input"}
ROLES = {"exercise-answer": {"remove-cell"}, "exercise-solution": {"hide-cell"}, "exercise-check": set()}
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


def role(block: Block) -> str | None:
    """What an exercise's code cell is for: its `exercise-*` tag (None for any other cell)."""
    found = [tag for tag in ROLES if tag in block.tags]
    return found[0] if len(found) == 1 else None


def check_calls(block: Block) -> list[str]:
    """The `exercises.check_*` functions the cell calls with `globals()` as first argument."""
    return [
        node.func.attr
        for node in ast.walk(ast.parse(block.text))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "exercises"
        and node.func.attr.startswith("check_")
        and node.args
        and ast.unparse(node.args[0]) == "globals()"
    ]


@pytest.fixture(params=CHAPTERS, ids=[path.stem for path in CHAPTERS])
def chapter(request: pytest.FixtureRequest) -> pathlib.Path:
    return request.param


@pytest.fixture(params=WITH_EXERCISES, ids=[path.stem for path in WITH_EXERCISES])
def notebook(request: pytest.FixtureRequest) -> pathlib.Path:
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


def test_every_code_cell_under_the_exercises_is_an_answer_cell_a_folded_solution_or_a_check(
    notebook: pathlib.Path,
) -> None:
    for block in exercise_section(notebook):
        if block.kind == "code":
            assert role(block) and ROLES[role(block)] <= block.tags, (
                f"{notebook.name}: not an exercise's answer, solution or check: {block.text[:80]!r}"
            )


def asks(block: Block) -> bool:
    return block.kind == "markdown" and any(is_prompt(d) for d in directives(block.text))


def test_every_exercise_has_an_answer_cell_then_its_folded_solution_then_its_check(
    notebook: pathlib.Path,
) -> None:
    section = exercise_section(notebook)
    starts = [n for n, block in enumerate(section) if asks(block)]
    assert starts, f"{notebook.name}: no '{{admonition}} Exercise ...' under the exercises"
    for number, (start, end) in enumerate(zip(starts, [*starts[1:], len(section)], strict=True), start=1):
        roles = [role(b) for b in section[start + 1 : end] if b.kind == "code"]
        assert roles == ["exercise-answer", "exercise-solution", "exercise-check"], (
            f"{notebook.name}: exercise {number} has code cells {roles}"
        )


def test_every_answer_cell_holds_only_a_comment_saying_what_to_write(notebook: pathlib.Path) -> None:
    for block in exercise_section(notebook):
        if role(block) == "exercise-answer":
            assert ast.parse(block.text).body == [] and block.text.startswith("# Your answer"), (
                f"{notebook.name}: an answer cell with code in it: {block.text!r}"
            )


def test_every_check_hands_the_readers_answers_to_a_check_of_the_exercises_module(
    notebook: pathlib.Path,
) -> None:
    checks = [block for block in exercise_section(notebook) if role(block) == "exercise-check"]
    assert checks, f"{notebook.name}: no cell that checks the reader's answer"
    for block in checks:
        called = check_calls(block)
        assert len(called) == 1 and callable(getattr(exercises, called[0], None)), (
            f"{notebook.name}: a check cell should call one exercises.check_*(globals(), ...): {block.text!r}"
        )


def test_the_rules_see_a_visible_answer_under_a_prompt() -> None:
    """The checks above would catch the shape the chapters used to have: an answer in the open."""
    prompt = "```{admonition} Exercise: x\n:class: tip\nDo x.\n```\n"
    answer = "The answer is 42.\n"
    text = prompt + answer

    assert [is_prompt(d) for d in directives(text)] == [True]
    assert LABEL.sub("", DIRECTIVE.sub("", text)).strip() == "The answer is 42."


def test_the_rules_see_a_check_that_judges_by_itself() -> None:
    """A check of `assert`s written in the cell, as the chapters had, is not a check here."""
    block = Block("code", 'assert viewer, "keep the token in viewer"\n', frozenset({"exercise-check"}))

    assert check_calls(block) == []


def test_the_rules_see_a_solution_left_in_the_open() -> None:
    block = Block("code", "viewer = client.create_meeting_token({})\n", frozenset({"exercise-solution"}))

    assert role(block) == "exercise-solution" and not ROLES["exercise-solution"] <= block.tags


def sanitized(text: str) -> str:
    """``text`` as nbval compares it: every regex of tests/sanitize.cfg applied in order."""
    config = configparser.ConfigParser(interpolation=None)
    config.read(ROOT / "tests" / "sanitize.cfg", encoding="utf-8")
    for section in config.sections():
        text = re.sub(config[section]["regex"], config[section]["replace"], text)
    return text


@pytest.mark.parametrize(
    "output",
    [
        "expired: exp 1796316572 is 1 s ago",
        "not yet valid: nbf 1796313032 is 60 s ahead",
        "issued in the future: iat 1796313064 is 90 s ahead",
        "inside its validity window: exp in 3540 s",
        "signature=b'\\x9a\\x14x\\xc4'",
    ],
)
def test_the_sanitizer_keeps_what_a_fixed_now_decides(output: str) -> None:
    """Offsets from a `now` fixed in the notebook are the boundary lessons: nbval compares them."""
    kept = output.split(" is ")[-1] if " is " in output else output.split(": ")[-1]
    assert kept in sanitized(output)


def test_the_sanitizer_masks_the_offset_chapter_6s_join_check_reads_off_the_kernels_clock() -> None:
    printed = "later (False, 'not yet valid: nbf {} is {} s ahead')"
    assert sanitized(printed.format(1796313572, 600)) == sanitized(printed.format(1796313573, 599))


def speed_claims() -> list[tuple[str, str]]:
    """(notebook, cell source) for every code cell that prints a ratio of two timings."""
    found = []
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            text = "".join(cell["source"])
            if cell["cell_type"] == "code" and re.search(r"\}x (faster|more)", text):
                found.append((path.name, text))
    return found


def test_the_chapters_claim_two_speed_ratios() -> None:
    assert [name for name, _ in speed_claims()] == ["03-self-signing.ipynb", "06-validating.ipynb"]


@pytest.mark.parametrize("name, text", speed_claims(), ids=[name for name, _ in speed_claims()])
def test_a_printed_speed_ratio_is_asserted_in_its_direction_first(name: str, text: str) -> None:
    """The sanitizer masks the ratio, which depends on the machine; its direction may not change."""
    tree = ast.parse(text)
    claim = next(
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.JoinedStr) and "x " in ast.unparse(node)
    )
    directions = [node for node in ast.walk(tree) if isinstance(node, ast.Assert) and node.lineno < claim]
    assert [
        isinstance(d.test, ast.Compare) and isinstance(d.test.ops[0], ast.Lt | ast.Gt) for d in directions
    ] == [True]

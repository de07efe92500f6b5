"""The learner's copy of the chapters for JupyterLab, and the extensions Lab loads (``make lab``).

``python lab/workspace.py SOURCE TARGET EXTENSIONS`` copies every notebook of SOURCE into TARGET,
changed for a learner working in Lab, and links into EXTENSIONS every prebuilt Lab extension
that ``lab/page_config.json`` does not disable (the Makefile points Lab at that folder only).

The copy differs from the committed chapter in three ways:

- Exercises: the committed order is prompt, answer cell (``exercise-answer``, removed from the
  book), solution (``exercise-solution``, folded in the book and run by CI), check
  (``exercise-check``). Here the solution becomes a closed dropdown below the check, so the
  check judges the learner's answer, the solution is out of sight until opened, and Run All never
  runs it; the answer and check cells lose their stored outputs.
- Cross-references to terms and labels (``{term}``, ``{ref}``, ``{numref}``) become their words:
  jupyterlab-myst resolves neither the book's glossary nor a label in another cell, and logs an
  error for each.
- The notebook names the kernel as Lab's kernelspec does, so opening it does not mark it changed.

Lab ignores cell tags, which is why the copy is rearranged rather than tagged.
"""

from __future__ import annotations

import json
import pathlib
import re
import sys

import nbformat
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_core.paths import jupyter_path

HERE = pathlib.Path(__file__).resolve().parent
ROLE = re.compile(r"\{(?P<role>term|ref|numref)\}`(?P<content>[^`]+)`")
EXPLICIT = re.compile(r"^(?P<text>.*?)\s*<(?P<target>[^<>]+)>$", re.S)
HEADING_AFTER_LABEL = re.compile(r"^\((?P<label>[\w-]+)\)=[ \t]*\n#{1,6}\s+(?P<title>.+?)\s*$", re.M)


def solution_dropdown(source: str) -> str:
    """A solution's code as a closed MyST dropdown that jupyterlab-myst renders."""
    return f"````{{dropdown}} Solution (code)\n```python\n{source.rstrip()}\n```\n````"


def plain_roles(markdown: str, titles: dict[str, str]) -> str:
    """``markdown`` with its term and label references turned into their words."""

    def words(match: re.Match[str]) -> str:
        explicit = EXPLICIT.match(match["content"])
        if explicit:
            return explicit["text"]
        return titles.get(match["content"], match["content"]) if match["role"] != "term" else match["content"]

    return ROLE.sub(words, markdown)


def label_titles(root: pathlib.Path) -> dict[str, str]:
    """label -> the heading right under it, in the book's pages and the chapters."""
    titles: dict[str, str] = {}
    for path in [*root.glob("book/*.md"), *root.glob("notebooks/*.ipynb")]:
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".ipynb":
            text = "\n".join(
                "".join(c["source"]) for c in json.loads(text)["cells"] if c["cell_type"] == "markdown"
            )
        titles |= {m["label"]: m["title"] for m in HEADING_AFTER_LABEL.finditer(text)}
    return titles


def for_lab(notebook: nbformat.NotebookNode, titles: dict[str, str], kernelspec: dict[str, str]) -> None:
    """Rearrange ``notebook`` in place for a learner in JupyterLab (see the module docstring)."""
    notebook.metadata["kernelspec"] = kernelspec
    cells, waiting = [], []
    for cell in notebook.cells:
        tags = set(cell.metadata.get("tags", []))
        if cell.cell_type == "markdown":
            cell.source = plain_roles(cell.source, titles)
        if "exercise-solution" in tags:
            waiting.append(nbformat.v4.new_markdown_cell(solution_dropdown(cell.source), id=cell.get("id")))
            continue
        if tags & {"exercise-answer", "exercise-check"}:
            cell.outputs, cell.execution_count = [], None
        cells.append(cell)
        if "exercise-check" in tags:
            cells += waiting
            waiting = []
    if waiting:
        raise ValueError("an exercise-solution cell has no exercise-check cell after it")
    notebook.cells = cells


def copy_chapters(source: pathlib.Path, target: pathlib.Path, root: pathlib.Path) -> list[pathlib.Path]:
    """Write every notebook of ``source`` into ``target``, rearranged for Lab; returns the copies."""
    titles = label_titles(root)
    spec = KernelSpecManager().get_kernel_spec("python3")
    kernelspec = {"display_name": spec.display_name, "language": spec.language, "name": "python3"}
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for path in sorted(source.glob("*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        for_lab(notebook, titles, kernelspec)
        nbformat.write(notebook, target / path.name)
        written.append(target / path.name)
    return written


def link_extensions(target: pathlib.Path, disabled: set[str]) -> list[str]:
    """Link each prebuilt Lab extension but the ``disabled`` ones into ``target``; their names.

    A disabled extension is still downloaded and initialised by Lab (only its plugins stay off):
    JupyterLite's kernel extension then fails to find its shared modules and logs an error.
    """
    if target.exists():
        for link in sorted(target.rglob("*"), reverse=True):
            link.unlink() if link.is_symlink() or link.is_file() else link.rmdir()
    target.mkdir(parents=True, exist_ok=True)
    linked = []
    for folder in jupyter_path("labextensions"):
        for package in sorted(pathlib.Path(folder).glob("**/package.json")):
            name = json.loads(package.read_text(encoding="utf-8")).get("name", "")
            if package.parent.relative_to(folder).as_posix() != name or name in disabled or name in linked:
                continue
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            (target / name).symlink_to(package.parent, target_is_directory=True)
            linked.append(name)
    return linked


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print("usage: python lab/workspace.py SOURCE TARGET EXTENSIONS", file=sys.stderr)
        return 2
    source, target, extensions = map(pathlib.Path, argv)
    disabled = set(json.loads((HERE / "page_config.json").read_text(encoding="utf-8"))["disabledExtensions"])
    link_extensions(extensions, disabled)
    if not target.exists():
        copy_chapters(source, target, HERE.parent)
        print(f"Copied {source}/ to {target}/: edit freely there; 'make lab-reset' starts over.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

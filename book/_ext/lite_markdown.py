"""The chapters' MyST, rewritten for JupyterLite as the Markdown and HTML that JupyterLab renders.

The book renders MyST with Sphinx; JupyterLite's lab renders plain Markdown (``jupyterlab-myst``
is disabled there, see ``lite/README.md``). ``MystToMarkdown.cell`` rewrites one Markdown cell:

- admonitions (``{note}``, ``{warning}``, ``{admonition}`` ...) become ``<details open>`` blocks
  with their title as the summary; ``{dropdown}`` and anything with ``:class: dropdown`` become
  closed ``<details>`` (exercises' solutions stay folded);
- ``{figure}`` and ``{image}``, and Markdown images with a relative path, become images whose
  files the Lite build ships under ``images/`` (``shipped`` collects them);
- ``{code-block}`` and ``{code}`` become ordinary fenced code; any other directive keeps its body
  and loses its fence;
- roles become words (``{term}``, ``{ref}``, ...) or, for ``{doc}`` of a chapter that Lite has too,
  a link to that notebook; ``(label)=`` lines and ``%`` comments are dropped.

Ordinary fenced code is left exactly as written. Code cells are not touched here; ``fold_tags``
maps the book's ``hide-*`` tags to JupyterLab's collapsed input and output.
"""

from __future__ import annotations

import html
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass, field

ADMONITION_TITLES = {
    "note": "Note", "warning": "Warning", "tip": "Tip", "important": "Important",
    "caution": "Caution", "attention": "Attention", "danger": "Danger", "error": "Error",
    "hint": "Hint", "seealso": "See also", "admonition": "", "dropdown": "",
}  # fmt: skip
CODE_DIRECTIVES = frozenset({"code-block", "code", "sourcecode", "code-cell"})
IMAGE_DIRECTIVES = frozenset({"figure", "image"})
CODE_ROLES = frozenset({"code", "literal", "samp", "file", "command", "program", "kbd"})

FENCE = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|:{3,})(?P<info>.*)$")
LABEL = re.compile(r"^\s*\([^()\s]+\)=\s*$")
COMMENT = re.compile(r"^%")
OPTION = re.compile(r"^:(?P<key>[\w-]+):\s*(?P<value>.*)$")
# A role, or an inline code span (left alone); the first alternative that matches wins.
INLINE = re.compile(r"\{(?P<role>[A-Za-z][\w:-]*)\}`(?P<content>[^`]+)`|(?P<code>`+)(?s:.+?)(?P=code)")
EXPLICIT = re.compile(r"^(?P<text>.*?)\s*<(?P<target>[^<>]+)>$", re.S)
MARKDOWN_IMAGE = re.compile(r"!\[(?P<alt>[^\]]*)\]\((?P<src>[^)\s]+)(?P<title>\s+\"[^\"]*\")?\)")
HTML_IMAGE = re.compile(r"(<img\b[^>]*\bsrc=\")(?P<src>[^\"]+)(\")")
HEADING = re.compile(r"^#{1,6}\s+(?P<title>.+?)\s*#*\s*$")

# Cell tags of the book (MyST-NB) and what JupyterLab folds for them.
FOLDS = {
    "hide-cell": ("source_hidden", "outputs_hidden"),
    "hide-input": ("source_hidden",),
    "hide-output": ("outputs_hidden",),
    "remove-cell": ("source_hidden", "outputs_hidden"),
    "remove-input": ("source_hidden",),
    "remove-output": ("outputs_hidden",),
}


def fold_tags(tags: list[str]) -> dict[str, bool]:
    """JupyterLab's ``metadata.jupyter`` for a code cell with the book's ``tags``."""
    return {key: True for tag in tags for key in FOLDS.get(tag, ())}


@dataclass
class MystToMarkdown:
    """Rewrites the Markdown cells of one notebook (``docname``: its path without suffix).

    ``doc_title(docname)`` and ``label_title(label)`` name what roles point at;
    ``lite_notebook(docname)`` is where Lite has that page as a notebook (its path in the Lite
    contents, without ``.ipynb``), or None; ``image_target(path)`` maps an image's path in the
    repository to its path in the Lite contents (and fails for a file git does not track).
    """

    docname: str
    doc_title: Callable[[str], str | None]
    label_title: Callable[[str], str | None]
    lite_notebook: Callable[[str], str | None]
    image_target: Callable[[str], str]
    shipped: dict[str, str] = field(default_factory=dict)  # Lite path -> repository path

    def cell(self, source: str) -> str:
        return "\n".join(self._blocks(source.split("\n"))).strip("\n")

    # Blocks ---------------------------------------------------------------------------------

    def _blocks(self, lines: list[str]) -> list[str]:
        out: list[str] = []
        text: list[str] = []
        index = 0
        while index < len(lines):
            line = lines[index]
            opening = FENCE.match(line)
            if opening is None:
                if not (LABEL.match(line) or COMMENT.match(line)):
                    text.append(line)
                index += 1
                continue
            out += self._inline("\n".join(text)).split("\n") if text else []
            text = []
            end = self._closing(lines, index, opening)
            body = lines[index + 1 : end]
            out += self._fenced(opening, body, line)
            index = end + 1
        if text:
            out += self._inline("\n".join(text)).split("\n")
        return out

    @staticmethod
    def _closing(lines: list[str], start: int, opening: re.Match[str]) -> int:
        fence = opening["fence"]
        closing = re.compile(rf"^ {{0,3}}{re.escape(fence[0])}{{{len(fence)},}}\s*$")
        for index in range(start + 1, len(lines)):
            if closing.match(lines[index]):
                return index
        return len(lines)  # unclosed: runs to the end of the cell, as in CommonMark

    def _fenced(self, opening: re.Match[str], body: list[str], line: str) -> list[str]:
        directive = re.match(r"^\s*\{(?P<name>[\w:-]+)\}\s*(?P<argument>.*)$", opening["info"])
        if directive is None:
            if opening["fence"].startswith(":"):  # a plain colon fence: a div in MyST
                return ["", *self._blocks(body), ""]
            fence = opening["fence"]
            return [line, *body, opening["indent"] + fence]
        name, argument = directive["name"], directive["argument"].strip()
        options, body = _options(body)
        if name in ADMONITION_TITLES:
            return self._admonition(name, argument, options, body)
        if name in IMAGE_DIRECTIVES:
            return self._figure(argument, options, body if name == "figure" else [])
        if name in CODE_DIRECTIVES:
            fence = "`" * max([3, *(len(m) + 1 for b in body for m in re.findall(r"`{3,}", b))])
            return [f"{fence}{argument}", *body, fence]
        if name == "math":
            return ["$$", *body, "$$"]
        title = [f"**{self._inline(argument)}**", ""] if argument else []
        return ["", *title, *self._blocks(body), ""]

    def _admonition(self, name: str, argument: str, options: dict[str, str], body: list[str]) -> list[str]:
        title = argument if name in ("admonition", "dropdown") else ADMONITION_TITLES[name]
        title = title or name.capitalize()
        classes = options.get("class", "").split()
        folded = name == "dropdown" or "dropdown" in classes
        kind = name if name not in ("admonition", "dropdown") else (classes[0] if classes else "note")
        opening = f'<details class="myst-admonition myst-{html.escape(kind, quote=True)}"'
        opening += ">" if folded else " open>"
        summary = f"<summary><strong>{self._inline_html(title)}</strong></summary>"
        return ["", opening, summary, "", *self._blocks(body), "", "</details>", ""]

    def _figure(self, argument: str, options: dict[str, str], caption: list[str]) -> list[str]:
        source = self._image_source(argument)
        caption_text = self._inline("\n".join(caption)).strip()
        alt = options.get("alt") or _plain(caption_text) or posixpath.basename(argument)
        width = options.get("width", "")
        img = f'<img src="{html.escape(source, quote=True)}" alt="{html.escape(alt, quote=True)}"'
        if re.fullmatch(r"\d+(%|px)?", width):
            img += f' width="{width.removesuffix("px")}"'
        img += ">"
        lines = ["", "<figure>", img]
        if caption_text:
            lines += ["<figcaption>", "", caption_text, "", "</figcaption>"]
        return [*lines, "</figure>", ""]

    # Inline ---------------------------------------------------------------------------------

    def _inline(self, text: str) -> str:
        text = INLINE.sub(self._role, text)
        text = MARKDOWN_IMAGE.sub(
            lambda m: f"![{m['alt']}]({self._image_source(m['src'])}{m['title'] or ''})", text
        )
        return HTML_IMAGE.sub(lambda m: m.group(1) + self._image_source(m["src"]) + m.group(3), text)

    def _inline_html(self, text: str) -> str:
        """A title for an HTML element: roles as words, inline code as <code>, the rest escaped."""
        parts = re.split(r"(`[^`]+`)", self._inline(text))
        return "".join(
            f"<code>{html.escape(part[1:-1])}</code>" if part.startswith("`") and part.endswith("`")
            else html.escape(part, quote=False)
            for part in parts
        )  # fmt: skip

    def _role(self, match: re.Match[str]) -> str:
        if match["role"] is None:
            return match.group(0)  # inline code: kept as written
        role = match["role"].split(":")[-1]
        content = match["content"]
        explicit = EXPLICIT.match(content)
        text, target = (explicit["text"], explicit["target"]) if explicit else (None, content)
        if role in CODE_ROLES:
            return f"`{content}`"
        if role == "math":
            return f"${content}$"
        if role in ("sub", "sup"):
            return f"<{role}>{html.escape(content)}</{role}>"
        if role == "doc":
            docname = self._resolve_doc(target)
            words = text or self.doc_title(docname) or posixpath.basename(docname)
            if (lite := self.lite_notebook(docname)) is not None:
                return f"[{words}]({self._relative(lite)}.ipynb)"
            return words
        if role in ("ref", "numref"):
            return text or self.label_title(target) or target.replace("-", " ")
        return text if text is not None else content  # term, abbr, eq and the rest: the words

    def _resolve_doc(self, target: str) -> str:
        target = target.removesuffix(".md").removesuffix(".ipynb")
        if target.startswith("/"):
            return target.lstrip("/")
        return posixpath.normpath(posixpath.join(posixpath.dirname(self.docname), target))

    def _image_source(self, source: str) -> str:
        if re.match(r"^[a-z][a-z0-9+.-]*:", source, re.I) or source.startswith(("/", "#")):
            return source  # a URL (data:, https:) or an absolute path: left as it is
        repository_path = posixpath.normpath(posixpath.join(posixpath.dirname(self.docname), source))
        lite_path = self.image_target(repository_path)
        self.shipped[lite_path] = repository_path
        return self._relative(lite_path)

    def _relative(self, lite_path: str) -> str:
        """``lite_path`` (in the Lite contents) as seen from this notebook's folder there."""
        here = self.lite_notebook(self.docname) or ""
        return posixpath.relpath(lite_path, posixpath.dirname(here) or ".")


def _options(body: list[str]) -> tuple[dict[str, str], list[str]]:
    """A directive's ``:key: value`` lines (or a ``---`` block of them) and the rest of its body."""
    options: dict[str, str] = {}
    index = 0
    if body and body[0].strip() == "---":
        end = next((i for i in range(1, len(body)) if body[i].strip() == "---"), None)
        if end is not None:
            for line in body[1:end]:
                key, _, value = line.partition(":")
                options[key.strip()] = value.strip()
            return options, body[end + 1 :]
    while index < len(body) and (option := OPTION.match(body[index])):
        options[option["key"]] = option["value"].strip()
        index += 1
    return options, body[index:]


def _plain(text: str) -> str:
    """Markdown text as words, for alt text: no backticks, emphasis or line breaks."""
    return " ".join(re.sub(r"[`*_]", "", text).split())


def page_titles(sources: dict[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """The title of every page and of every ``(label)=`` target, from the pages' Markdown.

    ``sources`` maps a docname to its Markdown (a notebook's Markdown cells joined).
    """
    docs: dict[str, str] = {}
    labels: dict[str, str] = {}
    for docname, text in sources.items():
        pending: str | None = None
        fenced = False
        for line in text.split("\n"):
            if FENCE.match(line):
                fenced = not fenced
            if fenced:
                continue
            if label := re.match(r"^\s*\((?P<name>[^()\s]+)\)=\s*$", line):
                pending = label["name"]
                continue
            if heading := HEADING.match(line):
                title = heading["title"]
                docs.setdefault(docname, title)
                if pending:
                    labels[pending] = title
            if line.strip():
                pending = None
    return docs, labels

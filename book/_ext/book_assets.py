"""Assets and fixes for the static book, as a command and as a Sphinx extension.

The static book renders anywidgets with the AMD build that ships inside the anywidget package
(``anywidget/nbextension/index.js``). Copying it from the installed package, rather than
committing a copy, keeps the JavaScript in step with the Python side. ``make book`` runs::

    python book/_ext/book_assets.py book/widgets-js

Running it again changes nothing when the files are already up to date.

Listed in ``_config.yml`` as a Sphinx extension, the module also does that copy at the start of
every build (so a bare ``jupyter-book build .`` works too), and it removes the duplicate inline
scripts that Sphinx 7.4 writes into every page: an inline script registered after the builder
starts is added twice, and a second ``const`` declaration is a JavaScript error in the console.

After the build it also replaces the theme's ``_static/scripts/fontawesome.js`` (1.5 MB, loaded by
every page) with a stub: it only turns the icons into inline SVG, and the theme's stylesheet
already draws the same icons from Font Awesome's web fonts, which it ships and loads itself.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import importlib.resources
import pathlib
from typing import Any

WIDGET_SCRIPTS = pathlib.Path("book") / "widgets-js"


def write_if_changed(data: bytes, target: pathlib.Path) -> bool:
    """Write ``data`` to ``target`` unless it already holds exactly those bytes."""
    if target.is_file() and target.read_bytes() == data:
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return True


def _anywidget_license() -> bytes:
    """The licence text of the installed anywidget distribution."""
    distribution = importlib.metadata.distribution("anywidget")
    for file in distribution.files or ():
        if file.name.upper().startswith("LICENSE"):
            return file.read_binary()
    raise FileNotFoundError("the installed anywidget package ships no LICENSE file")


def copy_anywidget(folder: pathlib.Path) -> list[pathlib.Path]:
    """Copy anywidget's AMD module and licence into ``folder/anywidget/``.

    Returns the files that were written (empty when everything was already up to date).
    """
    module = importlib.resources.files("anywidget").joinpath("nbextension", "index.js")
    target = folder / "anywidget"
    written = []
    for name, data in [("index.js", module.read_bytes()), ("LICENSE", _anywidget_license())]:
        if write_if_changed(data, target / name):
            written.append(target / name)
    return written


def unique_scripts(scripts: list[Any]) -> list[Any]:
    """Drop repeated script entries, keeping the first; an inline script has no file name."""
    seen = set()
    unique = []
    for script in scripts:
        key = (script.filename or "", tuple(sorted(script.attributes.items())))
        if key not in seen:
            seen.add(key)
            unique.append(script)
    return unique


def _copy_for_build(app: Any) -> None:
    copy_anywidget(pathlib.Path(app.srcdir) / WIDGET_SCRIPTS)


def _dedupe_page_scripts(
    app: Any, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    if isinstance(context.get("script_files"), list):
        context["script_files"] = unique_scripts(context["script_files"])


FONTAWESOME_SCRIPT = pathlib.Path("_static") / "scripts" / "fontawesome.js"
FONTAWESOME_STUB = (
    "/* Emptied by book_assets (book/_ext): the theme's CSS draws its icons from Font Awesome's\n"
    "   web fonts, so the 1.5 MB script that would redraw them as SVG is not needed. */\n"
)


def stub_fontawesome(outdir: pathlib.Path) -> bool:
    """Replace the theme's Font Awesome script in a built site; True when it was replaced."""
    script = outdir / FONTAWESOME_SCRIPT
    return script.is_file() and write_if_changed(FONTAWESOME_STUB.encode(), script)


def _stub_fontawesome_after_build(app: Any, exception: Exception | None) -> None:
    if exception is None and app.builder.format == "html":
        stub_fontawesome(pathlib.Path(app.outdir))


def setup(app: Any) -> dict[str, Any]:
    """Sphinx entry point: copy anywidget's module before the build, dedupe scripts per page,
    and stub the theme's Font Awesome script once the site is written."""
    app.connect("builder-inited", _copy_for_build)
    app.connect("html-page-context", _dedupe_page_scripts, priority=900)
    app.connect("build-finished", _stub_fontawesome_after_build)
    return {"parallel_read_safe": True, "parallel_write_safe": True}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=pathlib.Path, help="the book's widget script folder")
    args = parser.parse_args(argv)
    written = copy_anywidget(args.folder)
    version = importlib.metadata.version("anywidget")
    state = f"updated {len(written)} file(s)" if written else "already up to date"
    print(f"anywidget {version} browser module in {args.folder / 'anywidget'}: {state}")


if __name__ == "__main__":
    main()

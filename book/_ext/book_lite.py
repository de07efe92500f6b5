"""The chapters as real Python in the reader's browser: JupyterLite with the Pyodide kernel.

After a successful HTML build (as a Sphinx extension, listed in ``_config.yml``) or by hand::

    python book/_ext/book_lite.py _build/html/lite

this builds JupyterLite into the site's ``lite/`` folder with the chapters as its contents, and
puts a "Run this chapter in your browser" launch under the title of every notebook page. A
notebook whose metadata holds ``{"lite": {"missing": "..."}}`` says beside its launch what its
browser version cannot run (chapter 7's pipecat cells, say).

Nothing is fetched at read time. The Pyodide core is vendored in ``lite/pyodide`` (from the npm
``pyodide`` package, MPL-2.0). ``meeting_tokens`` is built into a wheel from ``src/``; its
pure-Python dependencies and the kernel's (IPython, jedi, comm) are the versions installed in
this virtualenv, downloaded once as wheels into ``.venv/lite-wheels``. A Pyodide lock file that
lists exactly those wheels replaces the CDN's, every kernel preloads them, and the kernel never
falls back to a public index. matplotlib is left out: it is compiled, and the package draws its
diagrams as SVG without it (see ``meeting_tokens.runtime``).
"""

from __future__ import annotations

import argparse
import base64
import gzip
import hashlib
import importlib.metadata
import json
import os
import pathlib
import shutil
import subprocess
import sys
import tomllib
import zipfile
from typing import Any

from book_assets import write_if_changed
from lite_markdown import MystToMarkdown, fold_tags, page_titles
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

PACKAGE = "meeting-tokens"
# What the Pyodide kernel itself imports at start-up, besides its own shims (from its extension).
KERNEL_PACKAGES = ("ipython", "jedi", "comm")
# Compiled, front-end files only, or a server: never loaded by the browser kernel.
LEFT_OUT = frozenset({"matplotlib", "widgetsnbextension", "jupyterlab-widgets", "uvicorn"})
# The environment markers of Pyodide 314 (Python 3.14 on Emscripten), for Requires-Dist.
PYODIDE_MARKERS = {
    "python_version": "3.14",
    "python_full_version": "3.14.2",
    "sys_platform": "emscripten",
    "platform_system": "Emscripten",
    "platform_machine": "wasm32",
    "os_name": "posix",
    "implementation_name": "cpython",
    "platform_python_implementation": "CPython",
    "extra": "",
}
PYODIDE_CORE = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip")
LAUNCH_TEXT = "Run this chapter in your browser"
PYODIDE_KERNELSPEC = {"name": "python", "display_name": "Python (Pyodide)", "language": "python"}
# The package's extras the chapters use: the widgets and the game (matplotlib stays LEFT_OUT).
CHAPTER_EXTRAS = ("widgets", "game")
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
# The kernel's own wheels, shipped by jupyterlite-pyodide-kernel: in the lock and preloaded, the
# kernel loads them with the rest instead of installing them one by one with micropip.
KERNEL_WHEELS = ("piplite", "pyodide-kernel", "ipykernel")
# The sha256 of every wheel the Lite build ships, except the one it builds from src/.
RECORDED_HASHES = pathlib.Path("lite") / "wheels.sha256"
# Where the chapters' images go in the Lite contents (figures as files beside the notebooks).
LITE_IMAGES = "images"
# Where jupyterlite-pyodide-kernel installs its front end, with the kernel's wheels in static/pypi.
KERNEL_EXTENSION = (
    pathlib.Path(sys.prefix) / "share/jupyter/labextensions/@jupyterlite/pyodide-kernel-extension"
)


class LiteBuildError(RuntimeError):
    """The Lite build cannot go on; the message says what to do."""


def tracked_files(root: pathlib.Path, *paths: str) -> list[str]:
    """The files under ``paths`` that git tracks (and that exist), relative to ``root``.

    The Lite build ships only these: nothing from the working tree that git ignores or does
    not know (``workspace/``, ``_build``, ``.ipynb_checkpoints``, a scratch notebook).
    """
    command = ["git", "-C", str(root), "ls-files", "-z", "--", *paths]
    try:
        result = subprocess.run(command, capture_output=True, check=True)  # noqa: S603, S607
    except (OSError, subprocess.CalledProcessError) as error:
        raise LiteBuildError(
            f"the Lite build ships only files that git tracks, but git could not list them in {root}: {error}"
        ) from error
    names = [name for name in result.stdout.decode("utf-8").split("\0") if name]
    return sorted(name for name in names if (root / name).is_file())


def browser_distributions(root: pathlib.Path) -> dict[str, str]:
    """Name and installed version of every distribution the browser kernel loads.

    Walks Requires-Dist from this package and ``KERNEL_PACKAGES`` as Pyodide would evaluate it,
    skipping ``LEFT_OUT``. ``micropip`` is not installed here; its version is the one that the
    vendored Pyodide's own lock names.
    """
    versions: dict[str, str] = {"micropip": _vendored_lock(root)["packages"]["micropip"]["version"]}
    todo = [canonicalize_name(name) for name in (PACKAGE, *KERNEL_PACKAGES)]
    while todo:
        name = todo.pop()
        if name in versions or name in LEFT_OUT:
            continue
        distribution = importlib.metadata.distribution(name)
        versions[name] = distribution.version
        extras = CHAPTER_EXTRAS if name == canonicalize_name(PACKAGE) else ()
        todo += [canonicalize_name(req.name) for req in _requirements(distribution.requires, extras)]
    return versions


def _requirements(requires: list[str] | None, extras: tuple[str, ...] = ()) -> list[Requirement]:
    """The requirements Pyodide would install, with the given extras of the distribution."""
    found = [Requirement(text) for text in requires or ()]
    return [
        req
        for req in found
        if req.marker is None
        or any(req.marker.evaluate(PYODIDE_MARKERS | {"extra": extra}) for extra in ("", *extras))
    ]


def _vendored_lock(root: pathlib.Path) -> dict[str, Any]:
    return json.loads((root / "lite" / "pyodide" / "pyodide-lock.json").read_text(encoding="utf-8"))


def download_wheels(versions: dict[str, str], cache: pathlib.Path) -> None:
    """Download the pure-Python wheels of ``versions`` that ``cache`` lacks (pip, no deps)."""
    cache.mkdir(parents=True, exist_ok=True)
    have = {_wheel_name(path) for path in cache.glob("*.whl")}
    missing = [f"{name}=={version}" for name, version in versions.items()
               if name != PACKAGE and name not in have]  # fmt: skip
    if not missing:
        return
    # Only pure-Python wheels: a compiled one (psygnal's, say) would never load in Pyodide.
    pure = ["--platform", "any", "--implementation", "py", "--abi", "none", "--python-version",
            PYODIDE_MARKERS["python_version"]]  # fmt: skip
    command = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:",
               *pure, "--dest", str(cache), *missing]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603 (pinned names)
    if result.returncode != 0:
        raise RuntimeError(f"downloading the browser kernel's wheels failed:\n{result.stderr[-3000:]}")


def _wheel_name(path: pathlib.Path) -> str:
    return str(canonicalize_name(path.name.split("-")[0]))


def _record_hash(data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode("ascii")
    return f"sha256={digest}"


def build_package_wheel(root: pathlib.Path, target: pathlib.Path) -> pathlib.Path:
    """A py3-none-any wheel of ``src/meeting_tokens`` with the metadata of ``pyproject.toml``.

    Written directly (the wheel format is a zip with a RECORD), so the build needs neither a
    build backend nor an index; the same sources always give the same bytes.
    """
    project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    name, version = project["name"], project["version"]
    info = f"{name}-{version}.dist-info"
    files = {
        pathlib.PurePosixPath(name).relative_to("src").as_posix(): (root / name).read_bytes()
        for name in tracked_files(root, "src/meeting_tokens")
    }
    metadata = [
        "Metadata-Version: 2.1",
        f"Name: {name}",
        f"Version: {version}",
        f"Summary: {project['description']}",
        f"Requires-Python: {project['requires-python']}",
        *(f"Requires-Dist: {dependency}" for dependency in project["dependencies"]),
    ]
    files[f"{info}/METADATA"] = ("\n".join(metadata) + "\n").encode()
    files[f"{info}/WHEEL"] = b"Wheel-Version: 1.0\nGenerator: book_lite (Meeting Tokens, Hands-On)\n" \
        b"Root-Is-Purelib: true\nTag: py3-none-any\n"  # fmt: skip
    files[f"{info}/top_level.txt"] = b"meeting_tokens\n"
    record = [f"{path},{_record_hash(data)},{len(data)}" for path, data in files.items()]
    files[f"{info}/RECORD"] = ("\n".join([*record, f"{info}/RECORD,,"]) + "\n").encode()
    wheel = target / f"{name}-{version}-py3-none-any.whl"
    target.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(wheel, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, data in files.items():
            archive.writestr(zipfile.ZipInfo(path, ZIP_DATE), data, zipfile.ZIP_DEFLATED)
    return wheel


def _top_level_imports(wheel: pathlib.Path) -> list[str]:
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
    tops = {name.split("/")[0] for name in names if "/" in name and ".dist-info/" not in name}
    tops |= {name[:-3] for name in names if "/" not in name and name.endswith(".py")}
    return sorted(top for top in tops if top.isidentifier())


def lock_for(wheels: list[pathlib.Path], info: dict[str, Any]) -> dict[str, Any]:
    """A Pyodide lock listing exactly ``wheels``, with dependencies among them from their metadata."""
    by_name = {_wheel_name(wheel): wheel for wheel in wheels}
    packages = {}
    for name, wheel in sorted(by_name.items()):
        with zipfile.ZipFile(wheel) as archive:
            metadata_path = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
            metadata = archive.read(metadata_path).decode("utf-8")
        requires = [line.split(":", 1)[1].strip() for line in metadata.splitlines()
                    if line.startswith("Requires-Dist:")]  # fmt: skip
        needed = {str(canonicalize_name(req.name)) for req in _requirements(requires)}
        depends = sorted(needed & by_name.keys())
        packages[name] = {
            "name": name,
            "version": wheel.name.split("-")[1],
            "file_name": wheel.name,
            "install_dir": "site",
            "sha256": hashlib.sha256(wheel.read_bytes()).hexdigest(),
            "package_type": "package",
            "imports": _top_level_imports(wheel),
            "depends": depends,
            "unvendored_tests": False,
        }
    return {"info": info, "packages": packages}


def stage(root: pathlib.Path, stage_dir: pathlib.Path, wheel_cache: pathlib.Path) -> list[str]:
    """Lay out a JupyterLite project in ``stage_dir``; returns the packages every kernel preloads.

    ``static/pyodide`` holds the vendored core, the wheels and their lock; ``contents`` holds
    the chapters without their outputs (the reader runs them); ``jupyter-lite.json`` tells the
    kernel to preload the wheels and never to ask a public index.
    """
    versions = browser_distributions(root)
    download_wheels(versions, wheel_cache)
    pyodide = stage_dir / "static" / "pyodide"
    for name in PYODIDE_CORE:
        write_if_changed((root / "lite" / "pyodide" / name).read_bytes(), pyodide / name)
    write_if_changed((root / "lite" / "pyodide" / "LICENSE").read_bytes(), pyodide / "LICENSE")
    for old in pyodide.glob("*.whl"):
        old.unlink()
    wheels = [build_package_wheel(root, pyodide)]
    for source in shipped_wheels(versions, wheel_cache):
        shutil.copyfile(source, pyodide / source.name)
        wheels.append(pyodide / source.name)
    check_hashes(wheels[1:], read_recorded_hashes(root))
    lock = lock_for(wheels, _vendored_lock(root)["info"])
    missing = versions.keys() - lock["packages"].keys()
    if missing:
        raise LiteBuildError(f"no wheel for {sorted(missing)} in {wheel_cache}")
    lock_text = json.dumps(lock, indent=1, sort_keys=True) + "\n"
    write_if_changed(lock_text.encode(), pyodide / "pyodide-lock.json")
    _stage_contents(root, stage_dir / "contents")
    preload = sorted(lock["packages"])
    config = json.loads((root / "lite" / "jupyter-lite.json").read_text(encoding="utf-8"))
    settings = config["jupyter-config-data"]["litePluginSettings"]
    kernel = settings["@jupyterlite/pyodide-kernel-extension:kernel"]
    kernel["loadPyodideOptions"] = {"packages": preload}
    write_if_changed((json.dumps(config, indent=2) + "\n").encode(), stage_dir / "jupyter-lite.json")
    write_if_changed((root / "lite" / "overrides.json").read_bytes(), stage_dir / "overrides.json")
    return preload


def shipped_wheels(versions: dict[str, str], wheel_cache: pathlib.Path) -> list[pathlib.Path]:
    """The downloaded wheels of ``versions`` and the kernel's own (``KERNEL_WHEELS``)."""
    found = [cached for cached in sorted(wheel_cache.glob("*.whl"))
             if versions.get(_wheel_name(cached)) == cached.name.split("-")[1]]  # fmt: skip
    kernel = sorted(KERNEL_EXTENSION.glob("static/pypi/*.whl"))
    found += [wheel for wheel in kernel if _wheel_name(wheel) in KERNEL_WHEELS]
    return found


def read_recorded_hashes(root: pathlib.Path) -> dict[str, str]:
    """``lite/wheels.sha256``: a wheel's file name to its sha256, as ``sha256sum`` writes them."""
    path = root / RECORDED_HASHES
    if not path.is_file():
        raise LiteBuildError(f"{RECORDED_HASHES} is missing: it lists the sha256 of every wheel Lite ships")
    recorded = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        digest, _, name = line.partition("  ")
        if len(digest) != 64 or not name:
            raise LiteBuildError(f"{RECORDED_HASHES}, line {number}: expected '<sha256>  <wheel file name>'")
        recorded[name.strip()] = digest
    return recorded


def check_hashes(wheels: list[pathlib.Path], recorded: dict[str, str]) -> None:
    """Fail, naming each one, if a wheel's sha256 is not the one recorded for its file name."""
    problems = []
    for wheel in wheels:
        actual = hashlib.sha256(wheel.read_bytes()).hexdigest()
        expected = recorded.get(wheel.name)
        if expected is None:
            problems.append(f"{wheel.name}: no recorded hash (sha256 {actual})")
        elif expected != actual:
            problems.append(f"{wheel.name}: sha256 {actual}, but {RECORDED_HASHES} records {expected}")
    if problems:
        raise LiteBuildError(
            "the wheels for the in-browser kernel do not match their recorded hashes:\n  "
            + "\n  ".join(problems)
            + f"\nIf the versions changed on purpose (requirements.txt), check the new wheels and run "
            f"`python book/_ext/book_lite.py --record-hashes`, then commit {RECORDED_HASHES}."
        )


def record_hashes(root: pathlib.Path, wheel_cache: pathlib.Path) -> pathlib.Path:
    """Write ``lite/wheels.sha256`` for the wheels the build would ship now (after a review)."""
    versions = browser_distributions(root)
    download_wheels(versions, wheel_cache)
    lines = [
        f"{hashlib.sha256(w.read_bytes()).hexdigest()}  {w.name}"
        for w in shipped_wheels(versions, wheel_cache)
    ]
    header = "# sha256 of every wheel the Lite build ships (book/_ext/book_lite.py --record-hashes)"
    path = root / RECORDED_HASHES
    path.write_text(
        "\n".join([header, *sorted(lines, key=lambda line: line.split("  ")[1])]) + "\n", encoding="utf-8"
    )
    return path


def _markdown_sources(root: pathlib.Path, names: list[str]) -> dict[str, str]:
    import nbformat

    sources = {}
    for name in names:
        docname = name.rsplit(".", 1)[0]
        if name.endswith(".ipynb"):
            notebook = nbformat.read(root / name, as_version=4)
            sources[docname] = "\n\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")
        else:
            sources[docname] = (root / name).read_text(encoding="utf-8")
    return sources


def _stage_contents(root: pathlib.Path, contents: pathlib.Path) -> None:
    """The chapters that git tracks, their MyST rewritten for JupyterLab, outputs cleared.

    Their figures are copied under ``images/``; nothing else lands in the contents.
    """
    import nbformat

    notebooks = [name for name in tracked_files(root, "notebooks") if name.endswith(".ipynb")]
    pages = [name for name in tracked_files(root, "book", "notebooks") if name.endswith((".md", ".ipynb"))]
    doc_titles, label_titles = page_titles(_markdown_sources(root, pages))
    lite_names = {
        name.rsplit(".", 1)[0]: name.removeprefix("notebooks/").rsplit(".", 1)[0] for name in notebooks
    }
    images = set(tracked_files(root, "book/images", "notebooks"))

    def image_target(path: str) -> str:
        if path not in images:
            raise LiteBuildError(f"an image the chapters show is not a file git tracks: {path}")
        return f"{LITE_IMAGES}/{path.removeprefix('book/images/')}"

    shutil.rmtree(contents, ignore_errors=True)
    for name in notebooks:
        notebook = nbformat.read(root / name, as_version=4)
        notebook.metadata.pop("widgets", None)
        notebook.metadata["kernelspec"] = PYODIDE_KERNELSPEC  # so JupyterLite starts it unasked
        rewrite = MystToMarkdown(name.rsplit(".", 1)[0], doc_titles.get, label_titles.get,
                                 lite_names.get, image_target)  # fmt: skip
        for cell in notebook.cells:
            if cell.cell_type == "markdown":
                cell.source = rewrite.cell(cell.source)
            elif cell.cell_type == "code":
                cell.outputs = []
                cell.execution_count = None
                folds = fold_tags(cell.metadata.get("tags", []))
                if folds:
                    cell.metadata["jupyter"] = {**cell.metadata.get("jupyter", {}), **folds}
        target = contents / f"{lite_names[name.rsplit('.', 1)[0]]}.ipynb"
        write_if_changed((nbformat.writes(notebook) + "\n").encode(), target)
        for lite_path, repository_path in rewrite.shipped.items():
            write_if_changed((root / repository_path).read_bytes(), contents / lite_path)


def build_lite(root: pathlib.Path, output: pathlib.Path, stage_dir: pathlib.Path) -> None:
    """Stage the JupyterLite project in ``stage_dir`` and build it into ``output``, from scratch.

    JupyterLite's task runner remembers finished tasks by their inputs only, not by what is in
    ``output``; starting from an empty output and no task memory keeps the two in step.
    """
    stage(root, stage_dir, pathlib.Path(sys.prefix) / "lite-wheels")
    (stage_dir / ".jupyterlite.doit.db").unlink(missing_ok=True)
    shutil.rmtree(output, ignore_errors=True)
    jupyter = pathlib.Path(sys.executable).with_name("jupyter")
    command = [str(jupyter), "lite", "build", "--lite-dir", str(stage_dir), "--output-dir", str(output),
               "--contents", str(stage_dir / "contents"), "--apps", "lab",
               "--no-sourcemaps", "--no-unused-shared-packages"]  # fmt: skip
    env = {**os.environ, "JUPYTER_PLATFORM_DIRS": "1"}
    result = subprocess.run(command, cwd=stage_dir, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise RuntimeError(f"jupyter lite build failed:\n{result.stdout[-3000:]}{result.stderr[-3000:]}")
    drop_disabled_extensions(output)
    add_start_status(root, output)


def drop_disabled_extensions(output: pathlib.Path) -> list[str]:
    """Remove the front-end extensions that ``jupyter-lite.json`` disables from the built site.

    ``jupyter lite build`` copies every extension installed in the virtualenv, the disabled ones
    too (``jupyterlab-myst``: 8 MB that the reader would download for nothing, see
    ``lite/README.md``). Returns the names removed.
    """
    path = output / "jupyter-lite.json"
    config = json.loads(path.read_text(encoding="utf-8"))
    data = config["jupyter-config-data"]
    disabled = set(data.get("disabledExtensions", []))
    removed = [
        extension["name"]
        for extension in data.get("federated_extensions", [])
        if extension["name"] in disabled
    ]
    data["federated_extensions"] = [
        e for e in data.get("federated_extensions", []) if e["name"] not in disabled
    ]
    for name in removed:
        shutil.rmtree(output / "extensions" / name)
    path.write_text(json.dumps(config, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return removed


# Formats that are compressed already: gzip would only spend the build's time on them.
COMPRESSED_FORMATS = frozenset({".gz", ".png", ".jpg", ".jpeg", ".gif", ".webp", ".woff", ".woff2"})


def precompress(site: pathlib.Path, smallest: int = 1024, saving: float = 0.1) -> list[pathlib.Path]:
    """Write ``NAME.gz`` beside every file of ``site`` that gzip shrinks by ``saving`` or more.

    For hosts that send a precompressed file to a browser that accepts gzip: nginx with
    ``gzip_static on``, GitLab Pages, OpenBSD's httpd. GitHub Pages compresses by itself and
    ignores them. The ``.gz`` keeps its file's modification time (as nginx recommends); one whose
    file is newer is written again, one whose file is gone is removed. Returns the ``.gz`` written.
    """
    written = []
    for old in site.rglob("*.gz"):
        if not old.with_suffix("").is_file():
            old.unlink()
    for path in sorted(site.rglob("*")):
        if not path.is_file() or path.suffix in COMPRESSED_FORMATS or path.stat().st_size < smallest:
            continue
        target = path.with_name(path.name + ".gz")
        stat = path.stat()
        if target.is_file() and target.stat().st_mtime == stat.st_mtime:
            continue
        data = gzip.compress(path.read_bytes(), compresslevel=9, mtime=0)
        if len(data) > stat.st_size * (1 - saving):
            target.unlink(missing_ok=True)
            continue
        target.write_bytes(data)
        os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns))
        written.append(target)
    return written


# What a reader waits for on the first launch and on later ones, from benchmarks/bench_network.py:
# 16.9 MB from a host that compresses (31 MB from one that does not), 43 to 62 s to the first
# output on a 20 Mbit/s link on two busy cores (Pyodide alone: 8 to 22 s), 21 to 33 s from the
# cache; most of it is Python starting on the CPU, so a phone's slower CPU takes longer.
FIRST_START = "downloads about 17 MB and takes 30 s to a minute on home broadband, longer on a phone"
LATER_START = "takes 15 to 30 s, from the browser's cache"
STATUS_SCRIPT = "book-lite-status.js"
# The Pyodide kernel's web workers (jupyterlite-pyodide-kernel): comlink's, or coincident's when
# the page is cross-origin isolated.
KERNEL_WORKERS = ("comlink.worker.*.js", "coincident.worker.*.js")


def add_start_status(root: pathlib.Path, output: pathlib.Path) -> None:
    """Tell the reader what the lab does while Python starts, and stop with a Retry if it fails.

    Adds ``lite/status.js`` (with the sizes of what the kernel downloads) to the lab's page, and
    puts ``lite/worker-progress.js`` before the kernel's web worker, which then reports each of its
    downloads to the page.
    """
    pyodide = output / "static" / "pyodide"
    lock = json.loads((pyodide / "pyodide-lock.json").read_text(encoding="utf-8"))
    fetched = ["pyodide.asm.wasm", "python_stdlib.zip", "pyodide-lock.json",
               *(package["file_name"] for package in lock["packages"].values())]  # fmt: skip
    names = sorted(lock["packages"])
    shown = [name for name in ("meeting-tokens", "pyjwt", "httpx", "ipython") if name in names]
    expected = {
        "sizes": {name: (pyodide / name).stat().st_size for name in fetched},
        "packages": f"{', '.join(shown)} and {len(names) - len(shown)} more",
        "first": FIRST_START,
        "later": LATER_START,
    }
    script = (root / "lite" / "status.js").read_text(encoding="utf-8")
    script = script.replace('"__BOOK_LITE_EXPECTED__"', json.dumps(expected, sort_keys=True))
    (output / STATUS_SCRIPT).write_text(script, encoding="utf-8")
    page = output / "lab" / "index.html"
    html = page.read_text(encoding="utf-8")
    if STATUS_SCRIPT not in html:
        tag = f'<script src="../{STATUS_SCRIPT}"></script>\n  </head>'
        page.write_text(html.replace("</head>", tag, 1), encoding="utf-8")
    progress = (root / "lite" / "worker-progress.js").read_text(encoding="utf-8")
    static = output / "extensions" / "@jupyterlite" / "pyodide-kernel-extension" / "static"
    workers = [worker for pattern in KERNEL_WORKERS for worker in static.glob(pattern)]
    if not any(worker.name.startswith("comlink.worker.") for worker in workers):
        raise LiteBuildError(f"no comlink.worker.*.js in {static}: has jupyterlite-pyodide-kernel changed?")
    for worker in workers:
        worker.write_text(progress + worker.read_text(encoding="utf-8"), encoding="utf-8")


def lite_lab_url(notebook: str) -> str:
    """The Lite lab's address for ``notebook``, from the site's root. Each chapter has a workspace
    of its own: Lite restores the tabs a workspace had open, so with one workspace for all,
    launching a second chapter reopened the first beside it, and started its kernel too."""
    return f"lite/lab/index.html?path={notebook}&workspace={notebook.removesuffix('.ipynb')}"


def launch_html(depth: int, notebook: str, missing: str = "") -> str:
    """The launch block of a chapter page ``depth`` folders below the site's root; ``missing``
    (HTML, from the notebook's metadata) says what the browser version cannot run."""
    href = f"{'../' * depth}{lite_lab_url(notebook)}".replace("&", "&amp;")
    return (
        f'<div class="lite-launch"><a class="lite-launch-link" href="{href}">{LAUNCH_TEXT}</a> '
        f'<span class="lite-launch-note">(real Python in this tab, nothing to install: the first start '
        f"{FIRST_START}; a later one {LATER_START})</span>"
        + (f'<p class="lite-launch-missing">Not in the browser: {missing}</p>' if missing else "")
        + '<p class="lite-launch-file" hidden>The in-browser Python (JupyterLite) needs a web server: '
        "opened from disk, the browser will not load it. From the repository, run "
        "<code>python -m http.server --bind 127.0.0.1 -d _build/html</code> and open "
        "<code>http://127.0.0.1:8000/</code>, or use the published book.</p></div>"
    )


LAUNCH_SCRIPT = """\
// No warm-up: the page fetches none of JupyterLite's files until the reader launches it (fetching
// Pyodide and its wheels on every chapter visit cost 23 MB a page; see lite/README.md, "Speed").
document.addEventListener("DOMContentLoaded", () => {
  if (location.protocol !== "file:") return;
  for (const block of document.querySelectorAll(".lite-launch")) {
    block.querySelector(".lite-launch-file").hidden = false;
    block.querySelector(".lite-launch-link").addEventListener("click", (event) => {
      event.preventDefault();
      block.querySelector(".lite-launch-file").scrollIntoView({block: "center"});
    });
  }
});
"""

LAUNCH_CSS = """\
.lite-launch { margin: 0.5rem 0 1.5rem; }
.lite-launch-link { font-weight: 600; }
.lite-launch-link::before { content: "\\25B6\\FE0E  "; }
.lite-launch-note { color: var(--pst-color-text-muted); font-size: 0.9em; }
.lite-launch-file, .lite-launch-missing {
  border-left: 3px solid var(--pst-color-warning); padding-left: 0.6rem;
}
"""


def _is_notebook(app: Any, docname: str) -> bool:
    return str(app.env.doc2path(docname)).endswith(".ipynb")


def _add_launch(app: Any, doctree: Any, docname: str) -> None:
    from docutils import nodes

    if app.builder.format != "html" or not _is_notebook(app, docname):
        return
    section = next(iter(doctree.findall(nodes.section)), None)
    if section is None:
        return
    notebook = pathlib.PurePosixPath(docname).name + ".ipynb"
    metadata = json.loads(pathlib.Path(app.env.doc2path(docname)).read_text(encoding="utf-8"))["metadata"]
    missing = metadata.get("lite", {}).get("missing", "")
    block = nodes.raw("", launch_html(docname.count("/"), notebook, missing), format="html")
    section.insert(1, block)


def _build_after_html(app: Any, exception: Exception | None) -> None:
    if exception is None and app.builder.format == "html":
        write_if_changed(LAUNCH_CSS.encode(), pathlib.Path(app.outdir) / "_static" / "lite-launch.css")
        site = pathlib.Path(app.outdir)
        build_lite(pathlib.Path(app.srcdir), site / "lite", site.parent / "lite")
        precompress(site)


def setup(app: Any) -> dict[str, Any]:
    """Sphinx entry point: a launch on every notebook page, JupyterLite built after the HTML."""
    app.connect("doctree-resolved", _add_launch)
    app.add_js_file(None, body=LAUNCH_SCRIPT)
    app.add_css_file("lite-launch.css")
    app.connect("build-finished", _build_after_html)
    return {"parallel_read_safe": True, "parallel_write_safe": True}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output", type=pathlib.Path, nargs="?", help="where to write the JupyterLite site")
    parser.add_argument("--record-hashes", action="store_true",
                        help=f"write {RECORDED_HASHES} for the wheels shipped now, and stop")  # fmt: skip
    args = parser.parse_args(argv)
    root = pathlib.Path.cwd()
    if args.record_hashes:
        print(f"wrote {record_hashes(root, pathlib.Path(sys.prefix) / 'lite-wheels')}")
        return
    if args.output is None:
        parser.error("give the output folder (or --record-hashes)")
    build_lite(root, args.output.resolve(), root / "_build" / "lite")
    print(f"JupyterLite with the chapters in {args.output}")


if __name__ == "__main__":
    main()

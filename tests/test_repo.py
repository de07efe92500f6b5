"""The repository's contract with readers, Binder and CI, checked without building anything."""

from __future__ import annotations

import os
import pathlib
import re
import tomllib

import yaml
from book_assets import copy_anywidget, stub_fontawesome, unique_scripts
from packaging.version import Version

from book_toc import toc_files

ROOT = pathlib.Path(__file__).resolve().parent.parent
WIDGETS_JS = ROOT / "book" / "widgets-js"


def read(name: str) -> str:
    return (ROOT / name).read_text(encoding="utf-8")


def test_every_requirement_is_pinned_to_one_version() -> None:
    lines = [line.strip() for line in read("requirements.txt").splitlines()]
    requirements = [line for line in lines if line and not line.startswith("#")]
    unpinned = [line for line in requirements if line != "-e ." and not re.fullmatch(
        r"[A-Za-z0-9._-]+(\[[A-Za-z0-9,._-]+\])?==[A-Za-z0-9.+!-]+", line
    )]
    assert unpinned == []
    assert "-e ." in requirements


def test_requirements_pin_the_book_toolchain_the_config_was_written_for() -> None:
    requirements = read("requirements.txt").splitlines()
    assert "jupyter-book==1.0.4.post1" in requirements
    assert "myst-nb==1.4.0" in requirements


def test_toc_lists_only_files_that_exist() -> None:
    missing = [
        name for name in toc_files()
        if not any((ROOT / f"{name}{suffix}").is_file() for suffix in ("", ".md", ".ipynb"))
    ]
    assert missing == []


def test_the_config_names_no_repository_url_the_publishing_build_passes_it_in() -> None:
    # book/_ext/book_settings.py turns the buttons on from BOOK_REPOSITORY_URL (pages.yml sets it).
    config = yaml.safe_load(read("_config.yml"))
    assert config["repository"]["url"] == ""
    assert config["html"]["use_repository_button"] is False
    assert config["launch_buttons"]["binderhub_url"] == ""


def test_ci_script_is_strict_bash_that_runs_make_test() -> None:
    script = ROOT / ".ci" / "run"
    text = script.read_text(encoding="utf-8")
    assert text.startswith("#!/usr/bin/env bash\n")
    assert "set -euo pipefail" in text
    assert text.rstrip().endswith("make test")
    assert os.access(script, os.X_OK)


def test_licence_is_mit() -> None:
    assert read("LICENSE").startswith("MIT License\n")


def test_vendored_widget_scripts_come_with_their_licences() -> None:
    for script in ("require.js", "require-config.js", "embed-amd.js"):
        assert (WIDGETS_JS / script).is_file()
    licences = sorted(path.name for path in (WIDGETS_JS / "licenses").iterdir())
    assert licences == [
        "html-manager-LICENSE.txt",
        "html-manager-bundled-LICENSES.txt",
        "requirejs-LICENSE.txt",
    ]


def test_widget_pages_load_one_script_from_the_site_itself() -> None:
    config = yaml.safe_load(read("_config.yml"))["sphinx"]["config"]
    assert list(config["nb_ipywidgets_js"]) == ["anywidget-static.js"]
    assert config["html_static_path"] == ["book/widgets-js", "book/theme"]
    assert config["html_css_files"] == ["book.css", "genindex.css"]


def test_the_static_widget_script_falls_back_to_the_vendored_manager_in_order() -> None:
    script = (WIDGETS_JS / "anywidget-static.js").read_text(encoding="utf-8")
    assert '["require.js", "require-config.js", "embed-amd.js"]' in script


def test_stub_fontawesome_empties_the_theme_script_once(tmp_path: pathlib.Path) -> None:
    script = tmp_path / "_static" / "scripts" / "fontawesome.js"
    script.parent.mkdir(parents=True)
    script.write_text("x" * 1000)
    assert stub_fontawesome(tmp_path) is True
    assert script.stat().st_size < 300
    assert stub_fontawesome(tmp_path) is False


def test_copied_anywidget_module_is_not_committed() -> None:
    assert "book/widgets-js/anywidget/" in read(".gitignore").splitlines()


def test_copy_anywidget_writes_the_module_and_its_licence(tmp_path: pathlib.Path) -> None:
    written = copy_anywidget(tmp_path)
    assert sorted(path.name for path in written) == ["LICENSE", "index.js"]
    assert "define(" in (tmp_path / "anywidget" / "index.js").read_text(encoding="utf-8")


def test_copy_anywidget_again_changes_nothing(tmp_path: pathlib.Path) -> None:
    copy_anywidget(tmp_path)
    assert copy_anywidget(tmp_path) == []


class _Script:
    def __init__(self, filename: str | None, **attributes: str) -> None:
        self.filename = filename
        self.attributes = attributes


def test_inline_script_registered_twice_is_written_once() -> None:
    first = _Script(None, body="const THEBE_JS_URL = 1")
    scripts = [first, _Script("x.js"), _Script("", body="const THEBE_JS_URL = 1")]
    assert [script.filename for script in unique_scripts(scripts)] == [None, "x.js"]


def test_scripts_with_different_bodies_are_all_kept() -> None:
    scripts = [_Script(None, body="let a = 1"), _Script(None, body="let b = 2")]
    assert len(unique_scripts(scripts)) == 2


# The lowest release of each dependency that fixed its published advisories (pyproject.toml says
# which advisory justifies each): no floor in pyproject.toml may admit an older one.
FIXED_RELEASES = {
    "starlette": "0.49.1",
    "h11": "0.16",
    "pyjwt": "2.10.1",
    "httpx": "0.23",
    "uvicorn": "0.11.7",
}


def test_dependency_floors_exclude_releases_with_published_advisories() -> None:
    project = tomllib.loads(read("pyproject.toml"))["project"]
    floors = {}
    for requirement in project["dependencies"] + sum(project["optional-dependencies"].values(), []):
        name, _, floor = requirement.partition(">=")
        if floor:
            floors[name.strip().lower()] = Version(floor.split(",")[0])
    fixed = {name: Version(release) for name, release in FIXED_RELEASES.items()}
    assert [name for name in fixed if floors.get(name, Version("0")) < fixed[name]] == []

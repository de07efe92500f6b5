"""What changes when the package runs in the browser kernel, checked on CPython.

The browser kernel (Pyodide) has no matplotlib and no threads; these tests switch the package's
runtime flags off by hand and check what it does instead. The lite build's own pieces (the
package wheel, the lock, the set of wheels) are checked here too, without a browser.
"""

from __future__ import annotations

import base64
import hashlib
import json
import pathlib
import threading
import zipfile

import book_lite
import pytest

from constants import NOW
from meeting_tokens import runtime
from meeting_tokens.drawing import diagrams, svg
from meeting_tokens.widgets import timeline

ROOT = pathlib.Path(__file__).resolve().parent.parent


@pytest.fixture
def without_matplotlib(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(diagrams, "HAS_MATPLOTLIB", False)
    monkeypatch.setattr(timeline, "HAS_MATPLOTLIB", False)


def test_without_matplotlib_a_sequence_diagram_is_an_svg_naming_every_participant_and_step(
    without_matplotlib: None,
) -> None:
    picture = diagrams.sequence_diagram(
        ["Browser", "Server"], [("Browser", "Server", "POST /join"), ("Server", "Browser", "token", "reply")]
    )
    assert isinstance(picture, svg.SVGPicture)
    drawn = picture._repr_svg_()
    assert drawn.startswith("<svg ")
    for text in ("Browser", "Server", "POST /join", "token"):
        assert f">{text}</text>" in drawn
    assert repr(picture) == "<sequence diagram: Browser, Server>"


def test_without_matplotlib_the_bar_chart_is_an_svg_with_its_labels(without_matplotlib: None) -> None:
    picture = diagrams.bar_chart([("short", 0.25), ("long", 720)], xlabel="hours")
    assert isinstance(picture, svg.SVGPicture)
    assert ">short</text>" in picture.svg and ">long</text>" in picture.svg and ">hours</text>" in picture.svg


def test_without_matplotlib_the_timeline_is_an_svg_data_uri_with_its_claims_and_bands(
    without_matplotlib: None,
) -> None:
    uri = timeline.timeline_svg(timeline.timeline_for({"iat": NOW, "exp": NOW + 3600}, 0, fallback=0))
    assert uri.startswith("data:image/svg+xml;base64,")
    drawn = base64.b64decode(uri.split(",", 1)[1]).decode("utf-8")
    for text in ("iat", "exp", "valid", "expired", "time from iat", "+20 min"):
        assert f">{text}</text>" in drawn


def test_nice_ticks_are_round_numbers_inside_the_range() -> None:
    assert svg.nice_ticks(-7.5, 68) == [0, 20, 40, 60]


async def test_in_the_browser_a_blocking_call_runs_directly_without_a_thread(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(runtime, "IN_BROWSER", True)
    assert await runtime.run_blocking(threading.current_thread) is threading.current_thread()


async def test_locally_a_blocking_call_runs_in_a_worker_thread() -> None:
    assert await runtime.run_blocking(threading.current_thread) is not threading.current_thread()


def test_the_browser_limitation_is_one_line_naming_what_is_missing() -> None:
    message = runtime.browser_limitation("serving the game on a loopback port")
    assert message == (
        "Not in the browser: serving the game on a loopback port needs a local kernel "
        '(see "Running the book yourself").'
    )


def test_the_browser_kernel_gets_the_package_its_dependencies_and_the_kernel_ones_not_matplotlib() -> None:
    versions = book_lite.browser_distributions(ROOT)
    expected = {"meeting-tokens", "pyjwt", "httpx", "starlette", "anywidget", "ipython", "jedi", "micropip"}
    assert expected <= set(versions)
    assert not {"matplotlib", "numpy", "widgetsnbextension", "jupyterlab-widgets"} & set(versions)


def test_the_package_wheel_holds_the_sources_and_a_record_of_their_hashes(tmp_path) -> None:
    wheel = book_lite.build_package_wheel(ROOT, tmp_path)
    assert wheel.name == "meeting_tokens-0.1.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        record = archive.read("meeting_tokens-0.1.0.dist-info/RECORD").decode()
        source = archive.read("meeting_tokens/runtime.py")
    assert "meeting_tokens/widgets/claim_editor.js" in names
    digest = base64.urlsafe_b64encode(hashlib.sha256(source).digest()).rstrip(b"=").decode()
    assert f"meeting_tokens/runtime.py,sha256={digest},{len(source)}" in record.splitlines()


def test_the_lock_lists_each_wheel_with_its_hash_and_only_dependencies_that_are_wheels_too(tmp_path) -> None:
    wheels = []
    for name, requires in [("alpha", ["beta>=1", "gamma; sys_platform == 'win32'"]), ("beta", [])]:
        wheel = tmp_path / f"{name}-1.0-py3-none-any.whl"
        metadata = "\n".join([f"Name: {name}", *(f"Requires-Dist: {r}" for r in requires)])
        with zipfile.ZipFile(wheel, "w") as archive:
            archive.writestr(f"{name}/__init__.py", "")
            archive.writestr(f"{name}-1.0.dist-info/METADATA", metadata)
        wheels.append(wheel)
    lock = book_lite.lock_for(wheels, {"python": "3.14.2"})
    alpha = lock["packages"]["alpha"]
    assert alpha["depends"] == ["beta"]
    assert alpha["imports"] == ["alpha"]
    assert alpha["sha256"] == hashlib.sha256(wheels[0].read_bytes()).hexdigest()
    assert lock["info"] == {"python": "3.14.2"}


def test_the_vendored_pyodide_is_the_version_the_kernel_was_made_for_and_keeps_its_licence() -> None:
    from jupyterlite_pyodide_kernel.constants import PYODIDE_VERSION

    package = json.loads((ROOT / "lite/pyodide/package.json").read_text(encoding="utf-8"))
    assert (package["name"], package["version"]) == ("pyodide", PYODIDE_VERSION)
    assert package["license"] == "MPL-2.0"
    licence = (ROOT / "lite/pyodide/LICENSE").read_text(encoding="utf-8")
    assert licence.startswith("Mozilla Public License Version 2.0")
    lock = json.loads((ROOT / "lite/pyodide/pyodide-lock.json").read_text(encoding="utf-8"))
    assert lock["info"]["python"] == book_lite.PYODIDE_MARKERS["python_full_version"]

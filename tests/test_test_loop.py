"""How `make test` spreads the tests over pytest-xdist's workers (tests/conftest.py)."""

from __future__ import annotations

from conftest import ROOT, scheduling_scope
from suites import run_suite


def test_a_notebooks_cells_and_the_jupyterlab_tests_stay_whole() -> None:
    assert scheduling_scope("notebooks/01-anatomy.ipynb::Cell 3") == "notebooks/01-anatomy.ipynb"
    assert scheduling_scope("tests/test_lab.py::test_make_lab_copies") == "tests/test_lab.py"


def test_the_site_tests_of_one_page_share_a_scope_at_every_width() -> None:
    scopes = {
        scheduling_scope("tests/test_site.py::test_page_loads_offline_without_errors[notebooks/01-anatomy]"),
        scheduling_scope("tests/test_site.py::test_page_has_no_serious_accessibility_violation[notebooks/01-anatomy-390]"),
        scheduling_scope("tests/test_site.py::test_every_image_says_what_it_shows[notebooks/01-anatomy]"),
    }  # fmt: skip
    assert scopes == {"tests/test_site.py::notebooks/01-anatomy"}
    other = "tests/test_site.py::test_page_loads_offline_without_errors[notebooks/02-minting]"
    assert scheduling_scope(other) == "tests/test_site.py::notebooks/02-minting"


def test_the_lite_tests_of_one_chapter_share_a_scope() -> None:
    read = "test_each_chapter_in_lite_shows_its_myst_rendered_with_solutions_folded"
    run = "test_each_chapter_runs_to_the_end_in_the_browser_kernel"
    scopes = {scheduling_scope(f"tests/test_lite.py::{test}[notebooks/04-joining]") for test in (read, run)}
    assert scopes == {"tests/test_lite.py::notebooks/04-joining"}


def test_every_other_test_is_a_scope_of_its_own() -> None:
    for nodeid in [
        "tests/test_claims.py::test_exp_in_the_past_is_expired",
        "tests/test_cli.py::test_usage[--domain-id ]",
        "tests/test_site.py::test_a_local_build_has_no_repository_button",
    ]:
        assert scheduling_scope(nodeid) == nodeid


def test_the_suite_also_runs_without_xdist() -> None:
    # `make test TEST_WORKERS=0` passes `-p no:xdist`: the scheduler hook must not break that run.
    result = run_suite(ROOT, "tests/test_claims.py", "-k", "can_admin")  # run_suite passes -p no:xdist
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert " passed" in result.stdout

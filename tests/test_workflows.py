"""The GitHub Actions workflows: valid against GitHub's schema (offline), and doing what they say."""

from __future__ import annotations

import os
import pathlib
import subprocess
import sys
from typing import Any

import pytest
import yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent
WORKFLOWS = ROOT / ".github" / "workflows"
CHECKER = pathlib.Path(sys.executable).parent / "check-jsonschema"
# A proxy nobody listens on: if the checker tried to fetch a schema, it would fail, not pass.
NO_NETWORK = {"HTTP_PROXY": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9", "NO_PROXY": ""}


def check_workflows(*paths: pathlib.Path) -> subprocess.CompletedProcess[str]:
    """check-jsonschema with the GitHub workflow schema it ships (`vendor.github-workflows`)."""
    return subprocess.run(  # noqa: S603 (the installed checker, fixed arguments)
        [str(CHECKER), "--builtin-schema", "vendor.github-workflows", *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=120,
        env=os.environ | NO_NETWORK,
    )


def workflow(name: str) -> dict[str, Any]:
    loaded = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    loaded["on"] = loaded.pop(True)  # YAML 1.1 reads the key `on` as the boolean true
    return loaded


def steps(job: dict[str, Any]) -> list[str]:
    """Each step as its `uses` or its `run`."""
    return [step.get("uses") or step["run"] for step in job["steps"]]


def test_the_three_workflows_are_there() -> None:
    assert sorted(path.name for path in WORKFLOWS.iterdir()) == ["ci.yml", "linkcheck.yml", "pages.yml"]


def test_every_workflow_is_valid_against_githubs_schema_offline() -> None:
    result = check_workflows(*sorted(WORKFLOWS.glob("*.yml")))
    assert (result.returncode, result.stdout.strip()) == (0, "ok -- validation done"), result.stderr


def test_the_schema_check_rejects_a_misspelt_workflow(tmp_path: pathlib.Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text("on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    step:\n      - run: make\n")
    result = check_workflows(broken)
    assert result.returncode == 1
    assert "'step' was unexpected" in result.stdout


def test_ci_runs_make_test_through_ci_run_on_pushes_and_pull_requests() -> None:
    ci = workflow("ci.yml")
    assert set(ci["on"]) == {"push", "pull_request"}
    job = ci["jobs"]["test"]
    assert job["container"].endswith("-bookworm")  # Debian, as root: .ci/run installs Chromium with apt-get
    assert steps(job)[0] == "actions/checkout@v4"
    assert steps(job)[-1] == "bash .ci/run"


def test_pages_builds_the_book_from_main_and_deploys_build_html() -> None:
    pages = workflow("pages.yml")
    assert pages["on"]["push"] == {"branches": ["main"]}
    assert "pull_request" not in pages["on"]
    build, deploy = pages["jobs"]["build"], pages["jobs"]["deploy"]
    assert steps(build)[-2:] == ["make book", "actions/upload-pages-artifact@v3"]
    assert build["steps"][-1]["with"] == {"path": "_build/html"}
    assert deploy["needs"] == "build"
    assert steps(deploy) == ["actions/deploy-pages@v4"]
    assert deploy["environment"]["name"] == "github-pages"


def test_pages_grants_write_rights_to_the_deploy_job_only() -> None:
    pages = workflow("pages.yml")
    assert pages["permissions"] == {"contents": "read"}
    assert "permissions" not in pages["jobs"]["build"]
    assert pages["jobs"]["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}


def test_pages_deploys_one_at_a_time_without_cancelling_a_deployment() -> None:
    assert workflow("pages.yml")["concurrency"] == {"group": "pages", "cancel-in-progress": False}


def test_linkcheck_runs_on_a_schedule_and_not_in_make_test() -> None:
    linkcheck = workflow("linkcheck.yml")
    assert set(linkcheck["on"]) == {"schedule", "workflow_dispatch"}
    assert "make linkcheck" in steps(linkcheck["jobs"]["linkcheck"])
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    test_recipe = makefile.split("\ntest: ", 1)[1].split("\n\n", 1)[0]
    assert "linkcheck" not in test_recipe
    assert "\t$(BIN)/jupyter-book build . --builder linkcheck\n" in makefile


@pytest.mark.parametrize("name", ["ci.yml", "pages.yml", "linkcheck.yml"])
def test_every_workflow_reads_the_repository_only(name: str) -> None:
    assert workflow(name)["permissions"] == {"contents": "read"}

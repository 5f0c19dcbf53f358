"""tools/ and demos/ type-check with mypy, as configured in pyproject.toml's ``[tool.mypy]``.

The modules that are not clean yet are listed in an override with ``ignore_errors``; that list
only shrinks. `make lint` runs the same check. mypy keeps its cache in ``.mypy_cache``: the first
run in a fresh clone reads torch's hints (about a minute on two busy cores), later runs take
seconds.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest

# Every mypy run here shares the repository's .mypy_cache: one xdist worker runs them all.
pytestmark = pytest.mark.xdist_group("mypy-cache")

REPO = Path(__file__).resolve().parent.parent


def _mypy(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mypy", *args], cwd=REPO, capture_output=True, text=True
    )


def _config() -> dict[str, Any]:
    return tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mypy"]


def _not_clean_yet(config: dict[str, Any]) -> list[str]:
    return [m for o in config.get("overrides", []) if o.get("ignore_errors") for m in o["module"]]


def _ini_value(value: object) -> str:
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return str(value)


def ini_without_skips(config: dict[str, Any]) -> str:
    """The same mypy configuration in INI form, minus the ``ignore_errors`` overrides."""
    lines = ["[mypy]"]
    lines += [f"{k} = {_ini_value(v)}" for k, v in config.items() if k != "overrides"]
    for override in config.get("overrides", []):
        if override.get("ignore_errors"):
            continue
        lines.append(f"[mypy-{','.join(override['module'])}]")
        lines += [f"{k} = {_ini_value(v)}" for k, v in override.items() if k != "module"]
    return "\n".join(lines) + "\n"


def test_tools_and_demos_are_mypy_clean() -> None:
    done = _mypy()
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.search(r"Success: no issues found in \d+ source files", done.stdout), done.stdout


def test_every_module_skipped_still_has_errors(tmp_path: Path) -> None:
    config = _config()
    skipped = _not_clean_yet(config)
    ini = tmp_path / "mypy.ini"
    ini.write_text(ini_without_skips(config), encoding="utf-8")
    done = _mypy("--config-file", str(ini))
    failing = {
        Path(path).with_suffix("").as_posix().replace("/", ".")
        for path in re.findall(r"^([\w/]+\.py):\d+: error:", done.stdout, re.MULTILINE)
    }
    clean = sorted(set(skipped) - failing)
    assert not clean, f"clean now, remove from the ignore_errors list in pyproject.toml: {clean}"
    assert failing <= set(skipped), done.stdout


def test_the_configuration_checks_the_bodies_of_unannotated_functions(tmp_path: Path) -> None:
    # check_untyped_defs: without it mypy skips this body and the tests above prove less.
    bad = tmp_path / "untyped.py"
    bad.write_text('def f():\n    return 1 + "a"\n', encoding="utf-8")
    done = _mypy("--config-file", str(REPO / "pyproject.toml"), str(bad))
    assert done.returncode == 1, done.stdout + done.stderr
    assert 'Unsupported operand types for + ("int" and "str")' in done.stdout

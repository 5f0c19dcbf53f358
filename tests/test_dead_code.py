"""No dead code in tools/ and demos/: vulture finds nothing, given tests/vulture_whitelist.py.

Every module is checked at 80 % confidence (unused imports, variables, unreachable code) and at
60 % (unused functions, methods, attributes, classes); each whitelist entry says why it is
there.
"""

from __future__ import annotations

import runpy
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
WHITELIST = "tests/vulture_whitelist.py"


def _vulture(confidence: int, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "vulture", "tools", "demos", WHITELIST, *extra]
        + ["--min-confidence", str(confidence), "--exclude", "demos/renderings"],
        cwd=REPO,
        capture_output=True,
        text=True,
    )


def test_nothing_is_dead_at_80_percent_confidence() -> None:
    done = _vulture(80)
    assert done.returncode == 0 and not done.stdout, done.stdout + done.stderr


def test_nothing_is_dead_at_60_percent_confidence() -> None:
    done = _vulture(60)
    assert done.returncode == 0 and not done.stdout, done.stdout + done.stderr


def test_every_whitelist_entry_still_names_something() -> None:
    # Running the whitelist evaluates each entry: a removed vocabulary member raises here.
    runpy.run_path(str(REPO / WHITELIST))


def test_vulture_reports_dead_code_with_these_settings(tmp_path: Path) -> None:
    # The same invocation plus a file with an unused import and a never-called function (vulture
    # matches names across files, so the names must be used nowhere else).
    dead = tmp_path / "dead.py"
    dead.write_text(
        "import zipimport\n\n\ndef _never_called_anywhere():\n    return 1\n", encoding="utf-8"
    )
    assert "unused import 'zipimport'" in _vulture(80, str(dead)).stdout
    assert "unused function '_never_called_anywhere'" in _vulture(60, str(dead)).stdout

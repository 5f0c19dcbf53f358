"""No dead code in tools/ and demos/: vulture finds nothing, given tests/vulture_whitelist.py.

At 80 % confidence (unused imports, variables, unreachable code) the whole tree is checked. At
60 % (unused functions, methods, attributes, classes) vulture also reports names that are only
used in ways it cannot see, so those are checked on the modules listed in ``CLEAN_AT_60``, whose
findings have been removed or explained in the whitelist; the list grows to all of tools/ and
demos/.
"""

from __future__ import annotations

import runpy
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
WHITELIST = "tests/vulture_whitelist.py"
CLEAN_AT_60 = (
    "tools/__init__.py",
    "tools/catalog.py",
    "tools/crossrules.py",
    "tools/errors.py",
    "tools/hints.py",
    "tools/new.py",
    "tools/schema.py",
    "tools/style.py",
    "tools/textrules.py",
    "tools/urls.py",
    "tools/validate.py",
    "tools/values.py",
    "tools/vocab.py",
    "tools/yamlsource.py",
    "tools/site/html.py",
    "tools/site/markdown.py",
    "demos/pretrained_attention.py",
    "demos/pretrained_encoder.py",
)


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


def test_the_clean_modules_have_nothing_dead_at_60_percent_confidence() -> None:
    done = _vulture(60)
    assert not done.stderr, done.stderr
    dead = [line for line in done.stdout.splitlines() if line.split(":")[0] in CLEAN_AT_60]
    assert not dead, "\n".join(dead)


def test_the_clean_list_names_real_modules() -> None:
    missing = [path for path in CLEAN_AT_60 if not (REPO / path).is_file()]
    assert not missing, missing


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

"""Our annotations are our own words: nothing in the tree repeats the source article verbatim."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
CHECKER = Path("..") / "shared" / "tools" / "check_no_copy.py"


def test_no_sentence_is_copied_from_the_source_article() -> None:
    if not (REPO / CHECKER).is_file():
        pytest.skip(f"{CHECKER} is not beside the repository (it ships with the shared material)")
    done = subprocess.run(
        [sys.executable, str(CHECKER), "."],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr

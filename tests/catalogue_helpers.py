"""Helpers for the catalogue tests: copy the valid fixture with one text edit, find lines."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "catalogue"
VALID = FIXTURES / "valid.yaml"
TODAY = dt.date(2026, 11, 25)


def valid_text() -> str:
    """The valid fixture catalogue's text."""
    return VALID.read_text(encoding="utf-8")


def edited(folder: Path, *edits: tuple[str, str], name: str = "resources.yaml") -> Path:
    """Write the valid fixture with each ``(old, new)`` replacement applied once; return the path.

    Each ``old`` must occur exactly once, so a fixture change cannot silently void a test.
    """
    text = valid_text()
    for old, new in edits:
        count = text.count(old)
        assert count == 1, f"{old!r} occurs {count} times in the fixture"
        text = text.replace(old, new)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def line_of(path_or_text: Path | str, snippet: str) -> int:
    """The 1-based line where ``snippet`` (which must be unique) starts."""
    text = (
        path_or_text.read_text(encoding="utf-8") if isinstance(path_or_text, Path) else path_or_text
    )
    assert text.count(snippet) == 1, f"{snippet!r} is not unique"
    return text[: text.index(snippet)].count("\n") + 1

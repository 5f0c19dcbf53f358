"""The project's errors: ``AtlasError`` is the root of every error raised on purpose.

A module of its own, with no dependency, so that light tools (the link tracker, the demos) can
import it without loading the catalogue model. ``Problem`` is one reason a catalogue is wrong, at
a line of its file; ``CatalogueError`` carries all of them.
"""

from __future__ import annotations

from dataclasses import dataclass


class AtlasError(Exception):
    """Base of every error this project raises on purpose (bad input, bad state)."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the catalogue, at a place in a file."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class CatalogueError(AtlasError):
    """The catalogue could not be loaded; ``problems`` lists every reason."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class CatalogueReadError(CatalogueError):
    """The catalogue file could not be read at all (missing, a folder, no permission)."""

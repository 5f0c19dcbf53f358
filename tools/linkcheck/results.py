"""The records passed between the tracker's stages; each stage returns new ones.

A :class:`Result` is made once per URL by the checker; the history stage returns a copy with
the link's state (``dataclasses.replace``), and nothing changes a record in place. Text that
came from a server (title, detail) is cleaned when the record is made (see :mod:`.text`), so
every output downstream (terminal, GitHub annotations, JSON, the issue body) starts from
one-line text without control characters or bidi overrides.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from tools.linkcheck.text import clean, clean_or_none

MAX_TITLE = 300
MAX_DETAIL = 1000


@dataclass(frozen=True)
class Link:
    """A URL to check and where it comes from.

    ``resources`` are the catalogue ids that list it, ``line`` where it is written in
    ``resources.yaml`` (for annotations), ``added`` the best known date it entered the list
    (for the archive copy; None when unknown).
    """

    url: str
    resources: tuple[str, ...] = ()
    line: int | None = None
    added: dt.date | None = None


@dataclass(frozen=True)
class Result:
    """One verdict on one URL in one run (``state`` filled by the history stage)."""

    url: str
    verdict: str
    detail: str = ""
    http_status: int | None = None
    final_url: str | None = None
    title: str | None = None
    elapsed_ms: int = 0
    resources: tuple[str, ...] = ()
    line: int | None = None
    simhash: str | None = None
    state: str | None = None
    archive_url: str | None = None
    archive_timestamp: str | None = None
    archive_checked: bool = False  # the archive was asked in this run (hit or miss)

    def __post_init__(self) -> None:
        object.__setattr__(self, "detail", clean(self.detail, MAX_DETAIL))
        object.__setattr__(self, "title", clean_or_none(self.title, MAX_TITLE))
        object.__setattr__(self, "resources", tuple(self.resources))

    def to_json(self) -> dict[str, object]:
        """The result as the public JSON contract lists it."""
        return {
            "url": self.url,
            "resource": self.resources[0] if self.resources else None,
            "verdict": self.verdict,
            "http_status": self.http_status,
            "final_url": self.final_url,
            "title": self.title,
            "detail": self.detail,
            "state": self.state,
            "archive_url": self.archive_url,
            "elapsed_ms": self.elapsed_ms,
        }

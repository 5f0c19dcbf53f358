"""The record of one checked URL, shared by the checker, the history and the reports."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass
class Link:
    """A URL to check and where it comes from.

    ``resources`` are the catalogue ids that list it, ``line`` where it is written in
    ``resources.yaml`` (for annotations), ``added`` the earliest date it entered the list.
    """

    url: str
    resources: list[str] = field(default_factory=list)
    line: int | None = None
    added: dt.date | None = None


@dataclass
class Result:
    """One verdict on one URL in one run, and what the history made of it."""

    url: str
    verdict: str
    detail: str = ""
    http_status: int | None = None
    final_url: str | None = None
    title: str | None = None
    elapsed_ms: int = 0
    resources: list[str] = field(default_factory=list)
    line: int | None = None
    simhash: str | None = None
    state: str | None = None
    previous_state: str | None = None
    archive_url: str | None = None
    archive_timestamp: str | None = None

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

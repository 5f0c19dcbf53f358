"""The values a catalogue field can hold beyond plain strings and numbers.

Bilingual texts, and the facts that may be unknown or approximate (a publication year, the date a
link entered the list), each with the display text the site shows in Japanese and English.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from tools.vocab import Lang, unknown


@dataclass(frozen=True)
class Text:
    """A one-line text in both languages (Markdown, no raw HTML)."""

    ja: str
    en: str

    def get(self, lang: str) -> str:
        return self.ja if lang == "ja" else self.en


@dataclass(frozen=True)
class TextList:
    """A list of short texts in both languages (bullet points)."""

    ja: tuple[str, ...]
    en: tuple[str, ...]

    def get(self, lang: str) -> tuple[str, ...]:
        return self.ja if lang == "ja" else self.en


@dataclass(frozen=True)
class Year:
    """The year a resource was published: exact, approximate (``{approx: 2019}``) or unknown."""

    value: int | None = None
    approximate: bool = False

    def plain(self) -> int | dict[str, int] | None:
        """The value as ``resources.yaml`` writes it (and the JSON export repeats it)."""
        if self.value is None or not self.approximate:
            return self.value
        return {"approx": self.value}

    def text(self, lang: str) -> str:
        """``"2018"``; ``"2019年ごろ"`` / ``"c. 2019"`` when approximate; ``"不明"`` / ``"unknown"``."""
        if self.value is None:
            return unknown(lang)
        if not self.approximate:
            return str(self.value)
        return f"{self.value}年ごろ" if lang == Lang.JA else f"c. {self.value}"


@dataclass(frozen=True)
class Added:
    """When a link entered the list: an exact date, bounds on it, or nothing known.

    ``exact`` excludes the bounds; either bound may be given alone. All None means unknown.
    """

    exact: dt.date | None = None
    on_or_before: dt.date | None = None
    on_or_after: dt.date | None = None

    def plain(self) -> str | dict[str, str] | None:
        """The value as ``resources.yaml`` writes it, dates in ISO form (for the JSON export)."""
        if self.exact:
            return self.exact.isoformat()
        bounds = {"on_or_before": self.on_or_before, "on_or_after": self.on_or_after}
        return {k: v.isoformat() for k, v in bounds.items() if v} or None

    def archive_date(self) -> dt.date | None:
        """The best date to look an archive copy up at: the exact date, else the upper bound."""
        return self.exact or self.on_or_before

    def text(self, lang: str) -> str:
        """The date for display: ``"2022-09-24 以前"`` / ``"on or before 2022-09-24"``, etc."""
        ja = lang == Lang.JA
        if self.exact:
            return self.exact.isoformat()
        after = self.on_or_after.isoformat() if self.on_or_after else None
        before = self.on_or_before.isoformat() if self.on_or_before else None
        if after and before:
            return f"{after} から {before} の間" if ja else f"between {after} and {before}"
        if before:
            return f"{before} 以前" if ja else f"on or before {before}"
        if after:
            return f"{after} 以降" if ja else f"on or after {after}"
        return unknown(lang)

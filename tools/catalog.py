"""The catalogue model: typed records loaded from ``resources.yaml``, each remembering its lines.

Every record keeps ``line`` (where it starts) and ``lines`` (field name -> line), so validation,
the link tracker's GitHub annotations and the site generator can point at the exact place in the
file. ``load`` validates and raises :class:`CatalogueError` listing every problem found.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from tools.errors import AtlasError
from tools.vocab import Access, AlternateKind, ExtraKind, Lang, Level, Mark, ResourceType, unknown

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "resources.yaml"

RESOURCE_TYPES = ResourceType.values()
ACCESS = Access.values()
LEVELS = Level.values()
MARKS = Mark.values()
LANGS = Lang.values()
ALTERNATE_KINDS = AlternateKind.values()
EXTRA_KINDS = ExtraKind.values()


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

    @property
    def known(self) -> bool:
        """Whether anything at all is known about the date."""
        return any((self.exact, self.on_or_before, self.on_or_after))

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


@dataclass(frozen=True)
class Topic:
    id: str
    label: Text
    line: int = 0


@dataclass(frozen=True)
class Alternate:
    """Another address for a resource: a translation, a moved copy, an archive copy, a companion."""

    url: str
    kind: str
    lang: str
    title: str | None = None
    note: Text | None = None
    line: int = 0


@dataclass(frozen=True)
class Resource:
    id: str
    number: int | None
    rank: int | None
    title: str
    url: str | None
    url_reason: Text | None  # required when url is None: why it is lost, how to help
    alternates: tuple[Alternate, ...]
    authors: tuple[str, ...]
    publisher: str | None
    year: Year
    type: str
    lang: str
    access: str
    level: str
    topics: tuple[str, ...]
    marks: tuple[str, ...]
    added: Added
    summary: Text
    why: Text
    highlights: TextList
    caveats: TextList
    related: tuple[str, ...]
    demos: tuple[str, ...]
    status_note: Text | None = None
    series: str | None = None  # a video or post series the title belongs to (shown after it)
    line: int = 0
    lines: dict[str, int] = field(default_factory=dict, compare=False, hash=False)

    @property
    def year_value(self) -> int | None:
        """The publication year (exact or approximate), None when unknown."""
        return self.year.value

    @property
    def year_approximate(self) -> bool:
        """Whether ``year_value`` is only approximate."""
        return self.year.approximate

    def year_text(self, lang: str) -> str:
        """The year for display in ``lang`` (see :meth:`Year.text`)."""
        return self.year.text(lang)

    def added_text(self, lang: str) -> str:
        """When it entered the list, for display in ``lang`` (see :meth:`Added.text`)."""
        return self.added.text(lang)

    def archive_date(self) -> dt.date | None:
        """The date to pick an archive snapshot at (exact, else on-or-before), or None."""
        return self.added.archive_date()

    @property
    def full_title(self) -> str:
        """The title as published: with its series, when it has one."""
        return f"{self.title} | {self.series}" if self.series else self.title

    def urls(self) -> list[tuple[str, int]]:
        """Every URL of this resource (main first, then alternates) with its line."""
        found = []
        if self.url:
            found.append((self.url, self.lines.get("url", self.line)))
        found.extend((a.url, a.line) for a in self.alternates)
        return found


@dataclass(frozen=True)
class Extra:
    """A link the source article mentions that is not one of the numbered resources."""

    id: str
    title: str
    url: str
    kind: str
    lang: str
    authors: tuple[str, ...]
    note: Text
    resource: str | None = None  # the resource it accompanies, if any
    added: Added = Added()
    line: int = 0
    lines: dict[str, int] = field(default_factory=dict, compare=False, hash=False)

    def archive_date(self) -> dt.date | None:
        """The date to pick an archive snapshot at (exact, else on-or-before), or None."""
        return self.added.archive_date()


@dataclass(frozen=True)
class Question:
    """One of the source article's open questions, with our answer."""

    id: str
    number: int
    about: tuple[str, ...]  # resource ids the question is about
    question: Text
    answer: Text
    answered_in_article: bool
    demos: tuple[str, ...]
    line: int = 0


@dataclass(frozen=True)
class PathStep:
    resource: str
    note: Text
    demo: str | None = None
    line: int = 0


@dataclass(frozen=True)
class LearningPath:
    id: str
    title: Text
    description: Text
    level: str
    steps: tuple[PathStep, ...]
    line: int = 0


@dataclass(frozen=True)
class Catalogue:
    path: Path
    topics: tuple[Topic, ...]
    resources: tuple[Resource, ...]
    extras: tuple[Extra, ...]
    questions: tuple[Question, ...]
    paths: tuple[LearningPath, ...]

    def resource(self, rid: str) -> Resource:
        for r in self.resources:
            if r.id == rid:
                return r
        raise KeyError(rid)

    def topic(self, tid: str) -> Topic:
        for t in self.topics:
            if t.id == tid:
                return t
        raise KeyError(tid)

    def ranked(self) -> list[Resource]:
        """Resources with a rank, in recommended reading order."""
        return sorted((r for r in self.resources if r.rank is not None), key=lambda r: r.rank)

    def all_urls(self) -> list[tuple[str, str, int]]:
        """(url, owner id, line) for every resource URL, alternate and extra link."""
        found = [(u, r.id, line) for r in self.resources for u, line in r.urls()]
        found.extend((e.url, e.id, e.lines.get("url", e.line)) for e in self.extras)
        return found


def load(path: str | Path = DEFAULT_PATH) -> Catalogue:
    """Load and validate a catalogue.

    Args:
        path: the YAML file (default: the repository's ``resources.yaml``).

    Returns:
        The typed catalogue.

    Raises:
        CatalogueError: with every problem found (syntax, schema, references), each with a line.
        CatalogueReadError: (a ``CatalogueError``) the file cannot be read at all.
    """
    from tools.rules import analyse  # the rules import this module's records

    problems, catalogue = analyse(path)
    if problems or catalogue is None:
        raise CatalogueError(problems)
    return catalogue

"""The catalogue model and its loader: typed records from ``resources.yaml``, each with its lines.

Every record keeps ``line`` (where it starts) and ``lines`` (field name -> line), so validation,
the link tracker's GitHub annotations and the site generator can point at the exact place in the
file. ``load`` validates and raises :class:`CatalogueError` listing every problem found.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tools import crossrules
from tools.errors import AtlasError, CatalogueError, CatalogueReadError, Problem
from tools.schema import Reader
from tools.values import Added, Text, TextList, Year
from tools.vocab import Access, AlternateKind, ExtraKind, Lang, Level, Mark, ResourceType
from tools.yamlsource import MAX_FILE_BYTES, parse

__all__ = [
    "ACCESS",
    "ALTERNATE_KINDS",
    "DEFAULT_PATH",
    "EXTRA_KINDS",
    "LANGS",
    "LEVELS",
    "MARKS",
    "RESOURCE_TYPES",
    "Added",
    "Alternate",
    "AtlasError",
    "Catalogue",
    "CatalogueError",
    "CatalogueReadError",
    "Extra",
    "LearningPath",
    "PathStep",
    "Problem",
    "Question",
    "Resource",
    "Text",
    "TextList",
    "Topic",
    "Year",
    "Analysis",
    "analyse",
    "check",
    "inspect",
    "load",
]

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "resources.yaml"

RESOURCE_TYPES = ResourceType.values()
ACCESS = Access.values()
LEVELS = Level.values()
MARKS = Mark.values()
LANGS = Lang.values()
ALTERNATE_KINDS = AlternateKind.values()
EXTRA_KINDS = ExtraKind.values()


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


_RECORDS: dict[str, type] = {
    "topic": Topic,
    "resource": Resource,
    "alternate": Alternate,
    "extra": Extra,
    "question": Question,
    "step": PathStep,
    "path": LearningPath,
}


def _build(name: str, values: dict[str, Any]) -> Any:
    return _RECORDS[name](**values)


def read_bytes(path: str | Path) -> bytes:
    """The file's bytes, reading no more than one byte past the size limit.

    Raises:
        CatalogueReadError: the file cannot be read (missing, a folder, no permission).
    """
    try:
        with open(path, "rb") as stream:
            return stream.read(MAX_FILE_BYTES + 1)
    except OSError as err:
        reason = err.strerror or str(err)
        raise CatalogueReadError(
            [Problem(str(path), 0, f"cannot read the catalogue: {reason}")]
        ) from err


@dataclass(frozen=True)
class Analysis:
    """What reading a catalogue file found: problems, style warnings, and what could be built."""

    problems: list[Problem]
    warnings: list[Problem]
    catalogue: Catalogue | None


def inspect(path: str | Path, *, today: dt.date | None = None) -> Analysis:
    """Like :func:`analyse`, with the style warnings (:mod:`tools.style`) as well."""
    shown = str(path)
    root, source_problems = parse(read_bytes(path))
    problems = [Problem(shown, p.line, p.message) for p in source_problems]
    if any(p.line == 0 for p in problems):  # the file as a whole: too large to be a catalogue
        raise CatalogueReadError(problems)
    if root is None:
        return Analysis(problems, [], None)
    reader = Reader(shown, today or dt.date.today(), _build)
    reader.problems.extend(problems)
    sections = reader.catalogue(root)
    warnings = sorted(reader.warnings, key=lambda p: p.line)
    if sections is None:
        return Analysis(sorted(reader.problems, key=lambda p: p.line), warnings, None)
    catalogue = Catalogue(path=Path(path), **sections)
    found = crossrules.check(
        reader.notes,
        topics={t.id for t in catalogue.topics},
        resources={r.id for r in catalogue.resources},
        demos=crossrules.known_demo_ids(),
    )
    reader.problems.extend(Problem(shown, at, message) for at, message in found)
    return Analysis(sorted(reader.problems, key=lambda p: p.line), warnings, catalogue)


def analyse(
    path: str | Path, *, today: dt.date | None = None
) -> tuple[list[Problem], Catalogue | None]:
    """Read and check a catalogue file, keeping whatever could be built.

    The file goes through :mod:`tools.yamlsource` (safe composition with lines), the schema
    reader (:mod:`tools.schema`), then the whole-catalogue rules (:mod:`tools.crossrules`).

    Args:
        path: the YAML file.
        today: the date that "in the future" is measured against (default: today).

    Returns:
        Every problem, sorted by line, and the catalogue built from the file (None when the file
        is not YAML or not a mapping). The catalogue is only trustworthy when there are no
        problems; tools that want to look at a half-edited file (``tools.new --check``) use it.

    Raises:
        CatalogueReadError: the file cannot be read at all (missing, a folder, no permission,
            larger than a catalogue can be).
    """
    found = inspect(path, today=today)
    return found.problems, found.catalogue


def check(path: str | Path, *, today: dt.date | None = None) -> list[Problem]:
    """Every problem in a catalogue file, sorted by line; an empty list means valid.

    Never raises for bad content and never writes.

    Args:
        path: the YAML file.
        today: the date that "in the future" is measured against (default: today).

    Raises:
        CatalogueReadError: the file cannot be read at all.
    """
    return analyse(path, today=today)[0]


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
    problems, catalogue = analyse(path)
    if problems or catalogue is None:
        raise CatalogueError(problems)
    return catalogue

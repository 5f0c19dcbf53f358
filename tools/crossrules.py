"""Rules over the whole catalogue: unique ids and numbers, references that resolve, no URL twice.

The schema reader notes what these rules need while it walks the file (every reference, every
value that must be unique, every URL with its line); :func:`check` turns the notes into problems.
The demo ids come from ``demos/framework/registry.py``, read as source (see :func:`known_demo_ids`).
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Callable, Hashable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from tools.errors import AtlasError
from tools.hints import suggest
from tools.urls import normalise_url

T = TypeVar("T")

DEMO_REGISTRY = Path(__file__).resolve().parent.parent / "demos" / "framework" / "registry.py"


@dataclass(frozen=True)
class Ref:
    """A reference to a topic, a resource or a demo, where it was written."""

    kind: str  # "topic" | "resource" | "demo"
    target: str
    line: int
    where: str
    owner: str | None = None  # the referring resource id, to catch self-references


@dataclass(frozen=True)
class Seen:
    """One value that must be unique within its group ("resource id", "resource rank"...)."""

    group: str
    value: Any
    line: int
    where: str


@dataclass(frozen=True)
class UrlUse:
    """A URL written in the catalogue, by whom."""

    url: str
    line: int
    owner: str


@dataclass
class Notes:
    """What the schema reader noted for the whole-catalogue rules."""

    refs: list[Ref] = field(default_factory=list)
    unique: list[Seen] = field(default_factory=list)
    urls: list[UrlUse] = field(default_factory=list)


@functools.cache
def known_demo_ids(registry: Path = DEMO_REGISTRY) -> tuple[str, ...]:
    """The demo ids the catalogue may name: ``DEMO_IDS`` in the demos registry, read with ``ast``.

    Reading the source instead of importing it keeps the validator free of the demo framework
    (and of NumPy and torch).

    Raises:
        AtlasError: the registry cannot be read or does not assign a literal ``DEMO_IDS``.
    """
    try:
        tree = ast.parse(registry.read_text(encoding="utf-8"), filename=str(registry))
    except (OSError, SyntaxError, ValueError) as err:
        raise AtlasError(f"{registry}: cannot read the demo ids: {err}") from err
    for stmt in tree.body:
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [getattr(stmt, "target", None)]
        value = getattr(stmt, "value", None)
        if value is None or not any(
            isinstance(t, ast.Name) and t.id == "DEMO_IDS" for t in targets
        ):
            continue
        try:
            ids = ast.literal_eval(value)
        except ValueError:
            break
        if isinstance(ids, (tuple, list)) and all(isinstance(i, str) for i in ids):
            return tuple(ids)
        break
    raise AtlasError(f"{registry}: DEMO_IDS must be assigned a literal tuple of strings")


def _repeats(items: Iterable[T], key: Callable[[T], Hashable]) -> Iterator[tuple[T, T]]:
    """Each item whose key an earlier item already had, with the first item that had it."""
    first: dict[Hashable, T] = {}
    for item in items:
        k = key(item)
        if k in first:
            yield item, first[k]
        else:
            first[k] = item


def _unique(notes: Notes) -> list[tuple[int, str]]:
    return [
        (
            seen.line,
            f"{seen.where}: duplicate {seen.group} {seen.value!r} "
            f"(first at line {earlier.line}, {earlier.where})",
        )
        for seen, earlier in _repeats(notes.unique, lambda seen: (seen.group, seen.value))
    ]


def _refs(notes: Notes, known: dict[str, set[str]]) -> list[tuple[int, str]]:
    found = []
    for ref in notes.refs:
        if ref.kind == "resource" and ref.owner and ref.target == ref.owner:
            found.append((ref.line, f"{ref.where}: a resource cannot be related to itself"))
        elif ref.target not in known[ref.kind]:
            hint = suggest(ref.target, known[ref.kind])
            found.append((ref.line, f"{ref.where}: unknown {ref.kind} '{ref.target}'{hint}"))
    return found


def _duplicate_urls(notes: Notes) -> list[tuple[int, str]]:
    return [
        (
            use.line,
            f"{use.owner}: URL {use.url} is already listed at line {earlier.line} "
            f"({earlier.owner}: {earlier.url})",
        )
        for use, earlier in _repeats(notes.urls, lambda use: normalise_url(use.url))
    ]


def check(
    notes: Notes, *, topics: set[str], resources: set[str], demos: tuple[str, ...]
) -> list[tuple[int, str]]:
    """Every whole-catalogue problem as ``(line, message)``.

    Args:
        notes: what the reader noted.
        topics: the topic ids the catalogue defines.
        resources: the resource ids it defines.
        demos: the demo ids that exist.
    """
    known = {"topic": topics, "resource": resources, "demo": set(demos)}
    return _unique(notes) + _refs(notes, known) + _duplicate_urls(notes)

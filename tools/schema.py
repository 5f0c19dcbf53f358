"""The catalogue's schema, written once, and the reader that checks a YAML node tree against it.

Each record (:data:`TOPIC`, :data:`RESOURCE`, :data:`ALTERNATE`, :data:`EXTRA`, :data:`QUESTION`,
:data:`PATH`, :data:`STEP`) is a list of :class:`Field` declarations: the key, the kind of value,
whether it is required or may be null, the allowed words (a :mod:`tools.vocab` enumeration), what it
refers to, what must be unique. :class:`Reader` checks keys (unknown, missing, duplicate), types and
choices from these declarations, reports every problem with its line, and hands each record's
values to a ``build`` callback (the model in :mod:`tools.catalog` makes its dataclasses from them).
The few rules that tie two fields together are in :meth:`Reader.record_rules`. ``tools.new``'s
skeleton and ARCHITECTURE.md's schema section are checked against these declarations.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from tools.crossrules import Notes, Ref, Seen, UrlUse
from tools.errors import Problem
from tools.hints import suggest
from tools.style import warnings as style_warnings
from tools.textrules import (
    ID_MAX,
    LINE_MAX,
    NAME_MAX,
    PARAGRAPHS_MAX,
    URL_MAX,
    has_placeholder,
    html_problem,
    layout_problem,
    length_problem,
    link_problem,
)
from tools.urls import url_problem
from tools.values import Added, Text, TextList, Year
from tools.vocab import Access, AlternateKind, ExtraKind, Labelled, Lang, Level, Mark, ResourceType

SUPPORTED_VERSION = 1
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
"""An id: lower-case letters and digits in words joined by single hyphens (a page URL)."""
ADDED_BOUNDS = ("on_or_before", "on_or_after")
LANGS = Lang.values()


class Kind(enum.Enum):
    """What a field holds."""

    SLUG = "slug"  # an id: a-z, 0-9 and single hyphens
    STRING = "string"  # one line of display text (a title, a name)
    URL = "url"  # an absolute http(s) URL
    INT = "int"  # an integer, 1 or more
    BOOL = "bool"
    CHOICE = "choice"  # one word of ``choices``
    CHOICES = "choices"  # a list of words of ``choices``
    STRINGS = "strings"  # a list of display strings (names)
    REF = "ref"  # the id of a ``ref`` (topic, resource, demo)
    REFS = "refs"  # a list of ids of ``ref``
    TEXT = "text"  # {ja: ..., en: ...}
    TEXT_LIST = "text list"  # {ja: [...], en: [...]} of equal length
    YEAR = "year"  # int, {approx: int} or null
    ADDED = "added"  # date, {on_or_before: date, on_or_after: date} or null
    RECORDS = "records"  # a list of ``record``


@dataclass(frozen=True)
class Field:
    """One key of a record, declared once."""

    name: str
    kind: Kind
    required: bool = True
    nullable: bool = False
    choices: type[Labelled] | None = None
    ref: str | None = None  # "topic" | "resource" | "demo"
    record: Record | None = None
    unique: str | None = None  # the uniqueness group ("resource id")
    at_least_one: str | None = None  # a list that must not be empty: the noun of its items
    not_self: bool = False  # a reference that may not name the record's own id
    multiline: bool = False
    limit: int | None = None
    in_skeleton: bool = True  # printed by ``python -m tools.new``
    style: bool = True  # Japanese prose checked by tools.style (not names and titles)


@dataclass(frozen=True)
class Record:
    """A mapping of declared fields; ``name`` is how messages and the model call it."""

    name: str
    fields: tuple[Field, ...]

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields if f.required)

    @property
    def optional(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields if not f.required)


TOPIC = Record(
    "topic",
    (
        Field("id", Kind.SLUG, unique="topic id"),
        Field("label", Kind.TEXT, limit=NAME_MAX, style=False),
    ),
)
ALTERNATE = Record(
    "alternate",
    (
        Field("url", Kind.URL),
        Field("kind", Kind.CHOICE, choices=AlternateKind),
        Field("lang", Kind.CHOICE, choices=Lang),
        Field("title", Kind.STRING, required=False, nullable=True),
        Field("note", Kind.TEXT, required=False, nullable=True),
    ),
)
RESOURCE = Record(
    "resource",
    (
        Field("id", Kind.SLUG, unique="resource id"),
        Field("number", Kind.INT, required=False, unique="resource number", in_skeleton=False),
        Field("rank", Kind.INT, required=False, nullable=True, unique="resource rank"),
        Field("title", Kind.STRING),
        Field("url", Kind.URL, nullable=True),
        Field("url_reason", Kind.TEXT, required=False, nullable=True, in_skeleton=False),
        Field("alternates", Kind.RECORDS, required=False, record=ALTERNATE, in_skeleton=False),
        Field("authors", Kind.STRINGS),
        Field("publisher", Kind.STRING, required=False, nullable=True, in_skeleton=False),
        Field("series", Kind.STRING, required=False, nullable=True, in_skeleton=False),
        Field("year", Kind.YEAR),
        Field("type", Kind.CHOICE, choices=ResourceType),
        Field("lang", Kind.CHOICE, choices=Lang),
        Field("access", Kind.CHOICE, choices=Access),
        Field("level", Kind.CHOICE, choices=Level),
        Field("topics", Kind.REFS, ref="topic", at_least_one="topic"),
        Field("marks", Kind.CHOICES, required=False, choices=Mark),
        Field("added", Kind.ADDED),
        Field("summary", Kind.TEXT),
        Field("why", Kind.TEXT),
        Field("highlights", Kind.TEXT_LIST),
        Field("caveats", Kind.TEXT_LIST, required=False),
        Field("status_note", Kind.TEXT, required=False, nullable=True, in_skeleton=False),
        Field("related", Kind.REFS, required=False, ref="resource", not_self=True),
        Field("demos", Kind.REFS, ref="demo", at_least_one="demo"),
    ),
)
EXTRA = Record(
    "extra",
    (
        Field("id", Kind.SLUG, unique="extra id"),
        Field("title", Kind.STRING),
        Field("url", Kind.URL),
        Field("kind", Kind.CHOICE, choices=ExtraKind),
        Field("lang", Kind.CHOICE, choices=Lang),
        Field("note", Kind.TEXT),
        Field("authors", Kind.STRINGS, required=False),
        Field("resource", Kind.REF, required=False, nullable=True, ref="resource"),
        Field("added", Kind.ADDED, required=False),
    ),
)
QUESTION = Record(
    "question",
    (
        Field("id", Kind.SLUG, unique="question id"),
        Field("number", Kind.INT, unique="question number"),
        Field("about", Kind.REFS, ref="resource"),
        Field("question", Kind.TEXT),
        Field("answer", Kind.TEXT, multiline=True, limit=PARAGRAPHS_MAX),
        Field("answered_in_article", Kind.BOOL),
        Field("demos", Kind.REFS, ref="demo"),
    ),
)
STEP = Record(
    "step",
    (
        Field("resource", Kind.REF, ref="resource"),
        Field("note", Kind.TEXT),
        Field("demo", Kind.REF, required=False, nullable=True, ref="demo"),
    ),
)
PATH = Record(
    "path",
    (
        Field("id", Kind.SLUG, unique="path id"),
        Field("title", Kind.TEXT, limit=NAME_MAX, style=False),
        Field("description", Kind.TEXT),
        Field("level", Kind.CHOICE, choices=Level),
        Field("steps", Kind.RECORDS, record=STEP, at_least_one="step"),
    ),
)
SECTIONS: tuple[tuple[str, Record], ...] = (
    ("topics", TOPIC),
    ("resources", RESOURCE),
    ("extras", EXTRA),
    ("questions", QUESTION),
    ("paths", PATH),
)
"""The top-level lists, in file order; with ``version`` they are the top-level keys."""
TOP_KEYS = ("version",) + tuple(key for key, _ in SECTIONS)

_PLAIN_TAGS = frozenset(
    "tag:yaml.org,2002:" + name for name in ("str", "int", "float", "bool", "null", "timestamp")
)
_TAG_NAMES = {
    "tag:yaml.org,2002:str": "a string",
    "tag:yaml.org,2002:int": "an integer",
    "tag:yaml.org,2002:float": "a number",
    "tag:yaml.org,2002:bool": "a boolean",
    "tag:yaml.org,2002:null": "null",
    "tag:yaml.org,2002:timestamp": "a date",
    "tag:yaml.org,2002:binary": "binary data",
    "tag:yaml.org,2002:seq": "a list",
    "tag:yaml.org,2002:map": "a mapping",
}
_NULL = "tag:yaml.org,2002:null"


def _describe(node: Node) -> str:
    if isinstance(node, ScalarNode):
        kind = _TAG_NAMES.get(node.tag, f"a value tagged {node.tag}")
        return kind if node.tag == _NULL else f"{kind} {node.value[:60]!r}"
    return _TAG_NAMES.get(node.tag, "a value")


def line(node: Node) -> int:
    """The 1-based line where ``node`` starts."""
    return node.start_mark.line + 1


def _empty_list(node: Node | None) -> bool:
    return isinstance(node, SequenceNode) and not node.value


def _is_null(node: Node | None) -> bool:
    return isinstance(node, ScalarNode) and node.tag == _NULL


def record_name(node: Node, kind: str, fallback: str) -> str:
    """How messages name a record: by its id when it has a usable one, else by position."""
    if isinstance(node, MappingNode):
        for key, value in node.value:
            if (
                isinstance(key, ScalarNode)
                and key.value == "id"
                and isinstance(value, ScalarNode)
                and value.tag == "tag:yaml.org,2002:str"
                and value.value.strip()
            ):
                return f"{kind} '{value.value}'"
    return fallback


class _Bad:
    """A value that could not be read; the problem is already reported."""


BAD = _Bad()


@dataclass
class Entries:
    """The checked keys of one YAML mapping: key -> (key node, value node)."""

    node: MappingNode
    where: str
    items: dict[str, tuple[Node, Node]] = field(default_factory=dict)

    def has(self, key: str) -> bool:
        return key in self.items

    def value(self, key: str) -> Node | None:
        found = self.items.get(key)
        return found[1] if found else None

    def key_line(self, key: str) -> int:
        found = self.items.get(key)
        return line(found[0]) if found else line(self.node)


Build = Callable[[str, dict[str, Any]], Any]
"""Makes a model record from a record's name and its values (``line``, ``lines`` included)."""


class Reader:
    """Walks the node tree against the declarations, collecting problems and notes."""

    def __init__(self, path: str, today: dt.date, build: Build) -> None:
        self.path = path
        self.today = today
        self.build = build
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []
        self.notes = Notes()
        self.constructor = yaml.SafeLoader("")

    def report(self, at: int, message: str) -> None:
        self.problems.append(Problem(self.path, at, message))

    # -- the file and its records ------------------------------------------------------------

    def catalogue(self, root: Node) -> dict[str, Any] | None:
        """The top-level mapping: ``version`` and each section's built records."""
        top = self.entries(root, "the catalogue", TOP_KEYS)
        if top is None:
            return None
        version_node = top.value("version")
        if version_node is not None:
            version = self.integer(version_node, "version")
            if version is not None and version != SUPPORTED_VERSION:
                self.report(
                    line(version_node), f"version must be {SUPPORTED_VERSION}, not {version}"
                )
        sections = {}
        for key, spec in SECTIONS:
            built = []
            for index, item in enumerate(self.sequence(top.value(key), key)):
                where = record_name(item, spec.name, f"{key}[{index}]")
                record = self.record(item, spec, where)
                if record is not None:
                    built.append(record)
            sections[key] = tuple(built)
        return sections

    def record(self, node: Node, spec: Record, where: str, owner: str | None = None) -> Any:
        """One record: its keys checked, every field read, the model record built (or None)."""
        found = self.entries(node, where, spec.required, spec.optional)
        if found is None:
            return None
        owner = owner or where
        values: dict[str, Any] = {}
        for f in spec.fields:
            values[f.name] = self.field(found, f, where, owner, values)
        self.record_rules(spec, found, values, where)
        values["line"] = line(node)
        if spec in (RESOURCE, EXTRA):
            values["lines"] = {key: found.key_line(key) for key in found.items}
        return self.build(spec.name, values)

    def field(
        self, found: Entries, f: Field, where: str, owner: str, values: dict[str, Any]
    ) -> Any:
        """The value of one declared field (its empty value when absent or unreadable)."""
        node = found.value(f.name)
        label = f"{where} {f.name}"
        kind = f.kind
        if node is not None and f.nullable and _is_null(node) and kind is not Kind.URL:
            return None
        if kind is Kind.SLUG:
            value = self.slug(node, label)
        elif kind is Kind.STRING:
            value = self.string(node, label)
        elif kind is Kind.URL:
            value = self.url(node, label, owner, nullable=f.nullable)
        elif kind is Kind.INT:
            value = self.integer(node, label, nullable=f.nullable)
        elif kind is Kind.BOOL:
            value = self.boolean(node, label)
        elif kind is Kind.CHOICE:
            assert f.choices is not None
            value = self.choice(node, label, f.choices.values())
        elif kind is Kind.CHOICES:
            assert f.choices is not None
            value = tuple(
                word
                for i, item in enumerate(self.sequence(node, label))
                if (word := self.choice(item, f"{label}[{i}]", f.choices.values()))
            )
        elif kind is Kind.STRINGS:
            value = tuple(text for text, _ in self.strings(node, label))
        elif kind is Kind.REF:
            value = self.string(node, label, display=False, limit=ID_MAX)
            if value is not None and node is not None:
                self.refer(f.ref or "", [(value, line(node))], label)
        elif kind is Kind.REFS:
            items = self.strings(node, label, limit=ID_MAX)
            self.refer(f.ref or "", items, label, owner=values.get("id") if f.not_self else None)
            value = tuple(text for text, _ in items)
        elif kind is Kind.TEXT:
            value = self.text(
                node, label, multiline=f.multiline, limit=f.limit or LINE_MAX, style=f.style
            ) or (None if f.nullable else Text("", ""))
        elif kind is Kind.TEXT_LIST:
            value = self.text_list(node, label)
        elif kind is Kind.YEAR:
            value = self.year(node, label)
        elif kind is Kind.ADDED:
            value = self.added(node, label)
        elif kind is Kind.RECORDS:
            assert f.record is not None
            value = tuple(
                rec
                for i, item in enumerate(self.sequence(node, label))
                if (rec := self.record(item, f.record, f"{label}[{i}]", owner)) is not None
            )
        else:  # pragma: no cover - every kind is handled above
            raise AssertionError(kind)
        if f.at_least_one and _empty_list(node):
            self.report(found.key_line(f.name), f"{label} must list at least one {f.at_least_one}")
        if f.unique and value is not None:
            at = line(node) if node is not None and f.kind is Kind.SLUG else found.key_line(f.name)
            self.notes.unique.append(Seen(f.unique, value, at, where))
        if value is None and not f.nullable:
            if kind in (Kind.SLUG, Kind.STRING, Kind.URL, Kind.REF):
                return ""
            if kind is Kind.INT and f.required:
                return 0
        return value

    def record_rules(
        self, spec: Record, found: Entries, values: dict[str, Any], where: str
    ) -> None:
        """Rules that tie fields of one record together (beyond what a declaration says)."""
        if spec is RESOURCE:
            url_null = found.has("url") and _is_null(found.value("url"))
            reason_node = found.value("url_reason")
            has_reason = reason_node is not None and not _is_null(reason_node)
            if url_null and not has_reason:
                self.report(
                    found.key_line("url"),
                    f"{where}: url is null, so url_reason is required (why the link is lost, "
                    "how readers can help)",
                )
            elif found.has("url") and not url_null and has_reason:
                self.report(
                    found.key_line("url_reason"),
                    f"{where}: url_reason is only allowed when url is null",
                )

    # -- generic readers -------------------------------------------------------------------

    def scalar(self, node: Node, where: str = "") -> Any:
        """The Python value of a scalar node, or BAD (reported) when it cannot be built."""
        if not isinstance(node, ScalarNode):
            return BAD
        if node.tag not in _PLAIN_TAGS:
            shown = node.tag.replace("tag:yaml.org,2002:", "!!")
            self.report(line(node), f"unsupported YAML tag '{shown[:60]}'")
            return BAD
        try:
            return self.constructor.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError, TypeError, OverflowError) as err:
            if node.tag == "tag:yaml.org,2002:timestamp":
                place = f" in {where}" if where else ""
                self.report(line(node), f"invalid date {node.value!r}{place} (expected YYYY-MM-DD)")
            else:
                self.report(line(node), f"cannot read value {node.value[:60]!r}: {err}")
            return BAD

    def entries(
        self,
        node: Node,
        where: str,
        required: tuple[str, ...],
        optional: tuple[str, ...] = (),
    ) -> Entries | None:
        """Check a mapping's keys (duplicates, unknown, missing) and index them."""
        if not isinstance(node, MappingNode):
            self.report(line(node), f"{where} must be a mapping, not {_describe(node)}")
            return None
        allowed = required + optional
        found = Entries(node, where)
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                self.report(line(key_node), f"{where}: merge keys (<<) are not supported")
                continue
            key = self.scalar(key_node) if isinstance(key_node, ScalarNode) else BAD
            if not isinstance(key, str):
                self.report(
                    line(key_node), f"{where}: keys must be names, not {_describe(key_node)}"
                )
                continue
            if key in found.items:
                first = found.key_line(key)
                self.report(
                    line(key_node), f"{where}: duplicate key '{key}' (first at line {first})"
                )
                continue
            found.items[key] = (key_node, value_node)
            if key not in allowed:
                self.report(line(key_node), f"{where}: unknown key '{key}'{suggest(key, allowed)}")
        for key in required:
            if key not in found.items:
                self.report(line(node), f"{where}: missing required field '{key}'")
        return found

    def sequence(self, node: Node | None, where: str) -> list[Node]:
        if node is None:
            return []
        if _is_null(node):
            self.report(line(node), f"{where} must be a list (use [] for none), not null")
            return []
        if not isinstance(node, SequenceNode):
            self.report(line(node), f"{where} must be a list, not {_describe(node)}")
            return []
        return list(node.value)

    def string(
        self,
        node: Node | None,
        where: str,
        *,
        display: bool = True,
        multiline: bool = False,
        limit: int = NAME_MAX,
    ) -> str | None:
        """A required string: one line unless ``multiline``, at most ``limit`` characters.

        Display strings are also checked for raw HTML, unsafe links and placeholders.
        """
        if node is None:
            return None
        value = self.scalar(node)
        if value is BAD:
            if not isinstance(node, ScalarNode):
                self.report(line(node), f"{where} must be a string, not {_describe(node)}")
            return None
        if not isinstance(value, str):
            self.report(line(node), f"{where} must be a string, not {_describe(node)}")
            return None
        if not value.strip():
            self.report(line(node), f"{where} is empty")
            return value
        for problem in (layout_problem(value, multiline=multiline), length_problem(value, limit)):
            if problem:
                self.report(line(node), f"{where} {problem}")
        if display:
            self.check_prose(value, node, where)
        return value

    def check_prose(self, value: str, node: Node, where: str) -> None:
        found = html_problem(value)
        if found:
            self.report(line(node), f"raw HTML in {where} ({found!r}): write Markdown instead")
        link = link_problem(value)
        if link:
            self.report(line(node), f"unsafe link {link!r} in {where}: only http(s) and mailto")
        if has_placeholder(value):
            self.report(line(node), f"placeholder text left in {where}")

    def slug(self, node: Node | None, where: str) -> str | None:
        value = self.string(node, where, display=False, limit=ID_MAX)
        if value is not None and not SLUG.match(value):
            self.report(
                line(node), f"{where} {value!r} must be a slug (a-z, 0-9 and single hyphens)"
            )
        return value

    def integer(
        self, node: Node | None, where: str, *, nullable: bool = False, minimum: int = 1
    ) -> int | None:
        if node is None:
            return None
        if nullable and _is_null(node):
            return None
        value = self.scalar(node)
        if value is BAD and not isinstance(node, ScalarNode):
            value = None
        if isinstance(value, bool) or not isinstance(value, int):
            if value is not BAD:
                allowed = "an integer or null" if nullable else "an integer"
                self.report(line(node), f"{where} must be {allowed}, not {_describe(node)}")
            return None
        if value < minimum:
            self.report(line(node), f"{where} must be {minimum} or more, not {value}")
        return value

    def boolean(self, node: Node | None, where: str) -> bool:
        if node is None:
            return False
        value = self.scalar(node)
        if not isinstance(value, bool):
            if value is not BAD or not isinstance(node, ScalarNode):
                self.report(line(node), f"{where} must be true or false, not {_describe(node)}")
            return False
        return value

    def choice(self, node: Node | None, where: str, allowed: tuple[str, ...]) -> str:
        value = self.string(node, where, display=False, limit=ID_MAX)
        if value is None:
            return ""
        if value not in allowed:
            self.report(
                line(node),
                f"{where} must be one of {', '.join(allowed)}, not {value!r}"
                + suggest(value, allowed),
            )
        return value

    def date(self, node: Node | None, where: str) -> dt.date | None:
        if node is None or _is_null(node):
            return None
        value = self.scalar(node, where)
        if value is BAD:
            if not isinstance(node, ScalarNode):
                self.report(line(node), f"{where} must be a date, not {_describe(node)}")
            return None
        if isinstance(value, str):
            try:
                value = dt.date.fromisoformat(value.strip())
            except ValueError:
                self.report(
                    line(node), f"invalid date {value[:60]!r} in {where} (expected YYYY-MM-DD)"
                )
                return None
        if isinstance(value, dt.datetime):
            self.report(line(node), f"{where} must be a date without a time, not {node.value!r}")
            return value.date()
        if not isinstance(value, dt.date):
            self.report(line(node), f"{where} must be a date (YYYY-MM-DD), not {_describe(node)}")
            return None
        if value > self.today:
            self.report(line(node), f"{where} {value.isoformat()} is in the future")
        return value

    def year(self, node: Node | None, where: str) -> Year:
        """A year: an integer, null (unknown) or ``{approx: YEAR}`` (approximate)."""
        if node is None or _is_null(node):
            return Year()
        approximate = isinstance(node, MappingNode)
        if approximate:
            found = self.entries(node, where, ("approx",))
            node = found.value("approx") if found else None
            if node is None:
                return Year()
            where = f"{where} approx"
        elif not isinstance(node, ScalarNode):
            self.report(
                line(node),
                f"{where} must be an integer, null or {{approx: YEAR}}, not {_describe(node)}",
            )
            return Year()
        value = self.scalar(node)
        if isinstance(value, bool) or not isinstance(value, int):
            if value is not BAD:
                allowed = "an integer" if approximate else "an integer, null or {approx: YEAR}"
                self.report(line(node), f"{where} must be {allowed}, not {_describe(node)}")
            return Year()
        if value < 1900:
            self.report(line(node), f"{where} must be 1900 or more, not {value}")
        elif value > self.today.year:
            self.report(line(node), f"{where} {value} is in the future")
        return Year(value, approximate)

    def added(self, node: Node | None, where: str) -> Added:
        """A date, null (unknown) or bounds ``{on_or_before: DATE, on_or_after: DATE}``."""
        if node is None or _is_null(node):
            return Added()
        if isinstance(node, SequenceNode):
            self.report(
                line(node),
                f"{where} must be a date, null or a mapping with on_or_before and/or "
                f"on_or_after, not {_describe(node)}",
            )
            return Added()
        if isinstance(node, ScalarNode):
            return Added(exact=self.date(node, where))
        found = self.entries(node, where, (), ADDED_BOUNDS)
        if found is None:
            return Added()
        if not found.items:
            self.report(line(node), f"{where} needs on_or_before and/or on_or_after (or use null)")
            return Added()
        before = self.date(found.value("on_or_before"), f"{where} on_or_before")
        after = self.date(found.value("on_or_after"), f"{where} on_or_after")
        if before and after and after > before:
            self.report(
                line(node),
                f"{where}: on_or_after {after.isoformat()} is later than on_or_before "
                f"{before.isoformat()}",
            )
        return Added(on_or_before=before, on_or_after=after)

    def text(
        self,
        node: Node | None,
        where: str,
        *,
        multiline: bool = False,
        limit: int = LINE_MAX,
        style: bool = True,
    ) -> Text | None:
        """A bilingual text ``{ja: ..., en: ...}``, both present and non-empty."""
        if node is None:
            return None
        found = self.entries(node, where, LANGS)
        if found is None:
            return None
        ja = self.string(found.value("ja"), f"{where}.ja", multiline=multiline, limit=limit)
        if ja and style:
            self.style(ja, found.value("ja"), f"{where}.ja")
        en = self.string(found.value("en"), f"{where}.en", multiline=multiline, limit=limit)
        return Text(ja or "", en or "")

    def text_list(self, node: Node | None, where: str) -> TextList:
        """Bilingual bullet lists ``{ja: [...], en: [...]}`` of equal length."""
        if node is None:
            return TextList((), ())
        found = self.entries(node, where, LANGS)
        if found is None:
            return TextList((), ())
        by_lang: dict[str, tuple[str, ...]] = {}
        for lang in LANGS:
            items = self.sequence(found.value(lang), f"{where}.{lang}")
            texts = []
            for i, item in enumerate(items):
                texts.append(self.string(item, f"{where}.{lang}[{i}]", limit=LINE_MAX))
                if lang == "ja" and texts[-1]:
                    self.style(texts[-1], item, f"{where}.ja[{i}]")
            by_lang[lang] = tuple(t or "" for t in texts)
        ja, en = by_lang["ja"], by_lang["en"]
        if found.has("ja") and found.has("en") and len(ja) != len(en):
            self.report(
                line(found.node),
                f"{where} has {len(ja)} ja item(s) but {len(en)} en item(s): "
                "each point needs both languages",
            )
        return TextList(ja, en)

    def strings(
        self, node: Node | None, where: str, *, limit: int = NAME_MAX
    ) -> list[tuple[str, int]]:
        """A list of strings, each with its line."""
        found: list[tuple[str, int]] = []
        for i, item in enumerate(self.sequence(node, where)):
            value = self.string(item, f"{where}[{i}]", limit=limit)
            if value is not None:
                found.append((value, line(item)))
        return found

    def style(self, text: str, node: Node | None, where: str) -> None:
        """Note the style warnings of one Japanese text (they never make the file invalid)."""
        at = line(node) if node is not None else 0
        self.warnings.extend(
            Problem(self.path, at, f"{where}: {message}") for message in style_warnings(text)
        )

    def url(
        self, node: Node | None, where: str, owner: str, *, nullable: bool = False
    ) -> str | None:
        if node is None or (nullable and _is_null(node)):
            return None
        value = self.string(node, where, display=False, limit=URL_MAX)
        if value is None:
            return None
        problem = url_problem(value)
        if problem:
            self.report(line(node), f"{where} {value!r} is not an absolute http(s) URL: {problem}")
        else:
            self.notes.urls.append(UrlUse(value, line(node), owner))
        return value

    def refer(
        self, kind: str, items: list[tuple[str, int]], where: str, owner: str | None = None
    ) -> None:
        self.notes.refs.extend(Ref(kind, value, at, where, owner) for value, at in items)

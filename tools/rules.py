"""Validation rules for ``resources.yaml``: read the YAML node tree, build records, collect problems.

The file is composed (not loaded) with PyYAML's safe loader so every key and value keeps its line.
A :class:`_Reader` walks the tree section by section, checking shapes, types and allowed values
while it builds the :mod:`tools.catalog` records; what needs the whole file (unique ids, references,
duplicate URLs) is checked afterwards from what the reader noted on the way. Nothing here raises
for bad content: every problem becomes a :class:`~tools.catalog.Problem`.
"""

from __future__ import annotations

import ast
import datetime as dt
import difflib
import functools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from tools.catalog import (
    ACCESS,
    ALTERNATE_KINDS,
    EXTRA_KINDS,
    LANGS,
    LEVELS,
    MARKS,
    RESOURCE_TYPES,
    Added,
    Alternate,
    Catalogue,
    CatalogueReadError,
    Extra,
    LearningPath,
    PathStep,
    Problem,
    Question,
    Resource,
    Text,
    TextList,
    Topic,
    Year,
)
from tools.errors import AtlasError
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
from tools.yamlsource import MAX_FILE_BYTES, parse

SUPPORTED_VERSION = 1
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

TOP_KEYS = ("version", "topics", "resources", "extras", "questions", "paths")
TOPIC_REQUIRED = ("id", "label")
RESOURCE_REQUIRED = (
    "id",
    "title",
    "url",
    "authors",
    "year",
    "type",
    "lang",
    "access",
    "level",
    "topics",
    "added",
    "summary",
    "why",
    "highlights",
    "demos",
)
RESOURCE_OPTIONAL = (
    "number",
    "rank",
    "url_reason",
    "alternates",
    "publisher",
    "series",
    "marks",
    "caveats",
    "status_note",
    "related",
)
ALTERNATE_REQUIRED = ("url", "kind", "lang")
ALTERNATE_OPTIONAL = ("title", "note")
EXTRA_REQUIRED = ("id", "title", "url", "kind", "lang", "note")
EXTRA_OPTIONAL = ("authors", "resource", "added")
QUESTION_REQUIRED = (
    "id",
    "number",
    "about",
    "question",
    "answer",
    "answered_in_article",
    "demos",
)
PATH_REQUIRED = ("id", "title", "description", "level", "steps")
STEP_REQUIRED = ("resource", "note")
STEP_OPTIONAL = ("demo",)
ADDED_BOUNDS = ("on_or_before", "on_or_after")

TRACKING_PARAMS = frozenset(
    {"fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "igshid", "mc_cid"}
    | {"mc_eid", "_ga", "_gl", "ref_src", "ref_url", "si", "spm", "share", "sharing"}
)
DEFAULT_PORTS = {"http": 80, "https": 443}

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


DEMO_REGISTRY = Path(__file__).resolve().parent.parent / "demos" / "registry.py"


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


def normalise_url(url: str) -> str:
    """A comparison key for ``url``: two URLs with the same key point at the same page.

    Lower-cases scheme and host, treats http and https alike, drops default ports, user info,
    the fragment, tracking parameters (``utm_*``, ``fbclid``...) and trailing slashes, sorts the
    query and settles percent-encoding.

    Args:
        url: an absolute http(s) URL (anything else is returned stripped, unchanged otherwise).

    Returns:
        The normalised form, only meant for comparison.
    """
    text = url.strip()
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        return text
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname:
        return text
    host = parts.hostname.lower().rstrip(".")
    if port is not None and port != DEFAULT_PORTS[scheme]:
        host = f"{host}:{port}"
    path = quote(unquote(parts.path), safe="/:@!$&'()*+,;=-._~")
    path = re.sub(r"/{2,}", "/", path).rstrip("/")
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not k.lower().startswith("utm_") and k.lower() not in TRACKING_PARAMS
    ]
    return urlunsplit(("https", host, path, urlencode(sorted(query)), ""))


def url_problem(url: str) -> str | None:
    """Why ``url`` is not an absolute http(s) URL (a short phrase), or None when it is one."""
    if any(ch.isspace() for ch in url):
        return "it contains whitespace"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError as err:
        return f"it is malformed ({err})"
    if not parts.scheme:
        return "it is relative"
    if parts.scheme.lower() not in DEFAULT_PORTS:
        return f"its scheme is '{parts.scheme}:'"
    if not parts.hostname:
        return "it has no host"
    return None


def suggest(word: str, options: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for the closest option, or an empty string."""
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _describe(node: Node, value: Any = None) -> str:
    if isinstance(node, ScalarNode):
        kind = _TAG_NAMES.get(node.tag, f"a value tagged {node.tag}")
        return kind if node.tag == "tag:yaml.org,2002:null" else f"{kind} {node.value!r}"
    return _TAG_NAMES.get(node.tag, "a value")


def _line(node: Node) -> int:
    return node.start_mark.line + 1


def _empty_list(node: Node | None) -> bool:
    return isinstance(node, SequenceNode) and not node.value


def _where(node: Node, kind: str, fallback: str) -> str:
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
class _Entries:
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
        return _line(found[0]) if found else _line(self.node)


@dataclass
class _Ref:
    kind: str  # "topic" | "resource" | "demo"
    target: str
    line: int
    where: str
    owner: str | None = None  # the referring resource id, to catch self-references


@dataclass
class _Seen:
    """One value that must be unique within its group."""

    group: str
    value: Any
    line: int
    where: str


class _Reader:
    """Walks the node tree, builds the records and collects problems."""

    def __init__(self, path: str, today: dt.date, demo_ids: tuple[str, ...]) -> None:
        self.path = path
        self.today = today
        self.demo_ids = demo_ids
        self.problems: list[Problem] = []
        self.refs: list[_Ref] = []
        self.unique: list[_Seen] = []
        self.urls: list[tuple[str, int, str]] = []
        self.constructor = yaml.SafeLoader("")

    def report(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.path, line, message))

    # -- generic readers -------------------------------------------------------------------

    def scalar(self, node: Node, where: str = "") -> Any:
        """The Python value of a scalar node, or BAD (reported) when it cannot be built."""
        if not isinstance(node, ScalarNode):
            return BAD
        if node.tag not in _PLAIN_TAGS:
            shown = node.tag.replace("tag:yaml.org,2002:", "!!")
            self.report(_line(node), f"unsupported YAML tag '{shown}'")
            return BAD
        try:
            return self.constructor.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError, TypeError, OverflowError) as err:
            if node.tag == "tag:yaml.org,2002:timestamp":
                place = f" in {where}" if where else ""
                self.report(
                    _line(node), f"invalid date {node.value!r}{place} (expected YYYY-MM-DD)"
                )
            else:
                self.report(_line(node), f"cannot read value {node.value!r}: {err}")
            return BAD

    def entries(
        self,
        node: Node,
        where: str,
        required: tuple[str, ...],
        optional: tuple[str, ...] = (),
    ) -> _Entries | None:
        """Check a mapping's keys (duplicates, unknown, missing) and index them."""
        if not isinstance(node, MappingNode):
            self.report(_line(node), f"{where} must be a mapping, not {_describe(node)}")
            return None
        allowed = required + optional
        found = _Entries(node, where)
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                self.report(_line(key_node), f"{where}: merge keys (<<) are not supported")
                continue
            key = (
                self.scalar(key_node)
                if isinstance(key_node, ScalarNode)
                else BAD
                if isinstance(key_node, ScalarNode)
                else BAD
            )
            if not isinstance(key, str):
                self.report(_line(key_node), f"{where}: keys must be names, not {key_node.value!r}")
                continue
            if key in found.items:
                first = found.key_line(key)
                self.report(
                    _line(key_node), f"{where}: duplicate key '{key}' (first at line {first})"
                )
                continue
            found.items[key] = (key_node, value_node)
            if key not in allowed:
                self.report(_line(key_node), f"{where}: unknown key '{key}'{suggest(key, allowed)}")
        missing = [k for k in required if k not in found.items]
        for key in missing:
            self.report(_line(node), f"{where}: missing required field '{key}'")
        return found

    def sequence(self, node: Node | None, where: str) -> list[Node]:
        if node is None:
            return []
        if isinstance(node, ScalarNode) and node.tag == "tag:yaml.org,2002:null":
            self.report(_line(node), f"{where} must be a list (use [] for none), not null")
            return []
        if not isinstance(node, SequenceNode):
            self.report(_line(node), f"{where} must be a list, not {_describe(node)}")
            return []
        return list(node.value)

    def string(
        self,
        node: Node | None,
        where: str,
        *,
        display: bool = True,
        empty_ok: bool = False,
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
                self.report(_line(node), f"{where} must be a string, not {_describe(node)}")
            return None
        if not isinstance(value, str):
            self.report(_line(node), f"{where} must be a string, not {_describe(node)}")
            return None
        if not value.strip() and not empty_ok:
            self.report(_line(node), f"{where} is empty")
            return value
        for problem in (layout_problem(value, multiline=multiline), length_problem(value, limit)):
            if problem:
                self.report(_line(node), f"{where} {problem}")
        if display:
            self.check_prose(value, node, where)
        return value

    def check_prose(self, value: str, node: Node, where: str) -> None:
        found = html_problem(value)
        if found:
            self.report(_line(node), f"raw HTML in {where} ({found!r}): write Markdown instead")
        link = link_problem(value)
        if link:
            self.report(_line(node), f"unsafe link {link!r} in {where}: only http(s) and mailto")
        if has_placeholder(value):
            self.report(_line(node), f"placeholder text left in {where}")

    def slug(self, node: Node | None, where: str) -> str | None:
        value = self.string(node, where, display=False, limit=ID_MAX)
        if value is not None and not SLUG.match(value):
            self.report(
                _line(node), f"{where} {value!r} must be a slug (a-z, 0-9 and single hyphens)"
            )
        return value

    def optional_string(self, node: Node | None, where: str) -> str | None:
        if node is None or self.is_null(node):
            return None
        return self.string(node, where)

    def is_null(self, node: Node) -> bool:
        return isinstance(node, ScalarNode) and node.tag == "tag:yaml.org,2002:null"

    def integer(
        self, node: Node | None, where: str, *, nullable: bool = False, minimum: int = 1
    ) -> int | None:
        if node is None:
            return None
        if nullable and self.is_null(node):
            return None
        value = self.scalar(node)
        if value is BAD and not isinstance(node, ScalarNode):
            value = None
        if isinstance(value, bool) or not isinstance(value, int):
            if value is not BAD:
                allowed = "an integer or null" if nullable else "an integer"
                self.report(_line(node), f"{where} must be {allowed}, not {_describe(node)}")
            return None
        if value < minimum:
            self.report(_line(node), f"{where} must be {minimum} or more, not {value}")
        return value

    def boolean(self, node: Node | None, where: str) -> bool:
        if node is None:
            return False
        value = self.scalar(node)
        if not isinstance(value, bool):
            if value is not BAD or not isinstance(node, ScalarNode):
                self.report(_line(node), f"{where} must be true or false, not {_describe(node)}")
            return False
        return value

    def choice(self, node: Node | None, where: str, allowed: tuple[str, ...]) -> str:
        value = self.string(node, where, display=False, limit=ID_MAX)
        if value is None:
            return ""
        if value not in allowed:
            self.report(
                _line(node),
                f"{where} must be one of {', '.join(allowed)}, not {value!r}"
                + suggest(value, allowed),
            )
        return value

    def date(self, node: Node | None, where: str) -> dt.date | None:
        if node is None or self.is_null(node):
            return None
        value = self.scalar(node, where)
        if value is BAD:
            if not isinstance(node, ScalarNode):
                self.report(_line(node), f"{where} must be a date, not {_describe(node)}")
            return None
        if isinstance(value, str):
            try:
                value = dt.date.fromisoformat(value.strip())
            except ValueError:
                self.report(_line(node), f"invalid date {value!r} in {where} (expected YYYY-MM-DD)")
                return None
        if isinstance(value, dt.datetime):
            self.report(_line(node), f"{where} must be a date without a time, not {node.value!r}")
            return value.date()
        if not isinstance(value, dt.date):
            self.report(_line(node), f"{where} must be a date (YYYY-MM-DD), not {_describe(node)}")
            return None
        if value > self.today:
            self.report(_line(node), f"{where} {value.isoformat()} is in the future")
        return value

    def year(self, node: Node | None, where: str) -> Year:
        """A year: an integer, null (unknown) or ``{approx: YEAR}`` (approximate)."""
        if node is None or self.is_null(node):
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
                _line(node),
                f"{where} must be an integer, null or {{approx: YEAR}}, not {_describe(node)}",
            )
            return Year()
        value = self.scalar(node)
        if isinstance(value, bool) or not isinstance(value, int):
            if value is not BAD:
                allowed = "an integer" if approximate else "an integer, null or {approx: YEAR}"
                self.report(_line(node), f"{where} must be {allowed}, not {_describe(node)}")
            return Year()
        if value < 1900:
            self.report(_line(node), f"{where} must be 1900 or more, not {value}")
        elif value > self.today.year:
            self.report(_line(node), f"{where} {value} is in the future")
        return Year(value, approximate)

    def added(self, node: Node | None, where: str) -> Added:
        """A date, null (unknown) or bounds ``{on_or_before: DATE, on_or_after: DATE}``."""
        if node is None or self.is_null(node):
            return Added()
        if isinstance(node, SequenceNode):
            self.report(
                _line(node),
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
            self.report(_line(node), f"{where} needs on_or_before and/or on_or_after (or use null)")
            return Added()
        before = self.date(found.value("on_or_before"), f"{where} on_or_before")
        after = self.date(found.value("on_or_after"), f"{where} on_or_after")
        if before and after and after > before:
            self.report(
                _line(node),
                f"{where}: on_or_after {after.isoformat()} is later than on_or_before "
                f"{before.isoformat()}",
            )
        return Added(on_or_before=before, on_or_after=after)

    def text(
        self, node: Node | None, where: str, *, multiline: bool = False, limit: int = LINE_MAX
    ) -> Text | None:
        """A bilingual text ``{ja: ..., en: ...}``, both present and non-empty."""
        if node is None:
            return None
        found = self.entries(node, where, LANGS)
        if found is None:
            return None
        ja = self.string(found.value("ja"), f"{where}.ja", multiline=multiline, limit=limit)
        en = self.string(found.value("en"), f"{where}.en", multiline=multiline, limit=limit)
        return Text(ja or "", en or "")

    def optional_text(self, node: Node | None, where: str) -> Text | None:
        if node is None or self.is_null(node):
            return None
        return self.text(node, where)

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
            texts = [
                self.string(item, f"{where}.{lang}[{i}]", limit=LINE_MAX)
                for i, item in enumerate(items)
            ]
            by_lang[lang] = tuple(t or "" for t in texts)
        ja, en = by_lang["ja"], by_lang["en"]
        if found.has("ja") and found.has("en") and len(ja) != len(en):
            self.report(
                _line(found.node),
                f"{where} has {len(ja)} ja item(s) but {len(en)} en item(s): "
                "each point needs both languages",
            )
        return TextList(ja, en)

    def strings(
        self, node: Node | None, where: str, *, slug: bool = False
    ) -> list[tuple[str, int]]:
        """A list of strings, each with its line (slug lists are ids)."""
        found: list[tuple[str, int]] = []
        for i, item in enumerate(self.sequence(node, where)):
            read = self.slug if slug else self.string
            value = read(item, f"{where}[{i}]")
            if value is not None:
                found.append((value, _line(item)))
        return found

    def url(
        self, node: Node | None, where: str, owner: str, *, nullable: bool = False
    ) -> str | None:
        if node is None or (nullable and self.is_null(node)):
            return None
        value = self.string(node, where, display=False, limit=URL_MAX)
        if value is None:
            return None
        problem = url_problem(value)
        if problem:
            self.report(_line(node), f"{where} {value!r} is not an absolute http(s) URL: {problem}")
        else:
            self.urls.append((value, _line(node), owner))
        return value

    def refs_to(
        self, kind: str, items: list[tuple[str, int]], where: str, owner: str | None = None
    ) -> None:
        self.refs.extend(_Ref(kind, value, line, where, owner) for value, line in items)

    def remember(self, group: str, value: Any, line: int, where: str) -> None:
        if value is not None:
            self.unique.append(_Seen(group, value, line, where))

    # -- sections --------------------------------------------------------------------------

    def section(self, top: _Entries, key: str, read: Callable[[Node, int], Any]) -> tuple:
        built = []
        for index, item in enumerate(self.sequence(top.value(key), key)):
            record = read(item, index)
            if record is not None:
                built.append(record)
        return tuple(built)

    def topic(self, node: Node, index: int) -> Topic | None:
        where = _where(node, "topic", f"topics[{index}]")
        found = self.entries(node, where, TOPIC_REQUIRED)
        if found is None:
            return None
        tid = self.slug(found.value("id"), f"{where} id")
        self.remember("topic id", tid, _line(found.value("id") or node), where)
        label = self.text(found.value("label"), f"{where} label")
        return Topic(tid or "", label or Text("", ""), line=_line(node))

    def resource(self, node: Node, index: int) -> Resource | None:
        where = _where(node, "resource", f"resources[{index}]")
        found = self.entries(node, where, RESOURCE_REQUIRED, RESOURCE_OPTIONAL)
        if found is None:
            return None
        rid = self.slug(found.value("id"), f"{where} id")
        get = found.value
        self.remember("resource id", rid, _line(get("id") or node), where)
        number = self.integer(get("number"), f"{where} number")
        self.remember("resource number", number, found.key_line("number"), where)
        rank = self.integer(get("rank"), f"{where} rank", nullable=True)
        self.remember("resource rank", rank, found.key_line("rank"), where)
        title = self.string(get("title"), f"{where} title")
        url = self.url(get("url"), f"{where} url", where, nullable=True)
        reason = self.optional_text(get("url_reason"), f"{where} url_reason")
        url_null = found.has("url") and self.is_null(found.items["url"][1])
        has_reason = found.has("url_reason") and not self.is_null(found.items["url_reason"][1])
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
        alternates = tuple(
            a
            for i, item in enumerate(self.sequence(get("alternates"), f"{where} alternates"))
            if (a := self.alternate(item, f"{where} alternates[{i}]", where)) is not None
        )
        authors = self.strings(get("authors"), f"{where} authors")
        publisher = self.optional_string(get("publisher"), f"{where} publisher")
        series = self.optional_string(get("series"), f"{where} series")
        year = self.year(get("year"), f"{where} year")
        type_ = self.choice(get("type"), f"{where} type", RESOURCE_TYPES)
        lang = self.choice(get("lang"), f"{where} lang", LANGS)
        access = self.choice(get("access"), f"{where} access", ACCESS)
        level = self.choice(get("level"), f"{where} level", LEVELS)
        topics = self.strings(get("topics"), f"{where} topics")
        if _empty_list(get("topics")):
            self.report(found.key_line("topics"), f"{where} topics must list at least one topic")
        self.refs_to("topic", topics, f"{where} topics")
        marks = []
        for i, item in enumerate(self.sequence(get("marks"), f"{where} marks")):
            mark = self.choice(item, f"{where} marks[{i}]", MARKS)
            if mark:
                marks.append(mark)
        added = self.added(get("added"), f"{where} added")
        summary = self.text(get("summary"), f"{where} summary")
        why = self.text(get("why"), f"{where} why")
        highlights = self.text_list(get("highlights"), f"{where} highlights")
        caveats = self.text_list(get("caveats"), f"{where} caveats")
        status_note = self.optional_text(get("status_note"), f"{where} status_note")
        related = self.strings(get("related"), f"{where} related")
        self.refs_to("resource", related, f"{where} related", owner=rid)
        demos = self.strings(get("demos"), f"{where} demos")
        if _empty_list(get("demos")):
            self.report(found.key_line("demos"), f"{where} demos must list at least one demo")
        self.refs_to("demo", demos, f"{where} demos")
        return Resource(
            id=rid or "",
            number=number,
            rank=rank,
            title=title or "",
            url=url,
            url_reason=reason,
            alternates=alternates,
            authors=tuple(a for a, _ in authors),
            publisher=publisher,
            series=series,
            year=year,
            type=type_,
            lang=lang,
            access=access,
            level=level,
            topics=tuple(t for t, _ in topics),
            marks=tuple(marks),
            added=added,
            summary=summary or Text("", ""),
            why=why or Text("", ""),
            highlights=highlights,
            caveats=caveats,
            related=tuple(r for r, _ in related),
            demos=tuple(d for d, _ in demos),
            status_note=status_note,
            line=_line(node),
            lines={key: found.key_line(key) for key in found.items},
        )

    def alternate(self, node: Node, where: str, owner: str) -> Alternate | None:
        found = self.entries(node, where, ALTERNATE_REQUIRED, ALTERNATE_OPTIONAL)
        if found is None:
            return None
        url = self.url(found.value("url"), f"{where} url", owner)
        kind = self.choice(found.value("kind"), f"{where} kind", ALTERNATE_KINDS)
        lang = self.choice(found.value("lang"), f"{where} lang", LANGS)
        title = self.optional_string(found.value("title"), f"{where} title")
        note = self.optional_text(found.value("note"), f"{where} note")
        return Alternate(url or "", kind, lang, title, note, line=_line(node))

    def extra(self, node: Node, index: int) -> Extra | None:
        where = _where(node, "extra", f"extras[{index}]")
        found = self.entries(node, where, EXTRA_REQUIRED, EXTRA_OPTIONAL)
        if found is None:
            return None
        eid = self.slug(found.value("id"), f"{where} id")
        get = found.value
        self.remember("extra id", eid, _line(get("id") or node), where)
        title = self.string(get("title"), f"{where} title")
        url = self.url(get("url"), f"{where} url", where)
        kind = self.choice(get("kind"), f"{where} kind", EXTRA_KINDS)
        lang = self.choice(get("lang"), f"{where} lang", LANGS)
        authors = self.strings(get("authors"), f"{where} authors")
        note = self.text(get("note"), f"{where} note")
        resource = None
        if get("resource") is not None and not self.is_null(get("resource")):
            resource = self.string(get("resource"), f"{where} resource", display=False)
            if resource is not None:
                self.refs_to("resource", [(resource, _line(get("resource")))], f"{where} resource")
        added = self.added(get("added"), f"{where} added")
        return Extra(
            id=eid or "",
            title=title or "",
            url=url or "",
            kind=kind,
            lang=lang,
            authors=tuple(a for a, _ in authors),
            note=note or Text("", ""),
            resource=resource,
            added=added,
            line=_line(node),
            lines={key: found.key_line(key) for key in found.items},
        )

    def question(self, node: Node, index: int) -> Question | None:
        where = _where(node, "question", f"questions[{index}]")
        found = self.entries(node, where, QUESTION_REQUIRED)
        if found is None:
            return None
        qid = self.slug(found.value("id"), f"{where} id")
        get = found.value
        self.remember("question id", qid, _line(get("id") or node), where)
        number = self.integer(get("number"), f"{where} number")
        self.remember("question number", number, found.key_line("number"), where)
        about = self.strings(get("about"), f"{where} about")
        self.refs_to("resource", about, f"{where} about")
        question = self.text(get("question"), f"{where} question")
        answer = self.text(get("answer"), f"{where} answer", multiline=True, limit=PARAGRAPHS_MAX)
        answered = self.boolean(get("answered_in_article"), f"{where} answered_in_article")
        demos = self.strings(get("demos"), f"{where} demos")
        self.refs_to("demo", demos, f"{where} demos")
        return Question(
            id=qid or "",
            number=number or 0,
            about=tuple(a for a, _ in about),
            question=question or Text("", ""),
            answer=answer or Text("", ""),
            answered_in_article=answered,
            demos=tuple(d for d, _ in demos),
            line=_line(node),
        )

    def learning_path(self, node: Node, index: int) -> LearningPath | None:
        where = _where(node, "path", f"paths[{index}]")
        found = self.entries(node, where, PATH_REQUIRED)
        if found is None:
            return None
        pid = self.slug(found.value("id"), f"{where} id")
        get = found.value
        self.remember("path id", pid, _line(get("id") or node), where)
        title = self.text(get("title"), f"{where} title")
        description = self.text(get("description"), f"{where} description")
        level = self.choice(get("level"), f"{where} level", LEVELS)
        steps = []
        for i, item in enumerate(self.sequence(get("steps"), f"{where} steps")):
            step = self.step(item, f"{where} steps[{i}]")
            if step is not None:
                steps.append(step)
        if _empty_list(get("steps")):
            self.report(found.key_line("steps"), f"{where} steps must list at least one step")
        return LearningPath(
            id=pid or "",
            title=title or Text("", ""),
            description=description or Text("", ""),
            level=level,
            steps=tuple(steps),
            line=_line(node),
        )

    def step(self, node: Node, where: str) -> PathStep | None:
        found = self.entries(node, where, STEP_REQUIRED, STEP_OPTIONAL)
        if found is None:
            return None
        resource = self.string(found.value("resource"), f"{where} resource", display=False)
        if resource is not None:
            self.refs_to(
                "resource", [(resource, _line(found.value("resource")))], f"{where} resource"
            )
        note = self.text(found.value("note"), f"{where} note")
        demo = None
        demo_node = found.value("demo")
        if demo_node is not None and not self.is_null(demo_node):
            demo = self.string(demo_node, f"{where} demo", display=False)
            if demo is not None:
                self.refs_to("demo", [(demo, _line(demo_node))], f"{where} demo")
        return PathStep(resource or "", note or Text("", ""), demo, line=_line(node))

    # -- whole-file rules ------------------------------------------------------------------

    def check_unique(self) -> None:
        first: dict[tuple[str, Any], _Seen] = {}
        for seen in self.unique:
            key = (seen.group, seen.value)
            if key in first:
                earlier = first[key]
                self.report(
                    seen.line,
                    f"{seen.where}: duplicate {seen.group} {seen.value!r} "
                    f"(first at line {earlier.line}, {earlier.where})",
                )
            else:
                first[key] = seen

    def check_refs(self, topics: set[str], resources: set[str]) -> None:
        known = {"topic": topics, "resource": resources, "demo": set(self.demo_ids)}
        for ref in self.refs:
            if ref.kind == "resource" and ref.owner and ref.target == ref.owner:
                self.report(ref.line, f"{ref.where}: a resource cannot be related to itself")
            elif ref.target not in known[ref.kind]:
                hint = suggest(ref.target, known[ref.kind])
                self.report(ref.line, f"{ref.where}: unknown {ref.kind} '{ref.target}'{hint}")

    def check_duplicate_urls(self) -> None:
        first: dict[str, tuple[str, int, str]] = {}
        for url, line, owner in self.urls:
            key = normalise_url(url)
            if key in first:
                earlier_url, earlier_line, earlier_owner = first[key]
                self.report(
                    line,
                    f"{owner}: URL {url} is already listed at line {earlier_line} "
                    f"({earlier_owner}: {earlier_url})",
                )
            else:
                first[key] = (url, line, owner)


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


def analyse(
    path: str | Path, *, today: dt.date | None = None
) -> tuple[list[Problem], Catalogue | None]:
    """Read and check a catalogue file, keeping whatever could be built.

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
    shown = str(path)
    data = read_bytes(path)
    root, source_problems = parse(data)
    problems = [Problem(shown, p.line, p.message) for p in source_problems]
    if any(p.line == 0 for p in problems):  # the file as a whole: too large to be a catalogue
        raise CatalogueReadError(problems)
    if root is None:
        return problems, None
    reader = _Reader(shown, today or dt.date.today(), known_demo_ids())
    reader.problems.extend(problems)
    top = reader.entries(root, "the catalogue", TOP_KEYS)
    if top is None:
        return sorted(reader.problems, key=lambda p: p.line), None
    version_node = top.value("version")
    if version_node is not None:
        version = reader.integer(version_node, "version")
        if version is not None and version != SUPPORTED_VERSION:
            reader.report(
                _line(version_node), f"version must be {SUPPORTED_VERSION}, not {version}"
            )
    catalogue = Catalogue(
        path=Path(path),
        topics=reader.section(top, "topics", reader.topic),
        resources=reader.section(top, "resources", reader.resource),
        extras=reader.section(top, "extras", reader.extra),
        questions=reader.section(top, "questions", reader.question),
        paths=reader.section(top, "paths", reader.learning_path),
    )
    reader.check_unique()
    reader.check_refs({t.id for t in catalogue.topics}, {r.id for r in catalogue.resources})
    reader.check_duplicate_urls()
    return sorted(reader.problems, key=lambda p: p.line), catalogue


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

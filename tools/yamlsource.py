"""Reading ``resources.yaml`` safely: bytes to a YAML node tree that keeps every line.

The file is untrusted (anyone may open a pull request), so before the schema sees it:

- its size is capped (:data:`MAX_FILE_BYTES`, :data:`MAX_NODES`), it must be UTF-8 text without
  NUL bytes;
- it is *composed*, never constructed: PyYAML's nodes keep each value's line, and no tag can
  build a Python object;
- anchors and aliases are refused while composing (the catalogue has no use for them, and an
  alias lets a small file expand into a huge tree);
- nesting is capped at :data:`MAX_DEPTH` before it can recurse: libyaml's parser (or PyYAML's
  pure-Python one) produces events without recursion, and our composer counts levels;
- every scalar is checked for lone surrogates and control characters
  (:func:`character_problem`), which a double-quoted ``"\\ud800"`` or ``"\\x7f"`` can smuggle in.

libyaml's event parser is used when it is there; anything it refuses goes through the
pure-Python parser, whose messages and line numbers are the reference. The fast path was
measured against the pure-Python parser alone (CPU time on two busy cores; medians of 5, the
tests one run each): composing ``resources.yaml`` (41 resources, 172 kB) 12 ms against 110 ms; a
file near :data:`MAX_FILE_BYTES` (855 kB) 84 ms against 598 ms; ``python -m tools.validate
resources.yaml`` 0.16 s against 0.25 s; the catalogue's tests (``test_yamlsource``,
``test_validate``, ``test_validate_fuzz``, ``test_catalog``, ``test_schema``) 13.6 s against
27.5 s, and without it a test's input of 50,000 values once missed its 2 s bound. It stays.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import yaml
from yaml.composer import Composer
from yaml.events import AliasEvent, Event, MappingStartEvent, ScalarEvent, SequenceStartEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import Resolver

MAX_FILE_BYTES = 1024 * 1024
"""The largest catalogue file read (the real one is under 200 KB)."""

MAX_NODES = 50_000
"""The most keys, values and items read (21 resources take about 2,400): bounds the time."""

MAX_DEPTH = 10
"""The deepest nesting of mappings and lists read (the schema needs 6)."""

_EXOTIC_BREAKS = ("\x85", "\u2028", "\u2029")

# C0 controls but tab and newline, DEL, C1 controls, and the bidirectional embeddings, overrides
# and isolates (they reorder what a reader sees). Lone surrogates are found separately.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


class SourceError(yaml.MarkedYAMLError):
    """The YAML is well formed but uses something the catalogue refuses (alias, depth)."""


@dataclass(frozen=True)
class SourceProblem:
    """Why a file could not become a node tree, and where (1-based line; 0: the whole file)."""

    line: int
    message: str


def character_problem(text: str) -> str | None:
    """A description of the first lone surrogate or control character in ``text``, or None.

    Tab and newline are not reported here: whether a field allows them is the schema's call.
    """
    found = _SURROGATE.search(text)
    if found:
        return f"a lone surrogate U+{ord(found.group()):04X} (not a Unicode character)"
    found = _CONTROL.search(text)
    if found:
        return f"a control character U+{ord(found.group()):04X}"
    return None


def _refusal(message: str, event: Event) -> SourceError:
    """A :class:`SourceError` at ``event``'s start (libyaml's marks become PyYAML's)."""
    mark = event.start_mark
    if mark is not None and not isinstance(mark, yaml.error.Mark):
        mark = yaml.error.Mark(mark.name, mark.index, mark.line, mark.column, None, 0)
    return SourceError(None, None, message, mark)


class _SafeComposer(Composer):
    """PyYAML's composer without anchors or aliases, and with a depth limit."""

    depth = 0
    nodes = 0

    if TYPE_CHECKING:

        def peek_event(self) -> Event:  # the parser this composer is mixed with provides it
            ...

    def compose_node(self, parent: Node | None, index: int) -> Node | None:
        event = self.peek_event()
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise _refusal(
                f"more than {MAX_NODES:,} keys and values: too large for a catalogue", event
            )
        if isinstance(event, AliasEvent):
            raise _refusal("aliases (*name) are not allowed in the catalogue", event)
        if isinstance(event, (ScalarEvent, SequenceStartEvent, MappingStartEvent)) and event.anchor:
            raise _refusal(f"anchors (&{event.anchor}) are not allowed in the catalogue", event)
        if isinstance(event, (SequenceStartEvent, MappingStartEvent)):
            if self.depth >= MAX_DEPTH:
                raise _refusal(
                    f"nesting deeper than {MAX_DEPTH} levels: the catalogue's schema is shallower",
                    event,
                )
            self.depth += 1
            try:
                return super().compose_node(parent, index)
            finally:
                self.depth -= 1
        return super().compose_node(parent, index)


class _PureLoader(
    yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser, _SafeComposer, Resolver
):
    def __init__(self, text: str) -> None:
        yaml.reader.Reader.__init__(self, text)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)
        _SafeComposer.__init__(self)
        Resolver.__init__(self)


if yaml.__with_libyaml__:
    from yaml._yaml import CParser

    class _FastLoader(_SafeComposer, CParser, Resolver):
        """libyaml's events, our composer (its methods come first in the MRO)."""

        def __init__(self, text: str) -> None:
            CParser.__init__(self, text)
            _SafeComposer.__init__(self)
            Resolver.__init__(self)


def _compose_with(loader_class: type, text: str) -> Node | None:
    loader = loader_class(text)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


def compose(text: str) -> Node | None:
    """The node tree of one YAML document, refusing aliases, anchors and deep nesting.

    Raises:
        yaml.YAMLError: the text is not YAML, or uses what the catalogue refuses
            (:class:`SourceError`); marked errors carry the line.
    """
    if yaml.__with_libyaml__ and not any(ch in text for ch in _EXOTIC_BREAKS):
        try:
            yaml.reader.Reader(text)  # the pure-Python check for unacceptable characters
            return _compose_with(_FastLoader, text)
        except SourceError:
            raise
        except yaml.YAMLError:
            pass  # the pure-Python parser gives the reference message and line
    return _compose_with(_PureLoader, text)


def _line_of_error(err: yaml.YAMLError, text: str) -> tuple[int, str]:
    if isinstance(err, SourceError):
        line = err.problem_mark.line + 1 if err.problem_mark else 1
        return line, err.problem or "not allowed"
    if isinstance(err, yaml.MarkedYAMLError):
        mark = err.problem_mark or err.context_mark
        line = mark.line + 1 if mark else 1
        detail = re.sub(r"^but ", "", err.problem or err.context or "not valid YAML")
        if err.context and err.problem:
            started = f" started at line {err.context_mark.line + 1}" if err.context_mark else ""
            detail += f" ({err.context}{started})"
        return line, f"YAML syntax error: {detail}"
    if isinstance(err, yaml.reader.ReaderError):
        line = text.count("\n", 0, max(err.position, 0)) + 1
        return (
            line,
            f"character U+{err.character:04X} is not allowed (a control or special character)",
        )
    return 1, f"YAML syntax error: {err}"


def decode(data: bytes) -> tuple[str | None, SourceProblem | None]:
    """The text of a catalogue file's bytes, or why it is not a readable text file."""
    if len(data) > MAX_FILE_BYTES:
        return None, SourceProblem(
            0, f"larger than {MAX_FILE_BYTES:,} bytes: too large to be a catalogue"
        )
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        return None, SourceProblem(line, "a NUL byte: this is a binary file, not YAML text")
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        return None, SourceProblem(line, f"not valid UTF-8 (byte 0x{data[err.start]:02x})")


def parse(data: bytes) -> tuple[Node | None, list[SourceProblem]]:
    """Bytes to a checked node tree; on any problem, no tree and the problems found.

    Scalars with a lone surrogate or a control character are reported (every one of them) and
    the tree is still returned, so the schema can report the rest.
    """
    text, problem = decode(data)
    if problem is not None or text is None:
        return None, [problem] if problem else []
    if not text.strip():
        return None, [SourceProblem(1, "the catalogue is empty")]
    try:
        root = compose(text)
    except yaml.YAMLError as err:
        return None, [SourceProblem(*_line_of_error(err, text))]
    except RecursionError:  # not expected: depth is capped before composing recurses
        return None, [SourceProblem(1, f"nesting deeper than {MAX_DEPTH} levels")]
    if root is None:
        return None, [SourceProblem(1, "the catalogue is empty")]
    return root, scalar_problems(root)


def scalar_problems(root: Node) -> list[SourceProblem]:
    """Every key or value holding a lone surrogate or a control character (iterative walk)."""
    problems = []
    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, ScalarNode):
            found = character_problem(node.value)
            if found:
                problems.append(
                    SourceProblem(node.start_mark.line + 1, f"{found} in {node.value[:40]!r}")
                )
        elif isinstance(node, SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, MappingNode):
            for key, value in node.value:
                stack.extend((key, value))
    return sorted(problems, key=lambda p: p.line)

"""``tools.yamlsource``: hostile bytes become one clear problem with its line, fast, never a crash."""

from __future__ import annotations

import time

import pytest
import yaml
from catalogue_helpers import VALID

from tools.yamlsource import MAX_DEPTH, MAX_FILE_BYTES, MAX_NODES, compose, parse

REAL = VALID.parents[3] / "resources.yaml"


# A guard against blow-ups (quadratic or worse), not a benchmark: CPU time, which a busy machine
# inflates far less than wall time, with a wide margin (the worst case takes ~0.3 s here).
CPU_SECONDS = 10


def _problems(data: bytes) -> list[tuple[int, str]]:
    started = time.process_time()
    root, problems = parse(data)
    assert time.process_time() - started < CPU_SECONDS, f"parsing took {CPU_SECONDS}+ CPU s"
    return [(p.line, p.message) for p in problems]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        pytest.param(
            b"a: 1\nb: &x [1]\nc: *x\n",
            (2, "anchors (&x) are not allowed in the catalogue"),
            id="anchor",
        ),
        pytest.param(
            b"a: 1\nb: *x\n", (2, "aliases (*name) are not allowed in the catalogue"), id="alias"
        ),
        pytest.param(
            b"a: &a [x, x]\nb: &b [*a, *a]\n",
            (1, "anchors (&a) are not allowed in the catalogue"),
            id="laughs",
        ),
        pytest.param(
            b'a: 1\nb: "\\ud800"\n',
            (2, "a lone surrogate U+D800 (not a Unicode character) in '\\ud800'"),
            id="surrogate-escape",
        ),
        pytest.param(
            b'a: 1\nb:\n  - "ok\\udfffok"\n',
            (3, "a lone surrogate U+DFFF (not a Unicode character) in 'ok\\udfffok'"),
            id="surrogate-escape-in-list",
        ),
        pytest.param(
            b'a: "x\\x7fy"\n', (1, "a control character U+007F in 'x\\x7fy'"), id="del-escape"
        ),
        pytest.param(
            b'a: "x\\ey"\n', (1, "a control character U+001B in 'x\\x1by'"), id="escape-escape"
        ),
        pytest.param(
            b'"\\u202ekey": 1\n', (1, "a control character U+202E in '\\u202ekey'"), id="bidi-key"
        ),
        pytest.param(
            b"a: 1\nb: x\x7fy\n",
            (2, "character U+007F is not allowed (a control or special character)"),
            id="raw-del",
        ),
        pytest.param(
            b"a: 1\nb: \x00\n", (2, "a NUL byte: this is a binary file, not YAML text"), id="nul"
        ),
        pytest.param(b"a: \xed\xa0\x80\n", (1, "not valid UTF-8 (byte 0xed)"), id="utf8-surrogate"),
        pytest.param(b"\x89PNG\r\n\x1a\n", (1, "not valid UTF-8 (byte 0x89)"), id="png"),
        pytest.param(b"", (1, "the catalogue is empty"), id="empty"),
        pytest.param(
            b"\xef\xbb\xbf  \n# only a comment\n", (1, "the catalogue is empty"), id="blank"
        ),
        pytest.param(
            b"a:\n" + b"  - " * 1 + b"[" * 1000 + b"]" * 1000 + b"\n",
            (2, f"nesting deeper than {MAX_DEPTH} levels: the catalogue's schema is shallower"),
            id="deep-flow",
        ),
        pytest.param(
            b"x:\n" + b"".join(b"  " * i + b"- \n" for i in range(1, 1000)),
            (
                MAX_DEPTH + 1,
                f"nesting deeper than {MAX_DEPTH} levels: the catalogue's schema is shallower",
            ),
            id="deep-block",
        ),
        pytest.param(
            b"{a: " * 1000 + b"1" + b"}" * 1000,
            (1, f"nesting deeper than {MAX_DEPTH} levels: the catalogue's schema is shallower"),
            id="deep-mapping",
        ),
        pytest.param(
            b"- 1\n" * (MAX_NODES + 10),
            (MAX_NODES, f"more than {MAX_NODES:,} keys and values: too large for a catalogue"),
            id="too-many-values",
        ),
        pytest.param(
            b"a: " + b"x" * MAX_FILE_BYTES,
            (0, f"larger than {MAX_FILE_BYTES:,} bytes: too large to be a catalogue"),
            id="too-large",
        ),
    ],
)
def test_hostile_input_is_one_clear_problem(data: bytes, expected: tuple[int, str]) -> None:
    assert _problems(data) == [expected]


def test_every_bad_scalar_is_reported_and_the_tree_kept() -> None:
    root, problems = parse(b'a: "\\x01"\nb: ok\nc: "\\ud800"\n')
    assert root is not None
    assert [p.line for p in problems] == [1, 3]


def test_tab_and_newline_are_left_to_the_schema() -> None:
    root, problems = parse(b'a: "x\\ty\\nz"\n')
    assert problems == [] and root is not None


def test_the_real_catalogue_composes_fast_and_clean() -> None:
    started = time.process_time()
    root, problems = parse(REAL.read_bytes())
    assert problems == [] and root is not None
    assert time.process_time() - started < CPU_SECONDS


def _tree(node) -> object:
    """A node tree as plain data: tag, value and start/end marks of every node."""
    marks = (node.start_mark.line, node.start_mark.column, node.end_mark.line, node.end_mark.column)
    if isinstance(node, yaml.MappingNode):
        return (node.tag, marks, [(_tree(k), _tree(v)) for k, v in node.value])
    if isinstance(node, yaml.SequenceNode):
        return (node.tag, marks, [_tree(v) for v in node.value])
    return (node.tag, marks, node.value, node.style or None)  # libyaml says "" for plain


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(VALID.read_text(encoding="utf-8"), id="fixture"),
        pytest.param(REAL.read_text(encoding="utf-8"), id="real"),
        pytest.param(
            "a: 1\nb: [x, 'y', \"z\"]\nc: |\n  block\n  text\nd: >-\n  folded\n", id="styles"
        ),
        pytest.param("a: 1\na: 2\n", id="duplicate-keys"),
        pytest.param("a: 1\u2028b: 2\n", id="exotic-break"),
    ],
)
def test_composer_gives_pyyaml_safe_loader_tree(text: str) -> None:
    assert _tree(compose(text)) == _tree(yaml.compose(text, Loader=yaml.SafeLoader))

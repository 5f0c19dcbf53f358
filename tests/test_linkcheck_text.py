"""Server text made inert (tools/linkcheck/text.py), tried with hostile and random input."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from tools.linkcheck.text import clean, code

_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")


def test_clean_strips_controls_bidi_and_newlines_and_caps():
    assert clean("a\r\n::error::x\x1b[31m\u202eb") == "a ::error::x [31m b"  # one space a run
    assert clean(None) == "" and clean("  x  ") == "x"
    assert clean("x" * 50, 10) == "x" * 9 + "…"


def test_code_spans_survive_backticks_pipes_and_emptiness():
    assert code("a`b") == "`` a`b ``"
    assert code("a|b") == "`a\\|b`" and code("a|b", in_table=False) == "`a|b`"
    assert code("") == "—" and code("\n\r") == "—"


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_clean_output_is_one_safe_line(text):
    out = clean(text, 100)
    assert len(out) <= 100 and not _UNSAFE.search(out) and out == out.strip()


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("`|<!-@[]()!*_ \\\na\u202e"), max_size=80))
def test_a_code_span_is_one_closed_span(text):
    out = code(text)
    if out == "—":
        return
    fence = re.match(r"`+", out).group(0)
    assert out.endswith(fence) and "\n" not in out
    inner = out[len(fence) : -len(fence)]
    # The fence never occurs inside: the span cannot close early and let markup out.
    assert fence not in inner
    # No unescaped pipe would split a table cell.
    assert not re.search(r"(?<!\\)\|", inner)

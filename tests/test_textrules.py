"""``tools.textrules``: contributor text never carries raw HTML or an unsafe link past the validator."""

from __future__ import annotations

import html
import re

import markdown
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tools.textrules import html_problem, layout_problem, length_problem, link_problem


@pytest.mark.parametrize(
    "text",
    ["a < b", "<3 attention", "x < y and y > z", "if n<10 then", "1 <= 2", "a <- b", "<<"],
)
def test_prose_with_angle_brackets_is_not_html(text) -> None:
    assert html_problem(text) is None


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("<br>", "<br>"),
        ("a <B>bold</B> word", "<B>"),
        ("</div>", "</div>"),
        ("<svg/onload=alert(1)>", "<svg/onload=alert(1)>"),
        ("<x-widget data-a=1>", "<x-widget data-a=1>"),
        ("<details open>", "<details open>"),
        ("<iframe src='//evil'", "<iframe src="),
        ("<!DOCTYPE html>", "<!DOCTYPE"),
        # Markdown reads these as HTML (CommonMark: "<y and y>" is an open tag), so do we.
        ("x<y and y>z", "<y and y>"),
        ("`<div>` in a code span", "<div>"),
        ("<img/=x src=x onerror=alert(1)>", "<img/=x src=x onerror=alert(1)>"),
        ("a\\`<img src=x onerror=alert(1)>`", "<img src=x onerror=alert(1)>"),
        ("<?php x ?>", "<?php"),
        ("<![CDATA[x]]>", "<![CDATA["),
        ("</ script>", "</"),
        (
            "&lt;img src=x onerror=alert(1)&gt;",
            "<img src=x onerror=alert(1)>, spelt with character references",
        ),
        ("&#60;script&#62;", "<script>, spelt with character references"),
        ("&LT;svg", "<svg, spelt with character references"),
    ],
)
def test_html_is_found(text, found) -> None:
    assert html_problem(text) == found


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("[x](javascript:alert(1))", "javascript:alert(1"),
        ("[x]( JavaScript:void(0))", "JavaScript:void(0"),
        ("[x](java&#x73;cript:x)", "java&#x73;cript:x"),
        ("[x]: vbscript:msgbox\n", "vbscript:msgbox"),
        ("see <data:text/html,hi>", "data:text/html,hi"),
    ],
)
def test_unsafe_markdown_links_are_found(text, found) -> None:
    assert link_problem(text) == found


@pytest.mark.parametrize(
    "text", ["[x](https://a.org/b)", "[m](mailto:a@b.org)", "[rel](../x.md)", "`[x](javascript:1)`"]
)
def test_safe_markdown_links_pass(text) -> None:
    assert link_problem(text) is None


MARKDOWNISH = st.lists(
    st.sampled_from(
        list("<>/!?&#;`\\[]()\"'=: \n\tabcjsvxSCRIPTimgonerr0123-_*~|.")
        + ["javascript:", "&lt;", "&#60;", "&#x3C;", "<img", "</", "<!--", "](", "data:"]
        + ["onerror=", "&amp;", "```\n", "    ", "\n\n", "<a", "http://x.org", "mailto:", "!["]
    ),
    max_size=25,
).map("".join)
MARKDOWN_OWN_TAGS = {"p", "code", "em", "strong", "a", "pre", "blockquote", "ul", "ol", "li", "hr"}
MARKDOWN_OWN_TAGS |= {"h1", "h2", "h3", "h4", "h5", "h6", "br", "img"}


@settings(max_examples=400, deadline=None)
@given(MARKDOWNISH)
def test_accepted_text_renders_without_raw_html(text: str) -> None:
    """What the validator accepts, Python-Markdown renders with only its own tags and safe URLs."""
    if html_problem(text) or link_problem(text):
        return
    out = markdown.markdown(text)
    tags = {t.lower() for t in re.findall(r"<\s*/?\s*([A-Za-z][A-Za-z0-9]*)", out)}
    assert tags <= MARKDOWN_OWN_TAGS, (text, out)
    assert not re.search(r"<[^>]*\son\w+\s*=", out), (text, out)
    for target in re.findall(r'(?:href|src)="([^"]*)"', out):
        scheme = re.sub(r"[\s\x00-\x1f]", "", html.unescape(target)).lower()
        assert not re.match(r"(javascript|data|vbscript):", scheme), (text, out)


@pytest.mark.parametrize(
    ("text", "multiline", "problem"),
    [
        ("one line", False, None),
        ("two\nlines", False, "must be one line (no line breaks)"),
        ("carriage\rreturn", False, "must be one line (no line breaks)"),
        ("a\ttab", False, "must not contain a tab"),
        ("two\nlines\tand a tab", True, None),
    ],
)
def test_layout(text, multiline, problem) -> None:
    assert layout_problem(text, multiline=multiline) == problem


def test_length() -> None:
    assert length_problem("x" * 10, 10) is None
    assert length_problem("x" * 1001, 1000) == "is 1,001 characters long; the limit is 1,000"

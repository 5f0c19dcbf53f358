"""The one escaping function and URL check (``tools.site.html``) that every value goes through.

How the escaped values behave once Markdown runs over a page is tested in
``test_site_markdown.py``; here, the functions themselves.
"""

from __future__ import annotations

import html as html_lib

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from tools.site.html import escape, front_matter_value, href, link, safe_url, text


@given(st.text())
def test_escape_leaves_only_letters_digits_and_entities(value: str) -> None:
    out = escape(value)
    ascii_punct = {ch for ch in out if ch.isascii() and not ch.isalnum() and ch != " "}
    assert ascii_punct <= set("&#;")
    kept = "".join(
        ch
        for ch in value
        if not (ord(ch) < 32 and ch not in "\t\n")
        and not 0x7F <= ord(ch) <= 0x9F
        and not 0xD800 <= ord(ch) <= 0xDFFF
    )
    assert html_lib.unescape(out) == kept


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://example.org/a", "https://example.org/a"),
        ("http://example.org", "http://example.org"),
        ("https://例え.jp/パス", "https://例え.jp/パス"),
        ("javascript:alert(1)", None),
        ("JAVASCRIPT:alert(1)", None),
        ("java\tscript:alert(1)", None),
        (" https://example.org/", None),
        ("https://example.org/ x", None),
        ('https://example.org/" onfocus="alert(1)', None),
        ("https://example.org/`x`", None),
        ("https://example.org/<x>", None),
        ("data:text/html,x", None),
        ("//example.org/x", None),
        ("/relative", None),
        ("https:///nohost", None),
        ("http://[::1", None),
        (None, None),
        (42, None),
    ],
)
def test_safe_url(value: object, expected: str | None) -> None:
    assert safe_url(value) == expected
    assert (href(value) is None) == (expected is None)


def test_link_refuses_what_safe_url_refuses_and_shows_the_label() -> None:
    assert link("<b>x</b>", "javascript:alert(1)") == "&#60;b&#62;x&#60;&#47;b&#62;"
    assert link("a  b", "https://example.org/?q=1&r=2") == (
        '<a href="https&#58;&#47;&#47;example&#46;org&#47;&#63;q&#61;1&#38;r&#61;2">a b</a>'
    )
    assert text(" several\n\nlines\tand  spaces ") == "several lines and spaces"


@given(st.text())
def test_front_matter_reads_back_without_anything_a_template_could_trip_on(value: str) -> None:
    shown = yaml.safe_load(f"title: {front_matter_value(value)}")["title"]
    assert not set(shown) & set("<>&\"'\n\r\t\x00\x7f")
    assert shown == shown.strip()
    assert front_matter_value("</title><script>x</script> & 'q'") == (
        '"\uff1c/title\uff1e\uff1cscript\uff1ex\uff1c/script\uff1e \uff06 \uff07q\uff07"'
    )

"""``tools.urls``: which strings are usable links, and which links are the same page."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tools.urls import is_http_url, normalise_url, url_problem


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("https://Example.ORG/a/", "https://example.org/a"),
        ("http://example.org:80/a", "https://example.org:443/a/"),
        ("https://example.org/a?utm_source=x&b=1&fbclid=2#frag", "https://example.org/a?b=1"),
        ("https://example.org/a?gclid=1&utm_medium=m", "https://example.org/a"),
        (
            "https://scrapbox.io/nishio/注意機構",
            "https://scrapbox.io/nishio/%E6%B3%A8%E6%84%8F%E6%A9%9F%E6%A7%8B",
        ),
        ("https://example.org", "https://example.org/"),
        ("https://example.org/%7Euser", "https://example.org/~user"),
        ("https://example.org/%61bc", "https://example.org/abc"),
        ("https://example.org/a%2fb", "https://example.org/a%2Fb"),
        ("https://user:pw@example.org/a", "https://example.org/a"),
        ("https://example.org./a", "https://example.org/a"),
        ("https://example.org//a", "https://example.org/a"),
        ("https://example.org/a/./b/../c", "https://example.org/a/c"),
        ("https://example.org/a?b=2&a=1", "https://example.org/a?a=1&b=2"),
        ("https://example.org/a?UTM_Campaign=x", "https://example.org/a"),
        ("https://例え.jp/a", "https://xn--r8jz45g.jp/a"),
    ],
)
def test_urls_that_normalise_alike(a, b) -> None:
    assert normalise_url(a) == normalise_url(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("https://example.org/a", "https://example.org/b"),
        ("https://example.org/a?id=1", "https://example.org/a?id=2"),
        ("https://example.org:8080/a", "https://example.org/a"),
        ("https://www.example.org/a", "https://example.org/a"),
        # RFC 3986 2.2: an escaped reserved character is data, not a delimiter.
        ("https://example.org/a%2Fb", "https://example.org/a/b"),
        ("https://example.org/a?q=1%262", "https://example.org/a?q=1&2"),
        ("https://example.org/a%3Fb", "https://example.org/a?b"),
        ("https://example.org/a?id=x", "https://example.org/a?ID=x"),
    ],
)
def test_urls_that_stay_different(a, b) -> None:
    assert normalise_url(a) != normalise_url(b)


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("https://example.org/a b", "it contains whitespace"),
        ("https://example.org:99999/", "it is malformed (Port out of range 0-65535)"),
        ("mailto:a@b.org", "its scheme is 'mailto:'"),
        ("https:///path", "it has no host"),
        ("//example.org/x", "it is relative"),
        ("https://example.org/x", None),
        ("https://scrapbox.io/nishio/注意機構", None),
        ("javascript:alert(1)", "its scheme is 'javascript:'"),
        ("https://exa<mple.org/", "it is malformed (invalid host)"),
        ("https://[::1/", "it is malformed (Invalid IPv6 URL)"),
    ],
)
def test_url_problem(url, reason) -> None:
    assert url_problem(url) == reason


@pytest.mark.parametrize(
    "value",
    ["https://example.org/", "http://127.0.0.1:8000/x"],
)
def test_is_http_url_accepts(value) -> None:
    assert is_http_url(value)


@pytest.mark.parametrize(
    "value",
    [
        None,
        3,
        "",
        "/relative",
        "javascript:alert(1)",
        "data:text/html,x",
        "https://",
        "https://a b/",
    ],
)
def test_is_http_url_refuses(value) -> None:
    assert not is_http_url(value)


@given(st.text(max_size=60))
def test_any_text_gets_an_answer_not_an_exception(text) -> None:
    assert url_problem(text) is None or isinstance(url_problem(text), str)
    assert isinstance(normalise_url(text), str)


@given(
    st.text(alphabet=st.characters(codec="ascii", categories=["L", "N"]), min_size=1, max_size=20)
)
def test_normalising_twice_changes_nothing(segment) -> None:
    once = normalise_url(f"https://Example.org/{segment}/?utm_source=x")
    assert normalise_url(once) == once

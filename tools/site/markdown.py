"""The one rendering path for contributor text: Markdown in, inert sanitised HTML out.

Every string from the catalogue, the link states or a demo's metadata reaches a page through
one of three functions:

* :func:`text`: plain text (titles, names, labels); nothing in it is formatting;
* :func:`one_line`: inline Markdown (one-line summaries, highlights, notes) as inline HTML;
* :func:`prose`: block Markdown (why, answers, descriptions) as a ``<div class="atlas-md">``.

Markdown is rendered by ``markdown-it-py`` with raw HTML switched off, images and headings
disabled; its output is sanitised by ``nh3`` (the binding of the Rust ``ammonia`` crate) with an
allow-list of tags, attributes and URL schemes; the result is re-serialised with
:func:`tools.site.html.escape` for every text node and attribute value. What comes out is one
line of HTML in which no ASCII punctuation but the tag syntax is literal, so the Markdown that
MkDocs or Zensical run over the generated page afterwards finds nothing to interpret: no code
span, link, emphasis, attribute list, table pipe or placeholder.
"""

from __future__ import annotations

import re
from functools import lru_cache
from html.parser import HTMLParser
from urllib.parse import urlsplit

import nh3
from markdown_it import MarkdownIt

from tools.site.html import clean, escape, link, safe_url, text

__all__ = ["attr", "fenced", "link", "one_line", "prose", "safe_url", "text"]

SAFE_SCHEMES = ("http", "https", "mailto")
INLINE_TAGS = frozenset({"a", "br", "code", "em", "strong"})
BLOCK_TAGS = frozenset({"blockquote", "hr", "li", "ol", "p", "pre", "ul"})
ATTRIBUTES = {"a": {"href", "title"}, "code": {"class"}, "ol": {"start"}}
VOID = frozenset({"br", "hr"})
_CONTAINERS = frozenset({"blockquote", "li", "ol", "ul"})
_LANGUAGE_CLASS = re.compile(r"language-[A-Za-z0-9_+-]{1,40}")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")


def attr(value: object) -> str:
    """Escape a value for a double-quoted HTML attribute (see :func:`tools.site.html.escape`)."""
    return escape(value)


@lru_cache(maxsize=1)
def _renderer() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    # A contributor cannot add images (tracking pixels, layout) nor headings (page outline).
    md.disable(["image", "heading", "lheading"])
    return md


def _safe_href(value: str) -> bool:
    """http(s) with a host, mailto, or a relative reference (not scheme-relative)."""
    if _URL_FORBIDDEN_IN_HREF.search(value):
        return False
    match = _SCHEME.match(value)
    if match is None:
        return not value.startswith(("//", "\\"))
    scheme = match.group(1).lower()
    if scheme == "mailto":
        return True
    return safe_url(value) is not None and bool(urlsplit(value).hostname)


_URL_FORBIDDEN_IN_HREF = re.compile(r"[\x00-\x20\x7f-\x9f\\]")


class _Inert(HTMLParser):
    """Re-serialises sanitised HTML with every text and attribute value escaped."""

    def __init__(self, tags: frozenset[str]) -> None:
        super().__init__(convert_charrefs=True)
        self.tags = tags
        self.out: list[str] = []
        self.open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in self.tags:
            return
        parts = [tag]
        for name, value in attrs:
            value = value or ""
            if name not in ATTRIBUTES.get(tag, ()):
                continue
            if name == "href" and not _safe_href(value):
                continue
            if name == "class" and not _LANGUAGE_CLASS.fullmatch(value):
                continue
            if name == "start" and not value.isdigit():
                continue
            parts.append(f'{name}="{escape(value)}"')
        if tag == "a":
            parts.append('rel="nofollow noopener noreferrer"')
        self.out.append("<" + " ".join(parts) + ">")
        if tag not in VOID:
            self.open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID and self.open and self.open[-1] == tag:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID or tag not in self.open:
            return
        while self.open:
            closing = self.open.pop()
            self.out.append(f"</{closing}>")
            if closing == tag:
                break

    def handle_data(self, data: str) -> None:
        if "\n" in data and not data.strip() and (not self.open or self.open[-1] in _CONTAINERS):
            return  # the renderer's line breaks between blocks
        if "pre" not in self.open:
            data = data.replace("\n", " ")  # outside <pre> a newline is just white space
        self.out.append(escape(data))

    def result(self) -> str:
        self.close()
        while self.open:
            self.out.append(f"</{self.open.pop()}>")
        return "".join(self.out)


def sanitise(html: str, tags: frozenset[str]) -> str:
    """Clean rendered HTML with nh3, then write it back with every value escaped.

    Args:
        html: HTML from the Markdown renderer (or anything else: nothing in it is trusted).
        tags: the tags that may remain; others are removed, their text kept.

    Returns:
        One line of HTML with only ``tags``, only the allowed attributes, only safe link targets.
    """
    cleaned = nh3.clean(
        clean(html),
        tags=set(tags),
        attributes={k: set(v) for k, v in ATTRIBUTES.items() if k in tags},
        url_schemes=set(SAFE_SCHEMES),
        link_rel=None,
        strip_comments=True,
    )
    parser = _Inert(tags)
    parser.feed(cleaned)
    return parser.result()


def one_line(value: str) -> str:
    """Inline contributor Markdown (emphasis, code, links) as one line of inline HTML.

    Line breaks in ``value`` become spaces; block syntax (lists, fences, quotes) stays text.
    """
    flat = " ".join(clean(value).split())
    return sanitise(_renderer().renderInline(flat), INLINE_TAGS).strip()


def prose(value: str) -> str:
    """Block contributor Markdown as one line of HTML inside ``<div class="atlas-md">``.

    Place the result at the start of a line with blank lines around it: Python-Markdown and
    Zensical then keep it as a raw HTML block.
    """
    body = sanitise(_renderer().render(clean(value)), INLINE_TAGS | BLOCK_TAGS)
    return f'<div class="atlas-md">{body}</div>'


def fenced(code: str, lang: str = "") -> str:
    """A fenced code block whose fence is longer than any backtick run inside ``code``.

    Only for the project's own code (demo sources and outputs), never for contributor text.
    """
    longest = max((len(r) for r in re.findall(r"`+", code)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{lang}\n{code.rstrip()}\n{fence}"

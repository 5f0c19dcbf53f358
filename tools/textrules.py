"""What contributor text may contain: Markdown without raw HTML, safe links, bounded lengths.

This is the validator's first line; the site's sanitised rendering path is the second, so a
construct refused here never has to be guessed at there. The raw-HTML rule is deliberately
strict and simple rather than a guess at what a Markdown parser will do: **no ``<`` directly
followed by a letter, ``/``, ``!`` or ``?``, anywhere** (code spans included), in the text as
written and after decoding character references (``&lt;``, ``&#60;``). ``a < b``, ``1 <= 2`` and
``<3`` stay allowed.
"""

from __future__ import annotations

import html
import re
from urllib.parse import unquote

ID_MAX = 64
"""Characters in an id (slug) or a controlled word."""
NAME_MAX = 300
"""Characters in a title, a name, a label."""
LINE_MAX = 2000
"""Characters in one-line prose (a summary, a note, a bullet point, a why)."""
PARAGRAPHS_MAX = 8000
"""Characters in multi-paragraph prose (an answer to one of the article's questions)."""
URL_MAX = 2048
"""Characters in a URL."""

_HTML_START = re.compile(r"<[A-Za-z/!?]")
_SPECIAL = re.compile(r"<[!?](?:--|\[CDATA\[|[A-Za-z]*)")
_WHOLE_TAG = re.compile(r"</?[A-Za-z][^<>\n]{0,200}>")
_TAG_HEAD = re.compile(r"</?[A-Za-z][^\s<>/]*(?:[\s/]+[^\s<>=]+=)?")
_CODE_SPAN = re.compile(r"(`+)(.+?)\1", re.DOTALL)
_INLINE_LINK = re.compile(r"\]\(\s*<?([^)\s>]*)")
_REF_DEF = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)", re.MULTILINE)
_AUTOLINK = re.compile(r"<([A-Za-z][A-Za-z0-9+.\-]*:[^<>\s]*)>")
_SAFE_LINK_SCHEMES = ("http", "https", "mailto")
_PLACEHOLDER = re.compile(r"\bTODO\b")


def _html_at(text: str) -> str | None:
    found = _HTML_START.search(text)
    if not found:
        return None
    rest = text[found.start() :]
    for pattern in (_SPECIAL, _WHOLE_TAG, _TAG_HEAD):
        match = pattern.match(rest)
        if match and (pattern is not _SPECIAL or rest[1] in "!?"):
            return match.group(0)
    return rest[:2]


def html_problem(text: str) -> str | None:
    """The first raw-HTML construct in ``text`` (as written, or once references are decoded).

    Returns:
        The construct as found (``'<img src=x onerror=alert(1)>'``, ``'<!--'``), or None.
    """
    found = _html_at(text)
    if found:
        return found
    decoded = html.unescape(text)
    if decoded != text:
        found = _html_at(decoded)
        if found:
            return f"{found}, spelt with character references"
    return None


def link_problem(text: str) -> str | None:
    """The first Markdown link target whose scheme is not http(s)/mailto (javascript:...), or None."""
    prose = _CODE_SPAN.sub(" ", text)
    targets = [m.group(1) for m in _INLINE_LINK.finditer(prose)]
    targets += [m.group(1) for m in _REF_DEF.finditer(prose)]
    targets += [m.group(1) for m in _AUTOLINK.finditer(prose)]
    for target in targets:
        cleaned = re.sub(r"[\s\x00-\x1f]", "", html.unescape(unquote(target))).lower()
        scheme = re.match(r"^([a-z][a-z0-9+.\-]*):", cleaned)
        if scheme and scheme.group(1) not in _SAFE_LINK_SCHEMES:
            return target
    return None


def has_placeholder(text: str) -> bool:
    """Whether ``text`` still holds a ``TODO`` left by ``python -m tools.new``."""
    return bool(_PLACEHOLDER.search(text))


def layout_problem(text: str, *, multiline: bool) -> str | None:
    """Why ``text``'s line breaks or tabs are not allowed in its field, or None."""
    if multiline:
        return None
    if "\n" in text or "\r" in text:
        return "must be one line (no line breaks)"
    if "\t" in text:
        return "must not contain a tab"
    return None


def length_problem(text: str, limit: int) -> str | None:
    """``"is N characters long; the limit is M"`` when ``text`` is too long, else None."""
    if len(text) > limit:
        return f"is {len(text):,} characters long; the limit is {limit:,}"
    return None

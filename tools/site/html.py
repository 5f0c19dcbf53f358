"""The one escaping function for everything written into generated HTML, and URL validation.

The generated pages are Markdown, read afterwards by Python-Markdown (MkDocs) or Zensical. An
HTML entity is the only form of a character that neither HTML nor any Markdown extension gives a
meaning to, so :func:`escape` writes every ASCII character other than letters, digits and the
space as a numeric character reference (``&#96;`` for a backtick, ``&#91;`` for ``[``...). A
string escaped this way is inert in a text node, in a double-quoted attribute value, in a table
cell, a list item or a heading, whatever Markdown runs over it later.
"""

from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

# What escape() drops: C0 controls but tab and newline, DEL, C1 controls (Python-Markdown uses
# \x02 and \x03 to mark its own placeholders), and lone surrogates, which cannot be encoded.
_DROPPED = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
_KEPT = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ")
# Characters YAML does not allow in a document, even escaped by json.dumps (which leaves them).
_NOT_YAML = re.compile(r"[\ufffe\uffff]")
_URL_FORBIDDEN = re.compile(r"[\x00-\x20\x7f-\x9f\ud800-\udfff\"'<>\\`]")


def clean(value: object) -> str:
    """``str(value)`` without control characters (but tab and newline) and lone surrogates."""
    return _DROPPED.sub("", str(value))


def escape(value: object) -> str:
    """Return ``value`` as inert HTML text, safe in text and in double-quoted attribute values.

    Args:
        value: any value; it is converted with ``str``.

    Returns:
        The string with every ASCII character except letters, digits and the space written as a
        numeric character reference, and control characters and lone surrogates removed.
        Non-ASCII characters (Japanese text) are kept as they are.
    """
    cleaned = clean(value)
    return "".join(ch if ch in _KEPT or ord(ch) > 0x7F else f"&#{ord(ch)};" for ch in cleaned)


def text(value: object) -> str:
    """Plain text as inert HTML: whitespace runs become one space, nothing is formatting.

    Args:
        value: a title, a name, a label.

    Returns:
        HTML text safe in paragraphs, headings, table cells, link labels and attributes.
    """
    return escape(" ".join(clean(value).split()))


_UNESCAPED_IN_THEMES = str.maketrans(
    {"<": "\uff1c", ">": "\uff1e", "&": "\uff06", '"': "\uff02", "'": "\uff07"}
)


def front_matter_value(value: object) -> str:
    """A string for a page's YAML front matter (``title``, ``description``...), as JSON.

    MkDocs' theme templates are not autoescaped: Material writes ``page.title`` and
    ``page.meta`` values into ``<title>`` and ``content="..."`` as they are, and ``striptags``
    decodes entities first. So no escaping can help there; instead ``< > & " '`` become their
    full-width forms (the text reads the same), control characters go and whitespace runs
    become one space.
    """
    shown = " ".join(_NOT_YAML.sub("", clean(value)).split()).translate(_UNESCAPED_IN_THEMES)
    return json.dumps(shown, ensure_ascii=False)


def safe_url(url: object) -> str | None:
    """Return ``url`` when it is an absolute http(s) URL that can sit in an attribute, else ``None``.

    Whitespace, control characters, quotes, angle brackets, backslashes and backticks anywhere in
    the URL make it refused (browsers ignore some of them when reading a scheme, so
    ``"java\\tscript:"`` would otherwise slip through); so do a missing host and any other scheme.
    """
    if not isinstance(url, str) or not url or _URL_FORBIDDEN.search(url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return url


def href(url: object) -> str | None:
    """The escaped attribute value for an external link to ``url``, or ``None`` when refused."""
    safe = safe_url(url)
    return None if safe is None else escape(safe)


def link(label: object, url: object) -> str:
    """An HTML link to an external http(s) URL; the label alone, as text, when the URL is refused."""
    target = href(url)
    if target is None:
        return text(label)
    return f'<a href="{target}">{text(label)}</a>'

"""Server text made harmless: for a terminal, a GitHub log, JSON and a Markdown issue body.

Whatever a server sends (a reason phrase, a page title, a URL it redirects to) may reach the
Actions log, where a line starting with ``::`` is a workflow command, and the weekly issue,
where Markdown can hide the rest of the body (``<!--``), ping people (``@user``) or show
images. :func:`clean` is applied where a record is made (see :mod:`.results`) and again where
text is written out; :func:`code` is the only way server text enters the issue body.
"""

from __future__ import annotations

import re

# C0 and C1 controls, DEL, bidirectional overrides and isolates, zero-width characters and
# the Unicode line and paragraph separators: none of them belongs in a one-line text.
_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb]+"
)


def clean(value: object, limit: int = 500) -> str:
    """One line of plain text: controls, bidi overrides and newlines become spaces.

    Args:
        value: any text (``None`` gives an empty string).
        limit: the most characters kept; a longer text ends with an ellipsis.
    """
    if value is None:
        return ""
    text = _UNSAFE.sub(" ", str(value)).strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def clean_or_none(value: str | None, limit: int = 500) -> str | None:
    """:func:`clean`, keeping ``None`` (and an empty result) as ``None``."""
    text = clean(value, limit)
    return text or None


def code(value: object, limit: int = 300, in_table: bool = True) -> str:
    """``value`` as an inert Markdown code span (cleaned, capped; an em dash when empty).

    Inside a code span nothing is Markdown or HTML: no comment, mention, link or image can
    open. The fence is one backtick longer than the longest run inside. In a GFM table cell a
    ``|`` would still end the cell, even inside a code span, so it is escaped there.
    """
    text = clean(value, limit)
    if not text:
        return "—"
    runs = [len(m) for m in re.findall(r"`+", text)]
    fence = "`" * (max(runs, default=0) + 1)
    if in_table:
        text = text.replace("|", "\\|")
    pad = " " if text.startswith("`") or text.endswith("`") or runs else ""
    return f"{fence}{pad}{text}{pad}{fence}"

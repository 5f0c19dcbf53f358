"""Turning catalogue strings into Markdown that can never become live HTML.

Two kinds of strings reach the pages:

* plain text (titles, names, labels, tokens): :func:`text` makes every character literal;
* contributor Markdown (summaries, answers, notes): :func:`prose` keeps Markdown formatting but
  escapes HTML, kills attribute lists and images, and drops link targets that are not http(s),
  mailto or relative.

The generator uses these on every catalogue string, whatever validation already refused.
"""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

SAFE_SCHEMES = ("http", "https", "mailto")
# Python-Markdown's escapable characters (with the tables extension's "|").
_MD_SPECIAL = set("\\`*_{}[]()#+-.!|")
_CODE_SPAN = re.compile(r"(`+)(.+?)(?<!`)\1(?!`)", re.S)
_FENCE = re.compile(r"^[ ]{0,3}(`{3,}|~{3,})")
_INLINE_LINK = re.compile(r"\]\(([^)]*)\)")
_REF_DEF = re.compile(r"^([ ]{0,3}\[[^\]\n]+\]:[ \t]*)(\S+)(.*)$", re.M)
_CONTROL = re.compile(r"[\x00-\x20\x7f]+")


def attr(value: object) -> str:
    """Escape a value for a double-quoted HTML attribute."""
    return html.escape(str(value), quote=True)


def text(value: object) -> str:
    """Return Markdown that shows ``value`` literally (no formatting, no HTML, no links).

    Args:
        value: any plain string (a title, a name, a label).

    Returns:
        The string with HTML escaped and every Markdown special character backslash-escaped,
        safe in paragraphs, headings and table cells. Newlines become spaces.
    """
    escaped = html.escape(" ".join(str(value).split()), quote=True)
    return "".join("\\" + ch if ch in _MD_SPECIAL else ch for ch in escaped)


def safe_url(url: str | None) -> str | None:
    """Return ``url`` when it is an absolute http(s) URL, otherwise ``None``.

    Control characters and whitespace are ignored when reading the scheme, as browsers do,
    so ``"java\\tscript:"`` is refused too.
    """
    if not url:
        return None
    probe = _CONTROL.sub("", url)
    try:
        parts = urlsplit(probe)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url.strip()


def _safe_target(target: str) -> bool:
    """A link target inside contributor Markdown is safe if it has no scheme or a safe one.

    Entities are decoded (twice, as the text was escaped once), control characters and
    whitespace dropped, and anything with a colon before the first ``/``, ``?`` or ``#`` that is
    not exactly a safe scheme counts as unsafe.
    """
    probe = _CONTROL.sub("", html.unescape(html.unescape(target))).lstrip("<").lower()
    head = re.split(r"[/?#]", probe, maxsplit=1)[0]
    if ":" not in head:
        return True
    return head.split(":", 1)[0] in SAFE_SCHEMES


def _escape_plain(segment: str) -> str:
    segment = segment.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    segment = segment.replace("{", "\\{").replace("}", "\\}").replace("![", "!\\[")

    def fix_inline(m: re.Match[str]) -> str:
        return m.group(0) if _safe_target(m.group(1)) else "](#)"

    def fix_ref(m: re.Match[str]) -> str:
        return m.group(0) if _safe_target(m.group(2)) else m.group(1) + "#"

    segment = _INLINE_LINK.sub(fix_inline, segment)
    return _REF_DEF.sub(fix_ref, segment)


def _escape_inline(line_block: str) -> str:
    out: list[str] = []
    pos = 0
    for m in _CODE_SPAN.finditer(line_block):
        out.append(_escape_plain(line_block[pos : m.start()]))
        out.append(m.group(0))  # Markdown escapes code spans itself
        pos = m.end()
    out.append(_escape_plain(line_block[pos:]))
    return "".join(out)


def prose(value: str) -> str:
    """Return contributor Markdown made safe: formatting kept, HTML and unsafe links neutralised.

    Args:
        value: Markdown written by a contributor (no raw HTML expected, but not trusted).

    Returns:
        Markdown in which ``<``, ``>`` and ``&`` are entities, ``{...}`` cannot form an attribute
        list, images are plain text, and links whose target has a scheme other than http, https
        or mailto point at ``#``. Code spans and fenced code blocks are left as they are, since
        Markdown shows them literally.
    """
    lines = value.strip("\n").split("\n")
    out: list[str] = []
    pending: list[str] = []
    fence: str | None = None
    for line in lines:
        m = _FENCE.match(line)
        if fence is None and m:
            if pending:
                out.append(_escape_inline("\n".join(pending)))
            pending = []
            fence = m.group(1)
            # Only a bare language name may follow the fence: superfences would turn
            # `{.x onclick=...}` there into attributes of the code block.
            info = line[m.end() :].strip()
            lang = info if re.fullmatch(r"[A-Za-z0-9_+\-]*", info) else ""
            out.append(line[: m.start(1)] + fence + lang)
        elif fence is not None:
            out.append(line)
            if (
                line.strip().startswith(fence[0] * len(fence))
                and line.strip().strip(fence[0]) == ""
            ):
                fence = None
        else:
            pending.append(line)
    if pending:
        out.append(_escape_inline("\n".join(pending)))
    if fence is not None:
        out.append(fence)  # close an unterminated fence so it cannot swallow the page
    return "\n".join(out)


def one_line(value: str) -> str:
    """Contributor Markdown that must stay on one line (table cells, list items)."""
    return prose(" ".join(value.split())).replace("|", "\\|")


def link(label: str, url: str | None) -> str:
    """An inline HTML link to an external http(s) URL, or the label as text when refused."""
    safe = safe_url(url)
    if safe is None:
        return text(label)
    href = attr(safe).replace("|", "%7C")
    return f'<a href="{href}">{text(label)}</a>'


def fenced(code: str, lang: str = "") -> str:
    """A fenced code block whose fence is longer than any backtick run inside ``code``."""
    longest = max((len(r) for r in re.findall(r"`+", code)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{lang}\n{code.rstrip()}\n{fence}"

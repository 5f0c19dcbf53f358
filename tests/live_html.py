"""Finding live markup in HTML: what the site-security tests assert never comes from contributors.

A page is scanned with the standard library's HTML parser (as a browser tokenises it). Scripts,
``style`` attributes, ``on*`` handlers, forms and the like are compared with a baseline (the same
page built from the clean fixture catalogue), since the project's own templates write some of
them; frames, objects, embeds and ``<base>`` are never expected; no URL attribute may carry a
``javascript:``, ``data:`` or ``vbscript:`` URL.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

URL_ATTRIBUTES = frozenset(
    {"href", "src", "action", "formaction", "data-src", "poster", "xlink:href", "background"}
)
BAD_SCHEMES = ("javascript:", "data:", "vbscript:")
NEVER = frozenset({"iframe", "object", "embed", "frame", "frameset", "applet", "base", "form"})
_IGNORED_IN_SCHEME = re.compile(r"[\x00-\x20\x7f]+")

# Pieces that have broken Markdown sanitisers before; random text fills the gaps between them.
HAZARDS = [
    "`",
    "``",
    "```",
    "~~~",
    "\\",
    "\\`",
    "[",
    "]",
    "(",
    ")",
    "](",
    "![",
    "<",
    ">",
    "</",
    "&",
    "&#96;",
    "&lt;",
    "&amp;",
    "*",
    "**",
    "_",
    "{",
    "}",
    "{:",
    "{: onclick=alert(1)}",
    "{#x}",
    "#",
    "|",
    "\n",
    "\n\n",
    " ",
    "   ",
    "    ",
    "\t",
    "javascript:",
    "JaVaScRiPt:",
    "data:",
    "vbscript:",
    "java\tscript:",
    "<script>",
    "</script>",
    "<img/=x src=x onerror=alert(1)>",
    "<iframe src=x>",
    "<object>",
    "<embed>",
    "<style>",
    ' style="x"',
    " onerror=",
    "<svg onload=x>",
    " autofocus onfocus=alert(1)",
    '"',
    "'",
    "=",
    "http://",
    "https://e.example/",
    "mailto:",
    "//e.example",
    "\x02",
    "\x03",
    "wzxhzdk:0",
    "\x00",
    "\x7f",
    "\x85",
    "\ud800",
    "<!--",
    "-->",
    "!",
    "1. ",
    "- ",
    "> ",
    "---",
    "===",
    '=== "t"',
    "!!! note",
    "@user",
    ":",
    "%",
    "\u2028",
    "\u202e",
    "ｊａｖａｓｃｒｉｐｔ：",
    "日本語",
    "[x]: javascript:alert(1)",
    "<a href=x>",
    "<b>",
    "[x](/autofocus/tabindex=1\tonfocus=alert(1)//)",
    "[x](x/autofocus/onfocus=alert(1)//)",
]


@dataclass
class Scan:
    """Everything security-relevant on one page."""

    scripts: list[tuple[tuple[tuple[str, str], ...], str]] = field(default_factory=list)
    styles: set[str] = field(default_factory=set)
    handlers: set[tuple[str, str, str]] = field(default_factory=set)
    never: list[str] = field(default_factory=list)
    bad_urls: list[str] = field(default_factory=list)


class _Scanner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scan = Scan()
        self._script: tuple[tuple[str, str], ...] | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        pairs = tuple((k, v or "") for k, v in attrs)
        for name, value in pairs:
            if name.startswith("on"):
                self.scan.handlers.add((tag, name, value))
            if name == "style":
                self.scan.styles.add(value)
            if name in URL_ATTRIBUTES or name.endswith(":href"):
                probe = _IGNORED_IN_SCHEME.sub("", value).lower()
                if probe.startswith(BAD_SCHEMES):
                    self.scan.bad_urls.append(f"<{tag} {name}={value!r}>")
        if tag in NEVER:
            self.scan.never.append(f"<{tag} {dict(pairs)}>")
        if tag == "meta" and dict(pairs).get("http-equiv", "").lower() == "refresh":
            self.scan.never.append(f"<meta refresh {dict(pairs)}>")
        if tag == "script":
            self._script = tuple(sorted(pairs))
            self._text = []

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag == "script":
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            self.scan.scripts.append((self._script, "".join(self._text)))
            self._script = None

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._text.append(data)


def scan(html: str) -> Scan:
    """Scan one HTML document or fragment."""
    parser = _Scanner()
    parser.feed(html)
    parser.close()
    return parser.scan


def _json_labels(script: tuple[tuple[tuple[str, str], ...], str]) -> bool:
    """Our filter labels: a JSON script that parses and cannot end its element."""
    attrs, body = script
    if dict(attrs).get("type") != "application/json":
        return False
    try:
        json.loads(body)
    except ValueError:
        return False
    return "</" not in body


def problems(html: str, baseline: Scan | None = None) -> list[str]:
    """Every piece of live markup in ``html`` that ``baseline`` (the clean page) does not have.

    Without a baseline nothing script-like is allowed at all (for fragments).
    """
    found = scan(html)
    base = baseline or Scan()
    allowed = list(base.never)
    out = []
    for item in found.never:
        if item in allowed:
            allowed.remove(item)
        else:
            out.append(f"not expected: {item}")
    out += [f"unsafe URL: {x}" for x in found.bad_urls]
    out += [f"event handler: {h}" for h in sorted(found.handlers - base.handlers)]
    out += [f"style attribute: {s!r}" for s in sorted(found.styles - base.styles)]
    expected = list(base.scripts)
    for script in found.scripts:
        if script in expected:
            expected.remove(script)
        elif baseline is not None and _json_labels(script):
            continue
        else:
            out.append(f"script: {script!r}"[:300])
    return out

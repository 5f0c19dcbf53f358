"""What the tracker reads from the first part of a page: its charset, title, headings and text.

Japanese sites still serve Shift_JIS and EUC-JP, sometimes declaring it only in a ``<meta>``
tag, sometimes not at all; the decoder tries, in order, the HTTP header, a byte-order mark, the
``<meta>`` declaration, strict UTF-8, then the Japanese encodings, and only then Latin-1.
The text fingerprint is a 64-bit simhash (Charikar 2002) over word 3-shingles, with CJK text
cut into character bigrams because it has no spaces; near-identical pages differ in few bits.
"""

from __future__ import annotations

import codecs
import functools
import hashlib
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_:.\-]+)""", re.I)
_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?([A-Za-z0-9_:.\-]+)""", re.I)
_ALIASES = {
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "sjis": "cp932",
    "x-sjis": "cp932",
    "windows-31j": "cp932",
    "ms_kanji": "cp932",
    "euc-jp": "euc_jp",
    "x-euc-jp": "euc_jp",
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "us-ascii": "utf-8",
}
_WORD = re.compile(r"[^\W\d_]+|\d+", re.UNICODE)
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f]")
_SKIP = {"script", "style", "noscript", "template", "svg"}


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    name = name.strip().lower()
    name = _ALIASES.get(name, name)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def header_charset(content_type: str | None) -> str | None:
    """The charset named by a Content-Type header, if Python knows it."""
    if not content_type:
        return None
    m = _HEADER_CHARSET.search(content_type)
    return _codec(m.group(1)) if m else None


def decode(body: bytes, content_type: str | None = None) -> tuple[str, str]:
    """Decode the start of a page.

    Args:
        body: the first bytes of the page (possibly cut in the middle of a character).
        content_type: the Content-Type header, if any.

    Returns:
        (text, codec name used).
    """
    for bom, name in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16")):
        if body.startswith(bom):
            return body.decode(name, errors="replace").lstrip("\ufeff"), name
    candidates = [header_charset(content_type)]
    m = _META_CHARSET.search(body[:4096])
    if m:
        candidates.append(_codec(m.group(1).decode("ascii", "replace")))
    for name in candidates:
        if name:
            return body.decode(name, errors="replace"), name
    for name in ("utf-8", "cp932", "euc_jp"):
        # Not final: a bounded read may have cut the last character in two.
        try:
            codecs.getincrementaldecoder(name)().decode(body, final=False)
        except UnicodeDecodeError:
            continue
        return body.decode(name, errors="replace"), name
    return body.decode("cp1252", errors="replace"), "cp1252"


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.title: list[str] = []
        self.headings: list[str] = []
        self.text: list[str] = []
        self.metas: list[dict[str, str]] = []
        self._stack: list[str] = []
        self._in_title = False
        self._heading: list[str] | None = None
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self._skip += 1
        elif tag == "title":
            self._in_title = True
        elif tag in ("h1", "h2"):
            self._heading = []
        elif tag == "meta":
            self.metas.append({k.lower(): (v or "") for k, v in attrs})

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP and self._skip:
            self._skip -= 1
        elif tag == "title":
            self._in_title = False
        elif tag in ("h1", "h2") and self._heading is not None:
            self.headings.append(" ".join("".join(self._heading).split()))
            self._heading = None

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        if self._in_title:
            self.title.append(data)
            return
        if self._heading is not None:
            self._heading.append(data)
        self.text.append(data)


@dataclass
class Page:
    """What was read from a page."""

    title: str = ""
    headings: list[str] = field(default_factory=list)
    text: str = ""
    metas: list[dict[str, str]] = field(default_factory=list)
    raw: str = ""
    charset: str = ""

    @functools.cached_property
    def simhash(self) -> int:
        return simhash(self.title + "\n" + self.text)


def parse(body: bytes, content_type: str | None = None) -> Page:
    """Decode and read a page: title, h1/h2 headings, visible text and meta tags."""
    raw, charset = decode(body, content_type)
    reader = _Reader()
    try:
        reader.feed(raw)
        reader.close()
    except Exception:  # HTMLParser is lenient; anything it still chokes on leaves what it read
        pass
    return Page(
        title=" ".join("".join(reader.title).split()),
        headings=[h for h in reader.headings if h],
        text=" ".join(" ".join(reader.text).split()),
        metas=reader.metas,
        raw=raw,
        charset=charset,
    )


def tokens(text: str) -> list[str]:
    """Words of ``text``, lower-cased; runs of CJK characters become character bigrams."""
    out: list[str] = []
    for word in _WORD.findall(text.lower()):
        if _CJK.search(word):
            if len(word) == 1:
                out.append(word)
            out.extend(word[i : i + 2] for i in range(len(word) - 1))
        else:
            out.append(word)
    return out


def simhash(text: str, bits: int = 64) -> int:
    """A ``bits``-bit simhash of ``text`` over token 3-shingles (0 for empty text)."""
    toks = tokens(text)
    if not toks:
        return 0
    shingles = [" ".join(toks[i : i + 3]) for i in range(max(1, len(toks) - 2))]
    weights = [0] * bits
    for sh in shingles:
        h = int.from_bytes(hashlib.blake2b(sh.encode(), digest_size=8).digest(), "big")
        for b in range(bits):
            weights[b] += 1 if (h >> b) & 1 else -1
    return sum(1 << b for b in range(bits) if weights[b] > 0)


def distance(a: int, b: int) -> int:
    """Hamming distance between two simhashes."""
    return (a ^ b).bit_count()


def hex64(value: int) -> str:
    """A simhash as the 16 hex digits ``linkstatus.json`` stores."""
    return f"{value:016x}"

"""``python -m tools.new URL [options]``: print a filled-in ``resources.yaml`` entry for a new link.

The entry is ready to paste at the end of the ``resources:`` list. Facts that can be guessed from
the URL (id, type, language, access) are filled in; what needs a person's judgement is left as
``TODO`` text, which ``python -m tools.validate`` reports until it is written. With ``--check``
the URL is first compared (normalised) with every URL already in a catalogue.

Exit status: 0 entry printed, 1 the URL is already catalogued, 2 usage or input error.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import yaml

from tools.catalog import (
    ACCESS,
    LANGS,
    LEVELS,
    RESOURCE_TYPES,
    AtlasError,
    CatalogueReadError,
    analyse,
)
from tools.schema import RESOURCE, Field, Kind
from tools.urls import normalise_url, url_problem
from tools.validate import iso_date

DEFAULT_TOPIC = "self-attention"
DEFAULT_DEMO = "qkv_step_by_step"
TODO_TEXT = {
    "summary": ("TODO: 一行の要約", "TODO: what it is, in one line"),
    "why": ("TODO: なぜ役に立つか（自分の言葉で）", "TODO: why it helps, in our own words"),
    "highlights": ("TODO: 見どころ", "TODO: what to look at"),
    "*": ("TODO: 日本語で", "TODO: in English"),
}
"""What the skeleton leaves for a person to write, by field (``*``: any other text)."""

TYPE_BY_HOST = {
    "youtube.com": "video",
    "youtu.be": "video",
    "vimeo.com": "video",
    "nicovideo.jp": "video",
    "arxiv.org": "paper",
    "openreview.net": "paper",
    "aclanthology.org": "paper",
    "proceedings.mlr.press": "paper",
    "papers.nips.cc": "paper",
    "speakerdeck.com": "slides",
    "slideshare.net": "slides",
    "docs.google.com": "slides",
    "coursera.org": "course",
    "udemy.com": "course",
    "edx.org": "course",
    "wikipedia.org": "wiki",
    "scrapbox.io": "wiki",
    "cosen.se": "wiki",
    "devopedia.org": "wiki",
}
JA_HOSTS = (
    "qiita.com",
    "zenn.dev",
    "hatenablog.com",
    "hatena.ne.jp",
    "note.com",
    "scrapbox.io",
    "nikkei.com",
)
ACCESS_BY_HOST = {"coursera.org": "registration", "udemy.com": "paywall"}


class NewEntryError(AtlasError):
    """The URL or an option cannot make a catalogue entry."""


def _host_matches(host: str, domain: str) -> bool:
    return host == domain or host.endswith("." + domain)


def _lookup(host: str, table: dict[str, str], default: str) -> str:
    for domain, value in table.items():
        if _host_matches(host, domain):
            return value
    return default


def guess_type(url: str) -> str:
    """The resource type a URL's host suggests (``blog`` when nothing better is known)."""
    return _lookup((urlsplit(url).hostname or "").lower(), TYPE_BY_HOST, "blog")


def guess_lang(url: str) -> str:
    """``ja`` for Japanese hosts (``.jp`` and well-known Japanese platforms), else ``en``."""
    host = (urlsplit(url).hostname or "").lower()
    if host.endswith(".jp") or any(_host_matches(host, d) for d in JA_HOSTS):
        return "ja"
    return "en"


def guess_access(url: str) -> str:
    """``registration`` or ``paywall`` for hosts known to need them, else ``free``."""
    return _lookup((urlsplit(url).hostname or "").lower(), ACCESS_BY_HOST, "free")


def _slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def slug_from_url(url: str) -> str:
    """A resource id from the URL: its last meaningful path segment, else the host.

    YouTube videos become ``youtube-<video id>``, arXiv papers ``arxiv-<number>``; a Medium-style
    trailing hash (``-2d627e33b20a``) is dropped.
    """
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().removeprefix("www.")
    if _host_matches(host, "youtube.com") and parse_qs(parts.query).get("v"):
        return _slugify("youtube-" + parse_qs(parts.query)["v"][0]) or "youtube-video"
    if host == "youtu.be":
        return _slugify("youtube-" + parts.path.strip("/")) or "youtube-video"
    segments = [unquote(s) for s in parts.path.split("/") if s]
    segments = [re.sub(r"\.(html?|php|aspx?|pdf)$", "", s) for s in segments]
    if _host_matches(host, "arxiv.org") and segments:
        return _slugify("arxiv-" + re.sub(r"v\d+$", "", segments[-1]))
    for segment in reversed(segments):
        slug = re.sub(r"-[0-9a-f]{12}$", "", _slugify(segment))
        if slug and not slug.isdigit() and slug not in ("index", "entry", "items", "watch"):
            return slug
    base = _slugify(host.rsplit(".", 1)[0]) or "resource"
    tail = _slugify("-".join(segments[-1:]))
    return f"{base}-{tail}" if tail else base


def _scalar(value: object) -> str:
    """``value`` as a one-line YAML scalar (quoted only when it must be)."""
    dumped = yaml.safe_dump(value, allow_unicode=True, default_flow_style=True, width=10**6)
    return dumped.removesuffix("\n...\n").removesuffix("\n")


def _flow(items: Sequence[str]) -> str:
    return "[" + ", ".join(_scalar(item) for item in items) + "]"


def skeleton(
    url: str,
    *,
    rid: str | None = None,
    title: str | None = None,
    type_: str | None = None,
    lang: str | None = None,
    access: str | None = None,
    level: str = "beginner",
    topics: Sequence[str] = (),
    authors: Sequence[str] = (),
    year: int | None = None,
    demos: Sequence[str] = (),
    added: dt.date | None = None,
    indent: int = 2,
) -> str:
    """The YAML text of one new ``resources:`` item, ``TODO`` where a person must write.

    Args:
        url: the resource's absolute http(s) URL.
        rid: the id (default: from the URL); the others default to guesses from the host.
        indent: spaces before the item's ``-`` (match the catalogue's list).

    Returns:
        Lines ending in a newline, to paste at the end of the ``resources:`` list.

    Raises:
        NewEntryError: the URL is not an absolute http(s) URL.
    """
    problem = url_problem(url)
    if problem:
        raise NewEntryError(f"{url!r} is not an absolute http(s) URL: {problem}")
    known: dict[str, str] = {
        "id": _scalar(rid or slug_from_url(url)),
        "title": _scalar(title or "TODO: the title as published"),
        "url": _scalar(url),
        "authors": _flow(authors),
        "year": "null" if year is None else str(year),
        "type": type_ or guess_type(url),
        "lang": lang or guess_lang(url),
        "access": access or guess_access(url),
        "level": level,
        "topics": _flow(topics or [DEFAULT_TOPIC]),
        "added": (added or dt.date.today()).isoformat(),
        "demos": _flow(demos or [DEFAULT_DEMO]),
    }
    pad = " " * (indent + 2)
    lines: list[str] = []
    for f in RESOURCE.fields:
        if not f.in_skeleton:
            continue
        lead = f"{' ' * indent}- " if not lines else pad
        lines += _skeleton_field(f, known, lead, pad)
    return "\n".join(lines) + "\n"


def _skeleton_field(f: Field, known: dict[str, str], lead: str, pad: str) -> list[str]:
    """The lines of one field: a known value, else what its kind starts as (TODO text)."""
    if f.name in known:
        return [f"{lead}{f.name}: {known[f.name]}"]
    if f.kind is Kind.TEXT:
        ja, en = TODO_TEXT.get(f.name, TODO_TEXT["*"])
        return [f"{lead}{f.name}:", f"{pad}  ja: {_scalar(ja)}", f"{pad}  en: {_scalar(en)}"]
    if f.kind is Kind.TEXT_LIST:
        ja, en = TODO_TEXT.get(f.name, TODO_TEXT["*"]) if f.required else ("", "")
        ja_items = f"[{_scalar(ja)}]" if f.required else "[]"
        en_items = f"[{_scalar(en)}]" if f.required else "[]"
        return [f"{lead}{f.name}:", f"{pad}  ja: {ja_items}", f"{pad}  en: {en_items}"]
    if f.kind in (Kind.REFS, Kind.STRINGS, Kind.CHOICES, Kind.RECORDS):
        return [f"{lead}{f.name}: []"]
    if f.nullable or f.kind in (Kind.YEAR, Kind.ADDED):
        return [f"{lead}{f.name}: null"]
    raise NewEntryError(f"no skeleton for the required field '{f.name}' ({f.kind.value})")


def catalogued(catalogue: Path, url: str) -> list[tuple[str, str, int]]:
    """Entries of ``catalogue`` whose URL normalises like ``url``: (url, owner id, line).

    Works on a catalogue that has problems, as long as it is YAML.

    Raises:
        CatalogueReadError: the catalogue cannot be read or is not a YAML mapping.
    """
    problems, cat = analyse(catalogue)
    if cat is None:
        raise CatalogueReadError(problems)
    key = normalise_url(url)
    return [entry for entry in cat.all_urls() if normalise_url(entry[0]) == key]


def _unique_id(catalogue: Path, rid: str) -> str:
    _, cat = analyse(catalogue)
    taken = {r.id for r in cat.resources} if cat else set()
    candidate, n = rid, 2
    while candidate in taken:
        candidate, n = f"{rid}-{n}", n + 1
    return candidate


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; returns the exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m tools.new",
        description="Print a resources.yaml entry for URL, with TODO where a person must write.",
    )
    parser.add_argument("url", metavar="URL")
    parser.add_argument("--id", dest="rid", help="resource id (default: from the URL)")
    parser.add_argument("--title")
    parser.add_argument("--type", dest="type_", choices=RESOURCE_TYPES)
    parser.add_argument("--lang", choices=LANGS)
    parser.add_argument("--access", choices=ACCESS)
    parser.add_argument("--level", choices=LEVELS, default="beginner")
    parser.add_argument("--topic", action="append", default=[], help="topic id (repeatable)")
    parser.add_argument("--author", action="append", default=[], help="author (repeatable)")
    parser.add_argument("--demo", action="append", default=[], help="demo id (repeatable)")
    parser.add_argument("--year", type=int)
    parser.add_argument("--added", type=iso_date, help="date it was added (default: today)")
    parser.add_argument("--indent", type=int, default=2, help="spaces before '-' (default 2)")
    parser.add_argument(
        "--check",
        type=Path,
        metavar="CATALOGUE",
        help="first say whether the URL is already in CATALOGUE (exit 1 when it is)",
    )
    args = parser.parse_args(argv)
    rid = args.rid
    try:
        if args.check is not None:
            found = catalogued(args.check, args.url)
            for url, owner, line in found:
                print(f"{args.check}:{line}: already catalogued as {owner}: {url}", file=sys.stderr)
            if found:
                return 1
            print(f"{args.check}: {args.url} is not catalogued yet", file=sys.stderr)
            rid = rid or _unique_id(args.check, slug_from_url(args.url))
        text = skeleton(
            args.url,
            rid=rid,
            title=args.title,
            type_=args.type_,
            lang=args.lang,
            access=args.access,
            level=args.level,
            topics=args.topic,
            authors=args.author,
            year=args.year,
            demos=args.demo,
            added=args.added,
            indent=args.indent,
        )
    except AtlasError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Highlighting each demo code block once per build, out of the search indexer's way.

Every resource page embeds its demos' code (content tabs), output and command as fenced blocks,
so the same blocks are highlighted again on every page, and Material's search plugin then parses
the thousands of ``<span>`` elements Pygments wrapped them in. :class:`CodeCache` is a MkDocs
plugin that :func:`tools.site.build.mkdocs_build` adds to the configuration it loaded:

1. ``on_page_markdown``: each known block (exact Markdown text, indentation included) that stands
   between blank lines becomes a one-word placeholder paragraph, which Python-Markdown places
   where the block would have been without highlighting anything;
2. ``on_page_content``: the placeholder becomes the block's markup without ``<span>`` tags
   (the same text, so the search index is unchanged);
3. ``on_page_context``, after the search plugin: that markup becomes the highlighted HTML, made
   once per build by the build's own Markdown extensions from the block alone.

The generated Markdown is untouched, so ``mkdocs build`` and Zensical, which run without this
plugin, produce the same pages, only slower. A page whose placeholders do not come back as
expected is rendered again from its own Markdown, never left with a placeholder in it.
"""

from __future__ import annotations

import hashlib
import re
import textwrap
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import markdown
from mkdocs.plugins import BasePlugin, event_priority

from tools.site.inputs import SiteError

TOKEN_PREFIX = "atlas-code-"
_SPAN = re.compile(r"</?span\b[^>]*>")


@dataclass(frozen=True)
class Rendered:
    """One block's markup: without ``<span>`` tags (for the search indexer), and highlighted."""

    plain: str
    full: str


def block_key(block: str) -> str:
    """A short stable key of a fenced block's exact Markdown text."""
    return hashlib.sha256(block.encode("utf-8")).hexdigest()[:20]


def placeholder(block: str) -> str:
    """The one-word paragraph standing in for ``block``, at the block's indentation."""
    indent = block[: len(block) - len(block.lstrip(" "))]
    return f"{indent}{TOKEN_PREFIX}{block_key(block)}"


class CodeCache(BasePlugin):
    """A MkDocs plugin that renders the given fenced blocks once per build (see the module)."""

    def __init__(self, blocks: Iterable[str]) -> None:
        """Remember the blocks to swap.

        Args:
            blocks: fenced code blocks exactly as the generator writes them into pages.
        """
        super().__init__()
        unique = sorted({b for b in blocks if b.strip()})
        self.blocks = {block_key(b): b for b in unique}
        # Only a block that stands alone between blank lines is swapped: there, the placeholder
        # is a paragraph of its own, exactly where the code block would have been.
        self._patterns = {
            key: re.compile(r"(?<=\n\n)" + re.escape(b) + r"(?=\n\n)")
            for key, b in self.blocks.items()
        }
        self._md: markdown.Markdown | None = None
        self._rendered: dict[str, Rendered] = {}
        self._pending: dict[str, dict[str, int]] = {}  # page -> {key: copies swapped}
        self._sources: dict[str, str] = {}  # page -> its Markdown before the swap
        self.stats = {"swapped": 0, "rendered": 0, "fallbacks": 0}

    def on_config(self, config: Any) -> Any:
        """Start each build with a Markdown converter made from that build's own extensions."""
        self._md = markdown.Markdown(
            extensions=config["markdown_extensions"],
            extension_configs=config["mdx_configs"] or {},
        )
        self._rendered = {}
        self._pending = {}
        self._sources = {}
        return config

    def _render(self, key: str) -> Rendered:
        if key not in self._rendered:
            if self._md is None:
                raise SiteError("codecache: a page was rendered before the build's configuration")
            self._md.reset()
            full = self._md.convert(textwrap.dedent(self.blocks[key]))
            # The marker keeps two blocks with the same text apart; search ignores attributes.
            plain = _SPAN.sub("", full).replace("<div ", f'<div data-atlas-code="{key}" ', 1)
            if key not in plain or plain.count("<") > 8:
                raise SiteError(f"codecache: block {key} is not one code block: {full[:200]!r}")
            self._rendered[key] = Rendered(plain=plain, full=full)
            self.stats["rendered"] += 1
        return self._rendered[key]

    def on_page_markdown(self, markdown_text: str, *, page: Any, **_: Any) -> str:
        """Swap each known block in the page's Markdown for its placeholder paragraph."""
        src = page.file.src_uri
        text = f"\n\n{markdown_text}\n\n"
        swapped: dict[str, int] = {}
        for key, pattern in self._patterns.items():
            if self.blocks[key] not in text:  # far cheaper than the look-behind search
                continue
            text, count = pattern.subn(placeholder(self.blocks[key]), text)
            if count:
                swapped[key] = count
        self._pending[src] = swapped
        self._sources[src] = markdown_text
        return text[2:-2]

    def on_page_content(self, html: str, *, page: Any, config: Any, files: Any, **_: Any) -> str:
        """Turn each placeholder into the block's span-free markup.

        A page where a placeholder did not come out as its own paragraph (or where the token
        also appears in the text) is rendered again from its original Markdown instead.
        """
        src = page.file.src_uri
        swapped = self._pending.get(src, {})
        source = self._sources.pop(src, None)
        tags = {key: f"<p>{TOKEN_PREFIX}{key}</p>" for key in swapped}
        if any(
            html.count(TOKEN_PREFIX + k) != n or html.count(tags[k]) != n
            for k, n in swapped.items()
        ):
            self.stats["fallbacks"] += 1
            self._pending[src] = {}
            page.markdown = source
            page.render(config, files)
            return page.content
        for key, count in sorted(swapped.items()):
            html = html.replace(tags[key], self._render(key).plain)
            self.stats["swapped"] += count
        return html

    @event_priority(-100)  # after Material's search plugin has read page.content
    def on_page_context(self, context: Any, *, page: Any, **_: Any) -> Any:
        """Put the highlighted markup in place of the span-free one."""
        swapped = self._pending.pop(page.file.src_uri, {})
        content = page.content or ""
        for key in sorted(swapped):
            done = self._rendered[key]
            if content.count(done.plain) != swapped[key]:
                raise SiteError(f"{page.file.src_uri}: codecache lost a copy of block {key}")
            content = content.replace(done.plain, done.full)
        page.content = content
        return context

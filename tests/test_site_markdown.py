"""The rendering path for contributor text (``tools.site.markdown``, ``tools.site.html``).

The central property: whatever a contributor writes, what the generator emits is left exactly as
it is by the Python-Markdown that MkDocs (and Zensical) run over the generated page, in every
place the generator puts it (paragraph, list item, table cell, heading, link label, raw block),
and holds no live markup.
"""

from __future__ import annotations

import html as html_lib
from functools import lru_cache
from pathlib import Path

import markdown as python_markdown
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from live_html import HAZARDS, problems

from tools.site import markdown
from tools.site.html import link

REPO = Path(__file__).resolve().parent.parent

hostile = st.lists(st.one_of(st.sampled_from(HAZARDS), st.text(max_size=4)), max_size=24).map(
    "".join
)


@lru_cache(maxsize=1)
def _extensions() -> tuple[list, dict]:
    """The Markdown extensions and their settings, read from the project's MkDocs config."""

    class Loader(yaml.SafeLoader):  # mkdocs.base.yml reads settings from the environment
        pass

    Loader.add_constructor("!ENV", lambda loader, node: None)
    config = yaml.load((REPO / "mkdocs.base.yml").read_text(encoding="utf-8"), Loader=Loader)  # noqa: S506
    names: list[str] = []
    settings_: dict = {}
    for item in config["markdown_extensions"]:
        if isinstance(item, dict):
            ((name, options),) = item.items()
            names.append(name)
            settings_[name] = options or {}
        else:
            names.append(item)
    return names, settings_


@lru_cache(maxsize=1)
def _markdown() -> python_markdown.Markdown:
    names, options = _extensions()
    return python_markdown.Markdown(extensions=names, extension_configs=options)


def convert(source: str) -> str:
    """What Python-Markdown with the site's extensions makes of a generated page.

    One instance, reset before each page (as Python-Markdown documents for converting many
    texts): setting up the extensions costs three times the conversion itself.
    """
    return _markdown().reset().convert(source)


def _contexts(inline: str) -> list[str]:
    return [
        inline,
        f"- {inline}",
        f"1. **[x](a.md)**: {inline}",
        f"| a | b |\n|---|---|\n| {inline} | {inline} |",
        f"## {inline} {{#anchor}}",
        f"[{inline}](page.md)",
        f"text before {inline} and after",
    ]


def _assert_inert(fragment: str, contexts: list[str]) -> None:
    for source in contexts:
        out = convert(source)
        if fragment.strip():
            assert fragment in out, f"Markdown changed the fragment in {source!r}:\n{out}"
        assert not problems(out), (source, out, problems(out))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hostile)
@example("a \\`<img src=x onerror=alert(1)>` `b`")
@example("`a\n\n<img src=x onerror=alert(1)>\n\nb`")
@example("  ```\n<img src=x onerror=alert(1)>\n  ```")
def test_inline_text_is_left_alone_by_markdown(value: str) -> None:
    for fragment in (markdown.one_line(value), markdown.text(value)):
        assert "\n" not in fragment
        _assert_inert(fragment, _contexts(fragment))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hostile)
@example("```\n<script>alert(1)</script>\n```\n\n<iframe src=//e.example>")
@example("   ~~~\n<img src=x onerror=alert(1)>\n")
@example("[ref]\n\n[ref]: javascript:alert(1)\n")
def test_block_text_is_left_alone_by_markdown(value: str) -> None:
    block = markdown.prose(value)
    assert "\n" not in block and block.startswith('<div class="atlas-md">')
    _assert_inert(block, [block, f"Some text.\n\n{block}\n\n- a list"])


@settings(max_examples=200, deadline=None)
@given(hostile, hostile)
def test_attributes_and_links_stay_in_their_attribute(label: str, url: str) -> None:
    for fragment in (
        f'<span class="atlas-check" data-verdict="{markdown.attr(url)}" title="{markdown.attr(label)}">x</span>',
        link(label, url),
        link(label, "https://e.example/" + url),
    ):
        _assert_inert(fragment, _contexts(fragment))
        parsed = problems(fragment)
        assert not parsed


def test_link_to_a_markdown_link_in_a_url_is_one_inert_link() -> None:
    url = "https://example.org/[x](https://e.example/)autofocus/onfocus=alert(1)//"
    out = convert(f"- {link('t', url)}")
    assert out.count("<a ") == 1 and not problems(out)
    assert html_lib.unescape(out).count(url) == 1


def test_prose_keeps_formatting_and_safe_links() -> None:
    out = markdown.prose(
        'Some *emphasis*, `code`, [a link](https://example.org/a "t") and a list:\n\n'
        "1. one\n2. two\n\n> quoted\n\n```python\nx = 1\n```\n\n[m](mailto:a@example.org) "
        "[rel](../x/) [bad](javascript:alert(1))"
    )
    assert "<em>emphasis</em>" in out and "<code>code</code>" in out
    assert '<a href="https&#58;&#47;&#47;example&#46;org&#47;a" title="t"' in out
    assert "<ol><li>one</li><li>two</li></ol>" in out and "<blockquote><p>quoted" in out
    assert '<code class="language&#45;python">x &#61; 1&#10;</code>' in out
    assert 'href="mailto&#58;a&#64;example&#46;org"' in out
    assert 'href="&#46;&#46;&#47;x&#47;"' in out
    assert "javascript" not in html_lib.unescape(out).split("[bad]")[0]
    assert "[bad](javascript:alert(1))" in html_lib.unescape(out)


def test_sanitiser_refuses_what_the_renderer_never_makes() -> None:
    dirty = (
        '<p onclick="x">a<script>alert(1)</script><img src=x onerror=alert(1)>'
        '<a href="javascript:alert(1)">j</a><a href="//e.example/">p</a>'
        '<code class="x onclick">c</code><iframe src="x"></iframe><ol start="1 x"><li>i</li></ol>'
    )
    out = markdown.sanitise(dirty, markdown.INLINE_TAGS | markdown.BLOCK_TAGS)
    assert out == (
        '<p>a<a rel="nofollow noopener noreferrer">j</a>'
        '<a rel="nofollow noopener noreferrer">p</a><code>c</code></p><ol><li>i</li></ol>'
    )


def test_control_characters_and_markdown_placeholders_are_dropped() -> None:
    stash = "\x02wzxhzdk:0\x03"
    assert "\x02" not in markdown.one_line(stash) and "\x03" not in markdown.prose(stash)
    assert markdown.text("a\x00b\x7fc\ud800d") == "abcd"
    assert markdown.text("  several\n\nlines\tand  spaces ") == "several lines and spaces"

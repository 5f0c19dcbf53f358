"""Contributor text and link states can never become markup on the built site.

Three layers, all on real builds of a small fixture catalogue (records built directly, so the
validator never sees them: the generator must be safe on its own):

- Hypothesis fills every text-bearing field of the catalogue (resources, topics, extras,
  questions, paths) and every free-text ``linkstatus.json`` field (URLs, details, titles) with
  hostile strings and URLs; a few real ``mkdocs build`` runs, many strings each; every page is
  parsed. Verdicts, states and times in ``linkstatus.json`` have a closed form: a hostile one is
  refused when the file is read, naming the file, the link and the field (tested here too).
- A fixed table of the bypasses once found against the site, built with MkDocs and with Zensical
  and parsed;
- the same table loaded page by page in headless chromium: no dialog opens, no payload runs (each
  one sets ``window.__pwned``), no request leaves loopback.
"""

from __future__ import annotations

import html
import json
import re
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from live_html import HAZARDS, Scan, problems, scan
from site_fixture import FIXTURE, make_root, shared_root, zensical_build

from tools.catalog import Catalogue, Text, TextList, load
from tools.errors import AtlasError
from tools.site.build import build_site
from tools.site.generate import Layout, generate
from tools.vocab import LinkState, Verdict

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]
LINK_STATES = LinkState.values()
VERDICTS = Verdict.values()


def run(key: str) -> str:
    """Script that marks which payload ran (``window.__pwned_<key>``) and opens a dialog."""
    return f"window.__pwned_{key}=1;alert(1)"


def img(key: str) -> str:
    return f'<img src=x onerror="{run(key)}">'


# The bypass classes found against the regex sanitiser: field -> hostile value, per class.
BYPASSES: dict[str, dict[str, str]] = {
    "backslash-escaped backtick in a summary": {
        "summary": f"A \\` {img('summary')} ` b",
        "summary2": f"\\`` {img('summary2')} ``",
    },
    "URL holding Markdown link syntax and autofocus onfocus": {
        "url": f"https://example.org/[x](x/autofocus/onfocus={run('url')}//)",
        "alternate_url": f'https://example.org/[x](y)"autofocus onfocus="{run("alternate_url")}"',
        "extra_url": f"https://example.org/a?[b](c)tabindex=1/autofocus/onfocus={run('extra')}//",
    },
    "code span spanning a blank line": {
        "why": f"`a\n\n{img('why')}\n\nb`",
    },
    "fence indented one to three spaces": {
        "answer": f" ```\n{img('answer1')}\n ```\n\n  ```\n{img('answer2')}\n  ```\n\n"
        f"   ~~~\n{img('answer3')}\n   ~~~",
        "caveat": f"   ```\n{img('caveat')}\n",
    },
    "fence opened in one field and closed in another (learning paths)": {
        "path_description": "Start here.\n\n   ~~~",
        "step_note_1": f"`{img('step_note1')}` ~~~",
        "step_note_2": f"~~~ `{img('step_note2')}`",
        "path_title": "```",
    },
    "hand-edited archive copy of a link": {
        "archive_url": f"javascript:{run('archive_url')}",
    },
    "img with a slash before its attributes": {
        "title": f"<img/=x src=x onerror={run('title')}>",
        "highlight": f"<img/=x src=x onerror={run('highlight')}>",
    },
    "other classic payloads": {
        "author": f'"><script>{run("author")}</script>',
        "publisher": f"&lt;/title&gt;&lt;script&gt;{run('publisher')}&lt;/script&gt;",
        "series": f"</title><script>{run('series')}</script>",
        "topic": f"</script><script>{run('topic')}</script>",
        "status_note": f'[x](javascript:{run("status1")}) {{: onclick="{run("status2")}"}} '
        f'<svg onload="{run("status3")}">',
        "url_reason": f"[r]\n\n[r]: javascript:{run('reason1')}\n\n<javascript:{run('reason2')}>",
        "extra_note": f"<iframe src=javascript:{run('extra_note')}></iframe>\x02wzxhzdk:0\x03",
        "question": f'x{{: onmouseover="{run("q1")}" autofocus onfocus="{run("q2")}" tabindex=1}}',
    },
}
IMG = img("note")

# Hand-edited link-history values that once broke out of an attribute. Verdicts, states and
# times have a closed form, so the link-history model refuses them when the file is read, before
# any page is written: (the field as the error names it, the hostile value).
REFUSED_LINK_VALUES = {
    "verdict": ("history[0].verdict", f"[x](/autofocus/tabindex=1\tonfocus={run('verdict')}//)"),
    "verdict2": ("history[0].verdict", f"ok` {img('verdict2')} `"),
    "verdict3": ("history[0].verdict", f'ok" autofocus tabindex=1 onfocus="{run("verdict3")}" x="'),
    "at": ("history[0].at", f'2026"><img src=x onerror="{run("at")}">'),
    "last_checked": ("last_checked", f"`{img('last_checked')}"),
    "state": ("state", f'dead" onmouseover="{run("state")}'),
}


def _table() -> dict[str, str]:
    merged: dict[str, str] = {}
    for case in BYPASSES.values():
        merged.update(case)
    return merged


# --------------------------------------------------------------------- filling the fixture


class _Source:
    """Hands out the next hostile string or URL, cycling."""

    def __init__(self, strings: list[str], urls: list[str]) -> None:
        self.strings = strings or [""]
        self.urls = urls or ["https://example.org/"]
        self.i = self.j = 0

    def s(self) -> str:
        self.i += 1
        return self.strings[(self.i - 1) % len(self.strings)]

    def url(self) -> str:
        self.j += 1
        return self.urls[(self.j - 1) % len(self.urls)]

    def text(self) -> Text:
        return Text(ja=self.s(), en=self.s())

    def texts(self, n: int = 2) -> TextList:
        return TextList(ja=tuple(self.s() for _ in range(n)), en=tuple(self.s() for _ in range(n)))


def fill(cat: Catalogue, src: _Source) -> Catalogue:
    """The fixture catalogue with a hostile value in every field a contributor can type.

    Ids stay as they are (they name files and anchors; the generator refuses resource ids that
    are not slugs and reduces the others to safe anchors, so a hostile id only breaks its own
    links, which the strict build reports); the values of the closed vocabularies (type, level,
    kinds...) are hostile too.
    """
    resources = []
    for r in cat.resources:
        url = None if r.url is None else src.url()
        alternates = tuple(
            replace(a, url=src.url(), title=src.s(), note=src.text(), kind=src.s(), lang=src.s())
            for a in r.alternates
        ) or (replace_alt(src),)
        resources.append(
            replace(
                r,
                title=src.s(),
                series=src.s(),
                url=url,
                url_reason=src.text() if url is None else None,
                alternates=alternates,
                authors=(src.s(), src.s()),
                publisher=src.s(),
                summary=src.text(),
                why=src.text(),
                highlights=src.texts(),
                caveats=src.texts(),
                status_note=src.text(),
                type=src.s(),
                lang=src.s(),
                access=src.s(),
                level=src.s(),
                marks=(src.s(), "starred"),
            )
        )
    topics = tuple(replace(t, label=src.text()) for t in cat.topics)
    extras = tuple(
        replace(
            e,
            id=src.s(),
            title=src.s(),
            url=src.url(),
            note=src.text(),
            kind=src.s(),
            lang=src.s(),
            authors=(src.s(),),
        )
        for e in cat.extras
    )
    questions = tuple(replace(q, question=src.text(), answer=src.text()) for q in cat.questions)
    paths = tuple(
        replace(
            p,
            level=src.s(),
            title=src.text(),
            description=src.text(),
            steps=tuple(replace(s, note=src.text()) for s in p.steps),
        )
        for p in cat.paths
    )
    return replace(
        cat,
        resources=tuple(resources),
        topics=topics,
        extras=extras,
        questions=questions,
        paths=paths,
    )


def replace_alt(src: _Source) -> Any:
    from tools.catalog import Alternate

    return Alternate(url=src.url(), kind="moved", lang="en", title=src.s(), note=src.text())


def link_states(cat: Catalogue, src: _Source) -> dict[str, Any]:
    """A ``linkstatus.json`` with a hostile value in every field the site shows, for every URL."""
    links = {}
    for n, (url, owner, _line) in enumerate(cat.all_urls()):
        at = f"2026-11-{n % 28 + 1:02d}T09:00:00Z"  # times and vocabulary words are checked
        history = [
            {"at": at, "verdict": VERDICTS[(n + i) % len(VERDICTS)], "http_status": 200 + n,
             "elapsed_ms": 1}
            for i in range(3)
        ]  # fmt: skip
        links[url] = {
            "resources": [owner],
            "state": LINK_STATES[n % len(LINK_STATES)],
            "verdict": VERDICTS[n % len(VERDICTS)],
            "first_seen": at,
            "last_checked": at,
            "last_ok": at,
            "failing_since": at if n % 2 else None,
            "http_status": 404,
            "final_url": src.url(),
            "detail": src.s(),
            "fingerprint": {"title": src.s(), "simhash": "0123456789abcdef", "at": at},
            "history": history,
            "archive_url": src.url(),
            "archive_timestamp": src.s(),
        }
    return {"version": 1, "updated_at": "2026-11-30T09:00:00Z", "links": links}


def bypass_inputs() -> tuple[Catalogue, dict[str, Any]]:
    """The fixture catalogue and link states with the bypass table placed where each belongs."""
    v = _table()
    cat = load(FIXTURE / "resources.yaml")
    both = lambda s: Text(ja=s, en=s)  # noqa: E731
    first, second, lost, gone = cat.resources
    from tools.catalog import Alternate

    first = replace(
        first,
        title=v["title"],
        series=v["series"],
        url=v["url"],
        authors=(v["author"],),
        publisher=v["publisher"],
        summary=both(v["summary"]),
        why=both(v["why"]),
        highlights=TextList(ja=(v["highlight"],), en=(v["highlight"],)),
        caveats=TextList(ja=(v["caveat"],), en=(v["caveat"],)),
        status_note=both(v["status_note"]),
        alternates=(
            Alternate(url=v["alternate_url"], kind="translation", lang="ja", title=v["title"]),
            Alternate(url="https://example.org/alt", kind="moved", lang="en", note=both(IMG)),
        ),
    )
    second = replace(second, summary=both(v["summary2"]), title=v["publisher"])
    lost = replace(lost, url_reason=both(v["url_reason"]), title=v["series"])
    topics = (replace(cat.topics[0], label=both(v["topic"])),) + cat.topics[1:]
    extras = tuple(replace(e, url=v["extra_url"], note=both(v["extra_note"])) for e in cat.extras)
    questions = tuple(
        replace(q, question=both(v["question"]), answer=both(v["answer"])) for q in cat.questions
    )
    paths = []
    for p in cat.paths:
        notes = [v["step_note_1"], v["step_note_2"]]
        steps = tuple(replace(s, note=both(notes[i % 2])) for i, s in enumerate(p.steps))
        paths.append(
            replace(
                p, title=both(v["path_title"]), description=both(v["path_description"]), steps=steps
            )
        )
    cat = replace(
        cat,
        resources=(first, second, lost, gone),
        topics=topics,
        extras=extras,
        questions=questions,
        paths=tuple(paths),
    )
    states = json.loads((FIXTURE / "linkstatus.json").read_text(encoding="utf-8"))
    entry = states["links"]["https://example.org/gone-paper"]
    entry["archive_url"] = v["archive_url"]
    for url in (v["url"], v["alternate_url"], v["extra_url"]):
        states["links"][url] = dict(entry, archive_url=v["url"])
    return cat, states


# --------------------------------------------------------------------- building


def _build(root: Path, cat: Catalogue, states: dict[str, Any] | None) -> Path:
    if states is not None:
        (root / "linkstatus.json").write_text(json.dumps(states), encoding="utf-8")
    build_site(Layout.at(root), catalogue=cat)
    return root / "site"


def _zensical_build(root: Path, cat: Catalogue, states: dict[str, Any] | None) -> Path:
    # Not strict: hostile text may make Zensical warn; what matters is what it writes.
    if states is not None:
        (root / "linkstatus.json").write_text(json.dumps(states), encoding="utf-8")
    return zensical_build(root, cat, strict=False)


def _pages(site: Path) -> dict[str, str]:
    return {
        p.relative_to(site).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(site.rglob("*.html"))
    }


def _baseline(pages: dict[str, str]) -> dict[str, Scan]:
    return {rel: scan(page) for rel, page in pages.items()}


def _assert_no_live_markup(pages: dict[str, str], baseline: dict[str, Scan]) -> None:
    assert len(pages) > 20
    found = []
    for rel, page in pages.items():
        found += [f"{rel}: {p}" for p in problems(page, baseline.get(rel, Scan()))]
    assert not found, "\n".join(found[:20])


@pytest.fixture(scope="module")
def clean_mkdocs(fixture_site: Path) -> dict[str, Scan]:
    return _baseline(_pages(fixture_site))


@pytest.fixture(scope="module")
def clean_zensical(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Scan]:
    return _baseline(_pages(shared_root(tmp_path_factory, "zensical-fixture") / "site"))


@pytest.fixture(scope="module")
def bypass_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    cat, states = bypass_inputs()
    return _build(make_root(tmp_path_factory.mktemp("bypass")), cat, states)


@pytest.fixture(scope="module")
def bypass_zensical_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    cat, states = bypass_inputs()
    return _zensical_build(make_root(tmp_path_factory.mktemp("bypass-zensical")), cat, states)


# --------------------------------------------------------------------- the tests

hostile_text = st.lists(st.one_of(st.sampled_from(HAZARDS), st.text(max_size=6)), max_size=16).map(
    "".join
)
URL_HEADS = [
    "https://example.org/",
    "http://example.org/a?",
    "javascript:",
    "JaVa\tScRiPt:",
    "data:text/html,",
    "vbscript:",
    "//example.org/",
    " https://example.org/",
    "https://example.org/[x](https://example.org/)",
    'https://example.org/"',
    "mailto:",
]
hostile_url = st.tuples(st.sampled_from(URL_HEADS), hostile_text).map("".join)


@settings(
    max_examples=3,
    phases=(Phase.explicit, Phase.reuse, Phase.generate),  # a shrink would cost minutes of builds
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    strings=st.lists(hostile_text.filter(lambda s: "\ud800" not in s), min_size=150, max_size=150),
    urls=st.lists(hostile_url.filter(lambda s: "\ud800" not in s), min_size=30, max_size=30),
)
def test_random_hostile_text_everywhere_builds_without_live_markup(
    clean_mkdocs: dict[str, Scan], strings: list[str], urls: list[str]
) -> None:
    src = _Source(strings, urls)
    cat = fill(load(FIXTURE / "resources.yaml"), src)
    states = link_states(cat, src)
    with tempfile.TemporaryDirectory() as tmp:
        site = _build(make_root(Path(tmp)), cat, states)
        _assert_no_live_markup(_pages(site), clean_mkdocs)


def test_bypass_table_builds_without_live_markup_with_mkdocs(
    bypass_site: Path, clean_mkdocs: dict[str, Scan]
) -> None:
    pages = _pages(bypass_site)
    _assert_no_live_markup(pages, clean_mkdocs)
    shown = html.unescape(re.sub(r"<[^>]+>", "", pages["en/resources/first-guide/index.html"]))
    assert img("summary") in shown, "the payloads are shown as text"


def test_bypass_table_builds_without_live_markup_with_zensical(
    bypass_zensical_site: Path, clean_zensical: dict[str, Scan]
) -> None:
    _assert_no_live_markup(_pages(bypass_zensical_site), clean_zensical)


@pytest.mark.parametrize("case", sorted(REFUSED_LINK_VALUES))
def test_hostile_verdicts_states_and_times_are_refused_before_any_page(
    tmp_path: Path, case: str
) -> None:
    field, value = REFUSED_LINK_VALUES[case]
    root = make_root(tmp_path)
    states = json.loads((root / "linkstatus.json").read_text(encoding="utf-8"))
    entry = states["links"]["https://example.org/gone-paper"]
    if field.startswith("history[0]."):
        entry["history"][0][field.split(".")[1]] = value
    else:
        entry[field] = value
    (root / "linkstatus.json").write_text(json.dumps(states), encoding="utf-8")
    with pytest.raises(AtlasError) as refused:
        generate(load(root / "resources.yaml"), Layout.at(root))
    assert str(refused.value).startswith(
        f"{root / 'linkstatus.json'}: links['https://example.org/gone-paper'].{field}"
    )
    assert not (root / "build").exists(), "no page is written from a refused history"


# --------------------------------------------------------------------- in the browser


def _visit_all(browser: Any, site: Path, builder: str) -> tuple[list[str], list[str], list[str]]:
    """Load every page of ``site`` and search it: (payloads that ran, dialogs, refused URLs)."""
    from browser_helpers import record_leaving_requests

    from tools.site.screenshot import serve_directory

    ran: list[str] = []
    dialogs: list[str] = []
    refused: list[str] = []
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("index.html"))
    assert len(pages) > 20
    with serve_directory(site) as base:
        context = browser.new_context(viewport={"width": 1200, "height": 900})
        try:
            record_leaving_requests(context, refused)
            page = context.new_page()
            page.set_default_timeout(20_000)

            def on_dialog(dialog: Any) -> None:
                dialogs.append(page.url)
                dialog.dismiss()

            page.on("dialog", on_dialog)
            for rel in pages:
                page.goto(base + rel, wait_until="load")
                page.keyboard.press("Tab")  # focus handlers need a focusable target
                marks = page.evaluate(
                    "() => Object.keys(window).filter((k) => k.startsWith('__pwned'))"
                )
                ran += [f"{rel}: {mark}" for mark in marks]
            ran += [f"search: {mark}" for mark in _search(page, base + "en/", builder, "onerror")]
        finally:
            context.close()
    return ran, dialogs, refused


@pytest.mark.browser
@pytest.mark.parametrize("builder", ["mkdocs", "zensical"])
def test_bypass_table_runs_nothing_in_the_browser(
    builder: str, browser: Any, request: pytest.FixtureRequest
) -> None:
    site = request.getfixturevalue("bypass_site" if builder == "mkdocs" else "bypass_zensical_site")
    ran, dialogs, refused = _visit_all(browser, site, builder)
    assert not ran, "payloads ran:\n" + "\n".join(ran)
    assert not dialogs, f"dialogs opened on {dialogs}"
    assert not refused, f"requests tried to leave loopback: {refused}"


def _search(page: Any, home: str, builder: str, query: str) -> list[str]:
    """Search the hostile site for a word of the payloads; the result list renders them."""
    page.goto(home, wait_until="load")
    if builder == "zensical":
        page.locator(".md-search__button").first.click()
        box = page.locator("input[aria-controls$='-results']").first
        results = page.locator("[id$='-results'] [role=option]")
    else:
        box = page.locator("input.md-search__input")
        results = page.locator(".md-search-result__item")
    box.wait_for(state="visible")
    box.click()
    page.wait_for_load_state("networkidle")
    box.fill(query)
    box.press("End")
    results.first.wait_for(state="visible", timeout=20_000)
    assert results.count() >= 1, "the payloads are in the search index, as text"
    return page.evaluate("() => Object.keys(window).filter((k) => k.startsWith('__pwned'))")


def test_control_characters_and_lone_surrogates_build_and_vanish(
    tmp_path: Path, clean_mkdocs: dict[str, Scan]
) -> None:
    """What the validator refuses (\\x7f breaks front matter, a lone surrogate cannot be encoded)
    still never crashes the generator nor reaches a page."""
    odd = ["a\ud800b", "t\x7fi\x00t\x1b[31ml\x85e", "\x02wzxhzdk:0\x03", "x\udfff`y`"]
    src = _Source(odd, ["https://example.org/\ud800", "https://example.org/a\x7f"])
    cat = fill(load(FIXTURE / "resources.yaml"), src)
    site = _build(make_root(tmp_path), cat, link_states(cat, src))
    pages = _pages(site)
    _assert_no_live_markup(pages, clean_mkdocs)
    for rel, page in pages.items():
        assert not any(ch in page for ch in "\x00\x02\x03\x7f\x85\x1b"), rel
    shown = html.unescape(pages["en/resources/first-guide/index.html"])
    assert "ab" in shown and "title" in shown.replace("\ufffd", "")

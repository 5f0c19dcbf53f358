"""Browser tests: headless chromium (Playwright) against pages served on 127.0.0.1.

Two layers:
- the self-hosted scripts in ``site_assets/`` on a tiny hand-made page (fast, no build), and
- the built site, three ways: the fixture catalogue, the real catalogue (when ``resources.yaml``
  exists) and the fixture catalogue built by Zensical: home in both languages, the language
  switch, Japanese search, catalogue filters, the attention explorer (hover, keyboard, both
  palettes, no JavaScript), every page.

Every page is watched: a console error, an uncaught exception or a request to any host other
than 127.0.0.1 fails the test. Without chromium these tests skip, except when ``CI=true``:
there they fail, because CI must run them.
"""

from __future__ import annotations

import functools
import html as html_lib
import http.server
import io
import json
import os
import shutil
import threading
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from browser_helpers import browser_unavailable, record_leaving_requests
from site_fixture import FIXTURE, make_root, mkdocs_site, shared_root

from tools.site.screenshot import guard_loopback, serve_directory

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]

REPO = Path(__file__).resolve().parent.parent
ASSETS = REPO / "site_assets"


@dataclass
class Watched:
    """A page with everything that went wrong on it collected."""

    page: Any
    refused: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    expected: list[str] = field(default_factory=list)

    def assert_clean(self) -> None:
        assert not self.refused, f"requests tried to leave loopback: {self.refused}"
        errors = [e for e in self.errors if not any(x in e for x in self.expected)]
        assert not errors, f"console errors: {errors}"


@pytest.fixture
def watched(browser: Any) -> Iterator[Watched]:
    """A fresh page whose console errors and non-loopback requests fail the test."""
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    w = Watched(page=None)
    record_leaving_requests(context, w.refused)
    page = context.new_page()
    w.page = page
    page.set_default_timeout(15_000)
    page.on(
        "console", lambda m: w.errors.append(f"{m.text} ({m.location})") if m.type == "error" else 0
    )
    page.on("pageerror", lambda e: w.errors.append(f"uncaught: {e}"))
    try:
        yield w
    finally:
        context.close()
    w.assert_clean()


# ---------------------------------------------------------------- the scripts on a tiny page

EXPLORER = {
    "views": [
        {
            "name": "sentence",
            "tokens": ["the", "cat", "sat"],
            "heads": [
                {
                    "label": "head 1",
                    "weights": [[0.7, 0.2, 0.1], [0.1, 0.6, 0.3], [0.05, 0.8, 0.15]],
                },
                {
                    "label": "head 2",
                    "weights": [[0.2, 0.3, 0.5], [0.4, 0.4, 0.2], [0.9, 0.05, 0.05]],
                },
            ],
        },
        {
            "name": {"ja": "ペア", "en": "pair"},  # per language; "sentence" is the older form
            "tokens": ["a", "b"],
            "heads": [{"label": "h", "weights": [[1, 0], [0.25, 0.75]]}],
        },
        {
            "name": {"ja": "交差注意", "en": "cross " + "very long name " * 8},
            "tokens": ["x", "y", "z"],
            "query_tokens": ["p", "q"],
            "heads": [{"label": "h", "weights": [[0.1, 0.2, 0.7], [0.6, 0.3, 0.1]]}],
        },
    ]
}

LABELS = {
    "facets": [
        {"key": "type", "label": "Type", "values": {"blog": "Blog", "video": "Video"}},
        {"key": "lang", "label": "Language", "values": {"ja": "Japanese", "en": "English"}},
        {"key": "topics", "label": "Topic", "values": {"bert": "BERT", "masking": "Masking"}},
        {"key": "state", "label": "Link", "values": {"alive": "Alive", "dead": "Dead"}},
    ],
    "all": "All",
    "shown": "{n} of {m} shown",
}

ITEMS = [
    ("r1", "blog", "en", "beginner", "bert masking", "alive"),
    ("r2", "video", "ja", "beginner", "masking", "dead"),
    ("r3", "blog", "ja", "advanced", "bert", "alive"),
]

TINY_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>tiny</title><link rel="icon" href="data:,">
<link rel="stylesheet" href="atlas/atlas.css"></head><body>
<div class="atlas-catalogue">{items}</div>
<script type="application/json" id="atlas-filter-labels">{labels}</script>
<div class="atlas-explorer" id="good" data-src="data/explorer.json" data-view="0"></div>
<figure id="static"><img alt="static figure" src="data/fig.svg"></figure>
<div class="atlas-explorer" id="missing" data-src="data/nothing.json" data-view="0"></div>
<div class="atlas-explorer" id="bad" data-src="data/bad.json" data-view="0"></div>
<script src="atlas/filters.js"></script><script src="atlas/explorer.js"></script>
</body></html>
"""


# A page two levels below its site root (Material's __config.base), whose language links point
# at each language's root, plus one that already points at the same page.
SWITCH_PAGE = """<!doctype html>
<html lang="ja"><head><meta charset="utf-8"><title>switch</title><link rel="icon" href="data:,">
</head><body>
<script id="__config" type="application/json">{"base": "../.."}</script>
<a class="md-select__link" hreflang="ja" href="../../">ja</a>
<a class="md-select__link" hreflang="en" href="../../en/">en</a>
<a class="md-select__link" hreflang="fr" href="../../fr/resources/x/">fr</a>
<script src="../../../atlas/langswitch.js"></script>
</body></html>
"""


@pytest.fixture(scope="module")
def tiny_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A hand-made page using the real site_assets/ scripts, served on loopback."""
    root = tmp_path_factory.mktemp("tiny")
    shutil.copytree(ASSETS, root / "atlas")
    (root / "data").mkdir()
    (root / "data" / "explorer.json").write_text(json.dumps(EXPLORER), encoding="utf-8")
    (root / "data" / "bad.json").write_text('{"views": [{"tokens": ["x"]}]}', encoding="utf-8")
    (root / "data" / "fig.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>', encoding="utf-8"
    )
    items = "".join(
        f'<div class="atlas-item" id="{i}" data-type="{t}" data-lang="{la}" data-level="{le}" '
        f'data-topics="{to}" data-state="{s}">{i}</div>'
        for i, t, la, le, to, s in ITEMS
    )
    (root / "index.html").write_text(
        TINY_PAGE.format(items=items, labels=json.dumps(LABELS)), encoding="utf-8"
    )
    switch = root / "switch" / "resources" / "x"
    switch.mkdir(parents=True)
    (switch / "index.html").write_text(SWITCH_PAGE, encoding="utf-8")
    with serve_directory(root) as base:
        yield base


def _visible_items(page: Any) -> list[str]:
    return page.eval_on_selector_all(
        ".atlas-item", "els => els.filter(e => !e.hidden).map(e => e.id)"
    )


def _weights(page: Any, root: str) -> list[str]:
    return page.eval_on_selector_all(
        f"{root} .atlas-token__weight", "els => els.map(e => e.textContent)"
    )


def _tiny(watched: Watched, base: str) -> Any:
    page = watched.page
    watched.expected.append("/data/nothing.json")  # the "missing" hook's 404 is on purpose
    page.goto(base + "index.html")
    page.wait_for_selector("#good.atlas-explorer--ready")
    return page


def test_filters_build_one_select_per_facet_and_narrow(watched: Watched, tiny_site: str) -> None:
    page = _tiny(watched, tiny_site)
    facets = page.eval_on_selector_all("select[data-facet]", "els => els.map(e => e.name)")
    assert facets == ["type", "lang", "topics", "state"]  # level has no labels entry: not offered
    count = page.locator(".atlas-filters__count")
    assert count.text_content() == "3 of 3 shown"
    page.select_option("select[name=type]", "blog")
    assert _visible_items(page) == ["r1", "r3"]
    assert count.text_content() == "2 of 3 shown"
    page.select_option("select[name=topics]", "masking")  # multi-valued attribute
    assert _visible_items(page) == ["r1"]
    assert "type=blog" in page.url and "topics=masking" in page.url
    page.click(".atlas-filters__reset")
    assert _visible_items(page) == ["r1", "r2", "r3"]
    options = page.eval_on_selector_all(
        "select[name=lang] option", "els => els.map(e => [e.value, e.textContent])"
    )
    assert options == [["", "All"], ["ja", "Japanese"], ["en", "English"]]


def test_filters_restore_from_query_string(watched: Watched, tiny_site: str) -> None:
    page = watched.page
    watched.expected.append("/data/nothing.json")
    page.goto(tiny_site + "index.html?state=dead")
    page.wait_for_selector(".atlas-filters__count")
    assert _visible_items(page) == ["r2"]
    assert page.input_value("select[name=state]") == "dead"


def test_explorer_hover_shows_the_row_of_weights(watched: Watched, tiny_site: str) -> None:
    page = _tiny(watched, tiny_site)
    queries = page.locator("#good .atlas-query")
    assert queries.count() == 3
    queries.nth(2).hover()
    assert _weights(page, "#good") == ["0.05", "0.80", "0.15"]
    assert queries.nth(2).get_attribute("aria-pressed") == "true"
    cells = page.locator("#good .atlas-token")
    # One fixed 0..1 scale: the tint is the weight itself, not the weight over the row's maximum.
    tints = [
        float(cells.nth(i).evaluate("e => e.style.getPropertyValue('--atlas-w')")) for i in range(3)
    ]
    assert tints == [0.05, 0.8, 0.15]
    bg = [cells.nth(i).evaluate("e => getComputedStyle(e).backgroundColor") for i in range(3)]
    assert bg[1] != bg[0], "the most attended token must look different"
    assert "cat 0.80" in page.locator("#good .atlas-explorer__status").text_content()
    legend = page.locator("#good .atlas-explorer__legend").text_content()
    assert "0.00" in legend and "1.00" in legend


def test_explorer_tap_selects_a_query(browser: Any, tiny_site: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True)
    try:
        page = context.new_page()
        page.goto(tiny_site + "index.html")
        page.wait_for_selector("#good.atlas-explorer--ready")
        page.locator("#good .atlas-query").nth(1).tap()
        assert _weights(page, "#good") == ["0.10", "0.60", "0.30"]
    finally:
        context.close()


def test_explorer_keyboard_and_head_and_view_selectors(watched: Watched, tiny_site: str) -> None:
    page = _tiny(watched, tiny_site)
    page.locator("#good .atlas-query").first.focus()
    assert _weights(page, "#good") == ["0.70", "0.20", "0.10"]
    page.keyboard.press("ArrowRight")
    assert page.evaluate("document.activeElement.dataset.index") == "1"
    assert _weights(page, "#good") == ["0.10", "0.60", "0.30"]
    page.keyboard.press("End")
    assert page.evaluate("document.activeElement.dataset.index") == "2"
    page.keyboard.press("ArrowRight")  # wraps around
    assert page.evaluate("document.activeElement.dataset.index") == "0"
    # One tab stop for the whole row (roving tabindex): Tab leaves the query buttons.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('atlas-query')") is False
    # Accessible names are the visible labels.
    good = page.locator("#good")
    assert good.get_by_role("button", name="cat", exact=True).count() == 1
    assert good.locator("[aria-label]").count() == 0
    selects = page.locator("#good select")
    assert selects.count() == 2  # a view selector and a head selector
    assert selects.nth(0).locator("option").all_text_contents()[:2] == ["sentence", "pair"]
    page.locator("#good .atlas-query").nth(2).focus()
    selects.nth(1).select_option("1")  # head 2
    assert _weights(page, "#good") == ["0.90", "0.05", "0.05"]
    selects.nth(0).select_option("1")  # view "pair": one head, so no head selector
    assert page.locator("#good .atlas-query").count() == 2
    assert page.locator("#good select").count() == 1


def test_explorer_cross_attention_is_rectangular(watched: Watched, tiny_site: str) -> None:
    page = _tiny(watched, tiny_site)
    page.locator("#good select").first.select_option("2")
    good = page.locator("#good")
    assert good.locator(".atlas-query").all_text_contents() == ["p", "q"]
    assert good.locator(".atlas-token__text").all_text_contents() == ["x", "y", "z"]
    good.locator(".atlas-query").nth(1).hover()
    assert _weights(page, "#good") == ["0.60", "0.30", "0.10"]
    assert "q" in good.locator(".atlas-explorer__status").text_content()
    # A bilingual view name is shown in the page's language (this page is English).
    names = good.locator("select option").all_text_contents()
    assert names[2].startswith("cross very long name")


def test_explorer_fits_a_narrow_phone(browser: Any, tiny_site: str) -> None:
    context = browser.new_context(viewport={"width": 320, "height": 640})
    try:
        page = context.new_page()
        page.goto(tiny_site + "index.html")
        page.wait_for_selector("#good.atlas-explorer--ready")
        page.locator("#good select").first.select_option("2")  # the long view name
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 320, f"the page scrolls sideways: {width} px"
    finally:
        context.close()


def test_explorer_broken_data_degrades_to_the_figure(watched: Watched, tiny_site: str) -> None:
    page = _tiny(watched, tiny_site)
    page.wait_for_selector("#bad.atlas-explorer--failed")
    page.wait_for_selector("#missing.atlas-explorer--failed")
    assert "heads" in page.get_attribute("#bad", "data-error")
    assert "404" in page.get_attribute("#missing", "data-error")
    assert page.locator("#static img").is_visible()


# ---------------------------------------------------------------- the built site


@pytest.fixture(scope="session", params=["fixture", "real", "zensical"])
def site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The built site on loopback: the fixture catalogue, the real one when it exists, and the
    fixture catalogue built by Zensical (where our scripts must work as well). Each is the
    run's shared build (site_fixture.shared_root)."""
    name = "zensical-fixture" if request.param == "zensical" else request.param
    built = shared_root(tmp_path_factory, name) / "site"
    with serve_directory(built) as base:
        yield Site(root=built, base=base, kind=request.param)


@dataclass
class Site:
    root: Path
    base: str
    kind: str = "fixture"  # fixture | real | zensical

    def resources(self) -> list[str]:
        return sorted(p.name for p in (self.root / "resources").iterdir() if p.is_dir())

    def pages(self) -> list[str]:
        """Every page, as a path relative to the site root (``resources/x/``, ``en/``...)."""
        return sorted(
            str(p.parent.relative_to(self.root)).replace(".", "", 1).strip("/") + "/"
            if p.parent != self.root
            else ""
            for p in self.root.rglob("index.html")
        )

    def explorer_page(self) -> tuple[str, dict[str, Any]]:
        """A resource page with an explorer hook whose data exists, and that data."""
        for rid in self.resources():
            html = (self.root / "resources" / rid / "index.html").read_text(encoding="utf-8")
            start = html.find('class="atlas-explorer" data-src="')
            if start < 0:
                continue
            src = html_lib.unescape(html[start:].split('data-src="', 1)[1].split('"', 1)[0])
            data = (self.root / "resources" / rid / src).resolve()
            if data.is_file():
                return f"resources/{rid}/", json.loads(data.read_text(encoding="utf-8"))
        if self.kind == "real" and not any((REPO / "demos" / "renderings").glob("*/explorer.json")):
            pytest.skip("no demo rendering has explorer data yet (python -m demos render)")
        pytest.fail("no resource page embeds an attention explorer with its data")


def _open(watched: Watched, url: str) -> Any:
    page = watched.page
    page.on(
        "response",
        lambda r: watched.errors.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else 0,
    )
    page.goto(url, wait_until="load")
    return page


def _both_builders_suffice(site: Site) -> None:
    """Behaviour that the catalogue's content does not change is checked on the real catalogue's
    site (MkDocs) and on Zensical's build of the fixture catalogue: both builders, both
    catalogues; MkDocs' build of the fixture catalogue adds nothing to it."""
    if site.kind == "fixture":
        pytest.skip("checked on the real catalogue's site and on Zensical's fixture site")


def test_home_in_both_languages(watched: Watched, site: Site) -> None:
    _both_builders_suffice(site)
    page = _open(watched, site.base)
    assert page.get_attribute("html", "lang") == "ja"
    assert page.locator("article h1").count() == 1
    # The recommended order links the resource pages.
    first = page.locator("article a[href*='resources/']").first.get_attribute("href")
    assert first and "resources/" in first
    page.goto(site.base + "en/")
    assert page.get_attribute("html", "lang") == "en"
    assert page.locator("article a[href*='resources/']").count() >= 1


def _switch(page: Any, lang: str) -> None:
    page.locator(".md-header__option .md-select").first.hover()
    link = page.locator(f"a.md-select__link[hreflang={lang}]").first
    link.wait_for(state="visible")
    with page.expect_navigation():
        link.click()


def _first_topic(site: Site) -> str:
    html = (site.root / "topics" / "index.html").read_text(encoding="utf-8")
    return html.split('id="topic-', 1)[1].split('"', 1)[0]


def test_language_switch_keeps_the_page(watched: Watched, site: Site) -> None:
    _both_builders_suffice(site)
    rid = site.resources()[0]
    for path in (f"resources/{rid}/", "catalogue/", ""):
        page = _open(watched, site.base + path)
        _switch(page, "en")
        assert page.url == site.base + "en/" + path
        assert page.get_attribute("html", "lang") == "en"
        _switch(page, "ja")
        assert page.url == site.base + path
        assert page.get_attribute("html", "lang") == "ja"
    # The anchor comes along: the atlas's own anchors are the same in both languages.
    topic = "topics/#topic-" + _first_topic(site)
    page = _open(watched, site.base + topic)
    _switch(page, "en")
    assert page.url == site.base + "en/" + topic
    assert page.locator(f"#{topic.split('#')[1]}").count() == 1


@pytest.mark.parametrize(("lang", "query"), [("ja", "自己注意"), ("en", "attention")])
def test_search_finds_results(watched: Watched, site: Site, lang: str, query: str) -> None:
    _both_builders_suffice(site)
    page = _open(watched, site.base + ("" if lang == "ja" else "en/"))
    if site.kind == "zensical":
        # Zensical has its own search dialog (a listbox of options), not Material's lunr form.
        page.locator(".md-search__button").first.click()
        box = page.locator("input[aria-controls$='-results']").first
        results = page.locator("[id$='-results'] [role=option]")
    else:
        toggle = page.locator("label.md-header__button[for=__search]")
        if toggle.is_visible():  # narrow screens hide the box behind an icon
            toggle.click()
        box = page.locator("input.md-search__input")
        results = page.locator(".md-search-result__item")
    box.wait_for(state="visible")
    box.click()
    page.wait_for_load_state("networkidle")  # the search worker and its index
    box.fill(query)
    # Material reads the query on keyup; typed kanji arrive as text input (as from an IME), so
    # a key press after them is what a reader's keyboard also sends.
    box.press("End")
    results.first.wait_for(state="visible", timeout=20_000)
    assert results.count() >= 1, f"no search results for {query!r}"
    hrefs = results.evaluate_all(
        "els => els.map(e => (e.closest('a') || e.querySelector('a')).href)"
    )
    assert all(h.startswith(site.base) for h in hrefs), hrefs


def test_catalogue_filters_narrow_the_list(watched: Watched, site: Site) -> None:
    _both_builders_suffice(site)
    page = _open(watched, site.base + "catalogue/")
    count = page.locator(".atlas-filters__count")
    count.wait_for()
    total = page.locator(".atlas-item").count()
    assert total == len(site.resources())
    assert str(total) in (count.text_content() or "")
    facets = page.eval_on_selector_all("select[data-facet]", "els => els.map(e => e.name)")
    assert {"type", "lang", "level", "topics", "state"} <= set(facets), facets
    narrowed = False
    for facet in ("type", "lang", "level", "topics", "state"):
        values = page.eval_on_selector_all(
            f"select[name={facet}] option", "els => els.map(e => e.value).filter(Boolean)"
        )
        for value in values:
            page.select_option(f"select[name={facet}]", value)
            shown = page.eval_on_selector_all(".atlas-item", "els => els.filter(e => !e.hidden)")
            want = page.eval_on_selector_all(
                ".atlas-item",
                "(els, [k, v]) => els.filter(e => (e.dataset[k] || '').split(' ').includes(v))",
                [facet, value],
            )
            assert 1 <= len(shown) == len(want) <= total
            assert count.text_content().count(str(len(shown))) >= 1
            narrowed = narrowed or len(shown) < total
        page.select_option(f"select[name={facet}]", "")
    assert narrowed, "no filter value narrowed the list"
    assert page.locator(".atlas-item:visible").count() == total


def test_explorer_reacts_to_hover_and_focus(watched: Watched, site: Site) -> None:
    path, data = site.explorer_page()
    page = _open(watched, site.base + path)
    root = page.locator(".atlas-explorer.atlas-explorer--ready").first
    root.wait_for()
    view = data["views"][0]
    weights = view["heads"][0]["weights"]
    queries = root.locator(".atlas-query")
    assert queries.count() == len(view.get("query_tokens") or view["tokens"])
    last = queries.count() - 1
    queries.nth(last).hover()
    shown = root.locator(".atlas-token__weight").all_text_contents()
    assert shown == [f"{w:.2f}" for w in weights[last]]
    queries.nth(0).focus()
    page.keyboard.press("ArrowRight")
    assert page.evaluate("document.activeElement.dataset.index") == "1"
    shown = root.locator(".atlas-token__weight").all_text_contents()
    assert shown == [f"{w:.2f}" for w in weights[1]]
    if len(view["heads"]) > 1:
        root.locator("select").last.select_option("1")
        shown = root.locator(".atlas-token__weight").all_text_contents()
        assert shown == [f"{w:.2f}" for w in view["heads"][1]["weights"][1]]
    # The static figure stays for readers without JavaScript.
    assert page.locator("article img, article svg").count() >= 1


def _explorer_hooks(site: Site) -> dict[str, list[dict[str, Any]]]:
    """Every page with explorer hooks, and the data each of its hooks points at."""
    found: dict[str, list[dict[str, Any]]] = {}
    for path in site.pages():
        html = (site.root / path / "index.html").read_text(encoding="utf-8")
        for chunk in html.split('class="atlas-explorer" data-src="')[1:]:
            src = unescape(chunk.split('"', 1)[0])  # Zensical keeps the entities in the source
            data = json.loads((site.root / path / src).resolve().read_text(encoding="utf-8"))
            found.setdefault(path, []).append(data)
    return found


# Every explorer of a page once it has settled: whether it failed, why, and the tokens it shows.
_SETTLED_EXPLORERS = """() => {
  const roots = [...document.querySelectorAll('.atlas-explorer')];
  const settled = roots.every(e => e.classList.contains('atlas-explorer--ready')
    || e.classList.contains('atlas-explorer--failed'));
  return settled && roots.map(e => ({
    failed: e.classList.contains('atlas-explorer--failed'),
    error: e.getAttribute('data-error'),
    keys: [...e.querySelectorAll('.atlas-token__text')].map(x => x.textContent),
    queries: [...e.querySelectorAll('.atlas-query')].map(x => x.textContent),
  }));
}"""


def _explorer_problems(path: str, datas: list[dict[str, Any]], shown: list[Any]) -> list[str]:
    """How the explorers a page shows (``_SETTLED_EXPLORERS``) differ from their data."""
    if len(shown) != len(datas):
        return [f"{path}: {len(shown)} explorers shown, {len(datas)} hooks"]
    found = []
    for i, (data, got) in enumerate(zip(datas, shown, strict=True)):
        view = data["views"][0]
        rows = view.get("query_tokens") or view["tokens"]
        if got["failed"]:
            found.append(f"{path}: explorer {i} failed: {got['error']}")
        elif got["keys"] != [str(x) for x in view["tokens"]]:
            found.append(f"{path}: explorer {i} shows the keys {got['keys']}")
        elif got["queries"] != [str(x) for x in rows]:
            found.append(f"{path}: explorer {i} shows the queries {got['queries']}")
    return found


def test_every_explorer_renders_its_tokens(watched: Watched, site: Site) -> None:
    if site.kind == "real":
        pytest.skip("the real site's explorers are checked by test_every_page_is_accessible...")
    hooks = _explorer_hooks(site)
    assert any(p.startswith("en/") for p in hooks) and any(not p.startswith("en/") for p in hooks)
    page = _open(watched, site.base)
    problems = []
    for path, datas in sorted(hooks.items()):
        page.goto(site.base + path, wait_until="load")
        # One round trip per page: the page is polled until every explorer is ready or failed.
        problems += _explorer_problems(
            path, datas, page.wait_for_function(_SETTLED_EXPLORERS).json_value()
        )
    assert not problems, "\n".join(problems)


def test_every_page_loads_cleanly(watched: Watched, site: Site) -> None:
    if site.kind == "real":
        pytest.skip("the real site's pages are walked by test_every_page_is_accessible...")
    pages = site.pages()
    assert f"resources/{site.resources()[0]}/" in pages
    assert f"en/resources/{site.resources()[0]}/" in pages
    page = _open(watched, site.base)
    for path in pages:
        page.goto(site.base + path, wait_until="load")
        assert page.locator("article").count() == 1, path


def test_langswitch_points_root_links_at_the_same_page(watched: Watched, tiny_site: str) -> None:
    page = watched.page
    page.goto(tiny_site + "switch/resources/x/")
    hrefs = page.eval_on_selector_all(
        "a.md-select__link",
        "els => els.map(e => [e.hreflang, e.href, e.getAttribute('aria-current')])",
    )
    assert hrefs == [
        ["ja", tiny_site + "switch/resources/x/", "true"],
        ["en", tiny_site + "switch/en/resources/x/", None],
        ["fr", tiny_site + "switch/fr/resources/x/", None],
    ]


def test_the_loopback_guard_refuses_other_hosts(browser: Any, tiny_site: str) -> None:
    context = browser.new_context()
    refused: list[str] = []
    guard_loopback(context, refused)
    page = context.new_page()
    page.goto(tiny_site + "index.html")
    page.evaluate(
        "() => fetch('http://example.com/x.js').catch(() => null)"
        ".then(() => fetch('http://[::1]:9/y').catch(() => null))"
    )
    context.close()
    assert refused == ["http://example.com/x.js", "http://[::1]:9/y"]


class _Counting(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        pass

    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        type(self).hits.append(self.path)
        self.send_response(200)
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")


def test_the_session_browser_never_reaches_another_address(browser: Any, tiny_site: str) -> None:
    """The browser fixture's guard: a server on another loopback address (as a host elsewhere
    would be) never receives the request, and the watch names it."""

    class Handler(_Counting):
        hits: list[str] = []

    try:
        server = http.server.ThreadingHTTPServer(("127.0.0.2", 0), Handler)
    except OSError:
        pytest.skip("127.0.0.2 is not a loopback address here")
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    url = f"http://127.0.0.2:{server.server_address[1]}/leak"
    context = browser.new_context()
    refused: list[str] = []
    record_leaving_requests(context, refused)
    try:
        page = context.new_page()
        page.goto(tiny_site + "index.html")
        got = page.evaluate("u => fetch(u).then(r => r.text(), () => 'failed')", url)
        reached = list(Handler.hits)
        # The server does answer a client that is not behind the guard.
        with urllib.request.urlopen(url, timeout=30) as direct:
            assert direct.read() == b"ok"
    finally:
        context.close()
        server.shutdown()
        server.server_close()
        thread.join()
    assert (got, reached, refused) == ("failed", [], [url])
    assert Handler.hits == ["/leak"]


def _rgb(css: str) -> tuple[float, float, float]:
    """A computed colour (``rgb(...)``, ``rgba(...)`` or ``color(srgb ...)``) as 0..1 channels."""
    inner = css[css.index("(") + 1 : css.rindex(")")].replace(",", " ").replace("/", " ")
    parts = [x for x in inner.split() if x != "srgb"]
    r, g, b = (float(x) for x in parts[:3])
    return (r / 255, g / 255, b / 255) if css.startswith("rgb") else (r, g, b)


def _contrast(fg: str, bg: str) -> float:
    """WCAG contrast ratio of two computed colours (alpha ignored)."""

    def lum(c: tuple[float, float, float]) -> float:
        lin = [x / 12.92 if x <= 0.03928 else ((x + 0.055) / 1.055) ** 2.4 for x in c]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    hi, lo = sorted((lum(_rgb(fg)), lum(_rgb(bg))), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_explorer_is_readable_in_both_palettes(watched: Watched, site: Site) -> None:
    path, data = site.explorer_page()
    page = _open(watched, site.base + path)
    root = page.locator(".atlas-explorer.atlas-explorer--ready").first
    root.wait_for()

    def worst_contrast() -> float:
        worst = 99.0
        for q in range(len(data["views"][0].get("query_tokens") or data["views"][0]["tokens"])):
            root.locator(".atlas-query").nth(q).focus()
            pairs = root.locator(".atlas-token, .atlas-query").evaluate_all(
                "els => els.map(e => [getComputedStyle(e).color, getComputedStyle(e).backgroundColor])"
            )
            worst = min([worst, *(_contrast(fg, bg) for fg, bg in pairs)])
        return worst

    light = worst_contrast()
    page.locator("form[data-md-component=palette] label:visible").first.click()
    page.wait_for_selector("body[data-md-color-scheme=slate]")
    dark = worst_contrast()
    assert light >= 4.5 and dark >= 4.5, f"token text contrast: light {light:.2f}, dark {dark:.2f}"


def test_without_javascript_the_static_figure_remains(browser: Any, site: Site) -> None:
    path, _ = site.explorer_page()
    context = browser.new_context(java_script_enabled=False)
    refused: list[str] = []
    record_leaving_requests(context, refused)
    try:
        page = context.new_page()
        page.goto(site.base + path)
        hook = page.locator(".atlas-explorer").first
        assert hook.count() == 1 and not hook.is_visible()  # an empty hook takes no room
        figures = page.locator("article img")
        assert figures.count() >= 1 and figures.first.is_visible()
    finally:
        context.close()
    assert not refused


# ---------------------------------------------------------------- every page of the real site

AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
SERIOUS = ("critical", "serious")
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# In the dark palette only colours change: the colour rules are the ones worth running again.
COLOUR_RULES = ["color-contrast", "link-in-text-block"]
# Each palette and what is audited in it.
AUDITS: tuple[tuple[str, dict[str, Any]], ...] = (
    ("default", {"type": "tag", "values": WCAG_TAGS}),
    ("slate", {"type": "rule", "values": COLOUR_RULES}),
)
PHONE_WIDTH = 320


# The theme's frame around the article: the same markup on every page of a language but for
# which navigation entry is current (same style, other words).
FRAME = (".md-header", ".md-tabs", ".md-sidebar--primary", ".md-footer")


def _axe(page: Any, run_only: dict[str, Any], audited: list[str]) -> list[str]:
    """Critical and serious axe-core violations on the page, one line per element.

    ``audited``: selectors of parts that an earlier page showed with the same markup. They are
    taken out of the document while axe runs and put back in their places afterwards, rather
    than excluded or hidden: axe's work grows with the whole document, excluded and hidden parts
    included (a resource page's two audits: 0.45 s hidden, 0.15 s taken out).
    """
    options = {"resultTypes": ["violations"], "runOnly": run_only}
    found = page.evaluate(
        """async ([audited, options]) => {
          const out = audited.flatMap(s => [...document.querySelectorAll(s)])
            .map(e => [e, e.parentNode, e.nextSibling]);
          out.forEach(([e]) => e.remove());
          try { return (await axe.run(document, options)).violations; }
          finally { out.reverse().forEach(([e, parent, next]) => parent.insertBefore(e, next)); }
        }""",
        [audited, options],
    )
    return [
        f"{v['id']} ({v['impact']}): {' '.join(n['target'])}"
        for v in found
        if v["impact"] in SERIOUS
        for n in v["nodes"]
    ]


# A page's demo sections, once its explorers have all settled (ready or failed).
_DEMO_SECTIONS = """() => [...document.querySelectorAll("h3[id^='demo-'] + section")]
  .map(e => e.previousElementSibling.id)"""
# At phone width, once the layout has followed: the page's width, or what sticks out.
_PHONE_OVERFLOW = f"""() => {{
  if (window.innerWidth !== {PHONE_WIDTH}) return false;
  const width = document.documentElement.scrollWidth;
  if (width <= {PHONE_WIDTH}) return [];
  return [`scrollWidth ${{width}}`, ...[...document.querySelectorAll('article *')]
    .filter(e => e.getBoundingClientRect().right > {PHONE_WIDTH} + 1
      && getComputedStyle(e).position !== 'fixed'
      && !e.closest('pre, .md-typeset__scrollwrap, .tabbed-labels'))
    .slice(0, 3).map(e => e.tagName + '.' + e.className)];
}}"""


@pytest.mark.longest
@pytest.mark.timeout(900)
@pytest.mark.parametrize("lang", ["ja", "en"])
def test_every_page_is_accessible_and_fits_a_phone(watched: Watched, site: Site, lang: str) -> None:
    """One walk over every page of the real site in one language: axe-core finds no critical or
    serious violation in the light palette (WCAG A/AA rules) nor in the dark one (the colour
    rules), at 320 px no page scrolls sideways, and every explorer shows its data's tokens.
    (One test per language, so that parallel workers share the walk.)"""
    if site.kind != "real":
        pytest.skip("walked on the real catalogue's site, the one readers meet")
    axe = AXE.is_file()
    page = watched.page
    if axe:
        # axe-core and the audit's style (_AUDIT_STYLE) are in every page from its start: sent
        # to the browser once.
        page.context.add_init_script(script=AXE.read_text(encoding="utf-8"))
        page.context.add_init_script(script=_AUDIT_STYLE)
    _open(watched, site.base)
    hooks = _explorer_hooks(site)
    problems: dict[str, list[str]] = {}
    # A demo embedded in several resource pages is the same markup on each (code, output,
    # explorer, figure): audited on the first page of the language that shows it, as the frame
    # is on the first page.
    audited: set[str] = set()
    pages = [p for p in site.pages() if p.startswith("en/") == (lang == "en")]
    assert f"{'en/' if lang == 'en' else ''}catalogue/" in pages
    assert any(p in hooks for p in pages), "no page of this language has an explorer"
    for path in pages:
        page.set_viewport_size({"width": 1200, "height": 900})
        page.goto(site.base + path, wait_until="load")
        shown = page.wait_for_function(_SETTLED_EXPLORERS).json_value()
        wrong = _explorer_problems(path, hooks.get(path, []), shown)
        if wrong:
            problems[f"{path or '/'} [explorers]"] = wrong
        assert page.locator("article").count() == 1, path
        embedded = page.evaluate(_DEMO_SECTIONS)
        seen = [f"#{d} + section" for d in embedded if d in audited]
        if path != pages[0]:
            seen += FRAME
        audited.update(embedded)
        for scheme, run_only in AUDITS:
            if not axe:
                break
            page.evaluate(f"document.body.setAttribute('data-md-color-scheme', '{scheme}')")
            found = _axe(page, run_only, seen)
            if found:
                problems[f"{path or '/'} [{scheme}]"] = found
        page.set_viewport_size({"width": PHONE_WIDTH, "height": 640})
        wide = page.wait_for_function(_PHONE_OVERFLOW).json_value()
        if wide:
            problems[f"{path or '/'} [{PHONE_WIDTH} px]"] = wide
    assert not problems, "\n".join(f"{k}: {v[:5]}" for k, v in problems.items())
    if not axe:
        browser_unavailable("axe-core is not installed (npm ci): the walk ran without the audit")


def test_the_walks_audit_reports_faint_text_in_both_palettes(watched: Watched, site: Site) -> None:
    """The audit the walk runs is not blind: faint text put into a page's article is reported in
    both palettes while the frame is taken out, text inside the frame is not, and the frame is
    back in its place afterwards."""
    if site.kind != "real":
        pytest.skip("the walk audits the real catalogue's site")
    if not AXE.is_file():
        browser_unavailable("axe-core is not installed (npm ci)")
    page = watched.page
    page.context.add_init_script(script=AXE.read_text(encoding="utf-8"))
    page.context.add_init_script(script=_AUDIT_STYLE)
    _open(watched, site.base + "catalogue/")
    page.evaluate("""() => {
      for (const [where, id] of [['article', 'faint'], ['.md-footer', 'faint-aside']]) {
        const p = document.createElement('p');
        p.id = id;
        p.textContent = 'faint words';
        p.style.cssText = 'color: #e8e8e8; background: #fff';
        document.querySelector(where).append(p);
      }
    }""")
    for scheme, run_only in AUDITS:
        page.evaluate(f"document.body.setAttribute('data-md-color-scheme', '{scheme}')")
        found = _axe(page, run_only, list(FRAME))
        assert [f for f in found if "#faint" in f] == ["color-contrast (serious): #faint"], found
    assert page.locator(".md-footer #faint-aside").is_visible()  # out only while axe runs


# Palette changes animate, and the audit must see the final colours.
_AUDIT_STYLE = """document.addEventListener('DOMContentLoaded', () => {
  const style = document.createElement('style');
  style.textContent = '*, *::before, *::after { transition: none !important; }';
  document.head.appendChild(style);
});"""


# ---------------------------------------------------------------- search

# (site language, query, a page that must be among the first three results). Katakana
# loanwords, kanji compounds, mixed kana and kanji, the navigation's titles and every topic
# label, in both languages, with and without spaces.
SEARCH_TABLE = [
    ("ja", "位置エンコーディング", "demos/"),
    ("ja", "位置 エンコーディング", "demos/"),
    ("ja", "アテンション", "topics/"),
    ("ja", "クロスアテンション", "demos/"),
    ("ja", "ソフトマックス", "topics/"),
    ("ja", "リンク切れ", "links/"),
    ("ja", "注意機構", "resources/nishio-attention-scrapbox/"),
    ("ja", "学習の道筋", "path/"),
    ("ja", "元記事の3つの疑問", "questions/"),
    ("ja", "リンクの状態", "links/"),
    ("ja", "カタログ", "catalogue/"),
    ("ja", "このサイトについて", "about/"),
    ("ja", "参加するには", "contributing/"),
    ("ja", "デモ", "demos/"),
    ("ja", "注意機構の基本", "topics/"),
    ("ja", "自己注意", "topics/"),
    ("ja", "クエリ・キー・バリュー", "topics/"),
    ("ja", "系列変換", "topics/"),
    ("ja", "マルチヘッド注意", "topics/"),
    ("ja", "マスク", "topics/"),
    ("ja", "単語埋め込み", "topics/"),
    ("ja", "画像・視覚", "topics/"),
    ("ja", "CNNとの比較", "topics/"),
    ("ja", "サーベイ・俯瞰", "topics/"),
    ("ja", "敵対的生成ネットワーク", "topics/"),
    ("ja", "物体検出", "topics/"),
    ("ja", "計算量と効率", "topics/"),
    ("ja", "埋め込み", "topics/"),
    ("ja", "Transformer", "topics/"),
    ("ja", "self-attention", "resources/coursera-self-attention/"),
    ("en", "self-attention", "resources/coursera-self-attention/"),
    ("en", "cross-attention", "demos/"),
    ("en", "positional encoding", "demos/"),
    ("en", "Learning paths", "en/path/"),
    ("en", "Link health", "en/links/"),
    ("en", "three questions", "en/questions/"),
    ("en", "broken link", "en/links/"),
    ("en", "Multi-head attention", "en/topics/"),
    ("en", "Query, key and value", "en/topics/"),
    ("en", "Word embeddings", "en/topics/"),
    ("en", "Object detection", "en/topics/"),
]


def _search_box(page: Any) -> Any:
    toggle = page.locator("label.md-header__button[for=__search]")
    if toggle.is_visible():  # narrow screens hide the box behind an icon
        toggle.click()
    box = page.locator("input.md-search__input")
    box.wait_for(state="visible")
    box.click()
    page.wait_for_load_state("networkidle")  # the search worker and its index
    return box


def _search(page: Any, box: Any, base: str, query: str) -> list[str]:
    """The pages the search lists for ``query``, best first (paths relative to ``base``)."""
    items = page.locator(".md-search-result__item")
    box.fill("")
    box.press("End")
    items.first.wait_for(state="detached", timeout=10_000)
    box.fill(query)
    # Material reads the query on keyup; typed kanji arrive as text input (as from an IME), so
    # a key press after them is what a reader's keyboard also sends.
    box.press("End")
    try:
        items.first.wait_for(state="visible", timeout=10_000)
    except Exception:  # noqa: BLE001 - Playwright's timeout: no result at all
        return []
    hrefs = page.eval_on_selector_all(".md-search-result__item > a", "els => els.map(e => e.href)")
    pages: list[str] = []
    for href in hrefs:
        path = href.split("#", 1)[0].split("?", 1)[0].removeprefix(base)
        if path not in pages:
            pages.append(path)
    return pages


SEARCH_INDEX_LIMIT = 150_000  # bytes, uncompressed: the index loads with every page


def test_search_table(watched: Watched, site: Site) -> None:
    if site.kind != "real":
        pytest.skip("the table is about the real catalogue's words")
    for sub in ("", "en/"):
        size = (site.root / sub / "search" / "search_index.json").stat().st_size
        assert size < SEARCH_INDEX_LIMIT, f"{sub}search/search_index.json is {size} bytes"
    failures = []
    report = []
    for lang in ("ja", "en"):
        page = _open(watched, site.base + ("" if lang == "ja" else "en/"))
        box = _search_box(page)
        for qlang, query, want in SEARCH_TABLE:
            if qlang != lang:
                continue
            want = want if lang == "ja" or want.startswith("en/") else "en/" + want
            got = _search(page, box, site.base, query)
            report.append(f"{lang} {query!r}: {got[:3]} ({len(got)} pages)")
            if want not in got[:3]:
                failures.append(f"{lang} {query!r}: {want} not in top 3 {got[:3]}")
    print("\n".join(report))
    assert not failures, "\n".join(failures)


# ---------------------------------------------------------------- 404 under a project sub-path

PROJECT = "/attention-atlas/"
FIXTURE_CATALOGUE = FIXTURE / "resources.yaml"
SITE_URL = "https://example.github.io" + PROJECT
REPO_URL = "https://github.com/example/attention-atlas"


class _PagesHandler(http.server.SimpleHTTPRequestHandler):
    """GitHub Pages for a project site: the site lives under PROJECT, and any missing address
    gets the site's root 404.html with status 404."""

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        pass

    def send_head(self) -> Any:
        path = self.path.split("?", 1)[0]
        if path.startswith(PROJECT):
            self.path = "/" + path[len(PROJECT) :]
            local = Path(self.translate_path(self.path))
            if local.is_file() or (local / "index.html").is_file():
                return super().send_head()
        page = Path(self.directory) / "404.html"
        data = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        return io.BytesIO(data)


@pytest.fixture(scope="module")
def project_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ProjectSite]:
    """The fixture catalogue built for https://example.github.io/attention-atlas/ and served
    at http://127.0.0.1:PORT/attention-atlas/ (the path is what the pages use)."""
    root = make_root(tmp_path_factory.mktemp("project-site"))
    saved = {k: os.environ.get(k) for k in ("SITE_URL", "SITE_URL_EN", "REPO_URL")}
    os.environ["SITE_URL"] = SITE_URL
    os.environ["REPO_URL"] = REPO_URL
    os.environ.pop("SITE_URL_EN", None)
    try:
        built = mkdocs_site(root)
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    handler = functools.partial(_PagesHandler, directory=str(built))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield ProjectSite(f"http://127.0.0.1:{server.server_address[1]}", built)
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class ProjectSite:
    origin: str
    root: Path


@pytest.mark.parametrize(
    ("missing", "lang", "home", "catalogue"),
    [
        ("no/such/page/", "ja", PROJECT, PROJECT + "catalogue/"),
        ("en/404.html", "en", PROJECT + "en/", PROJECT + "en/catalogue/"),
    ],
)
def test_404_works_under_a_project_path(
    watched: Watched, project_site: ProjectSite, missing: str, lang: str, home: str, catalogue: str
) -> None:
    origin = project_site.origin
    page = watched.page
    watched.expected.append(PROJECT + missing)  # the missing page itself answers 404
    failed: list[str] = []
    page.on("requestfailed", lambda r: failed.append(r.url))
    page.on(
        "response",
        lambda r: (
            failed.append(f"{r.status} {r.url}")
            if r.status >= 400 and not r.url.endswith(missing)
            else None
        ),
    )
    response = page.goto(origin + PROJECT + missing, wait_until="load")
    if missing != "en/404.html":
        assert response.status == 404
    assert page.get_attribute("html", "lang") == lang
    assert not failed, f"assets that did not load: {failed}"
    # The theme's stylesheet applied: the header is laid out, not a bare list.
    assert page.locator(".md-header").evaluate("e => getComputedStyle(e).position") != "static"
    links = page.eval_on_selector_all(
        "article a[href]", "els => els.map(e => new URL(e.href).pathname)"
    )
    assert home in links and catalogue in links, links
    for target in (home, catalogue):
        assert page.request.get(origin + target).status == 200
    # A search box: the label opens Material's search field.
    page.locator("article label[for=__search]").click()
    assert page.locator("input.md-search__input").is_visible()
    # The language links lead to each language's home, not to a path that does not exist.
    switch = page.eval_on_selector_all(
        "a.md-select__link[hreflang]", "els => els.map(e => new URL(e.href).pathname)"
    )
    assert sorted(switch) == sorted([PROJECT, PROJECT + "en/"]), switch


def _head(html: str) -> list[tuple[str, dict[str, str | None]]]:
    from html.parser import HTMLParser

    found: list[tuple[str, dict[str, str | None]]] = []

    class Collect(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag in ("link", "meta", "a"):
                found.append((tag, dict(attrs)))

    Collect().feed(html)
    return found


def test_sharing_and_bilingual_links_on_a_resource_page(project_site: ProjectSite) -> None:
    from tools.catalog import load

    cat = load(FIXTURE_CATALOGUE)
    r = cat.resources[0]
    for prefix in ("", "en/"):
        html = (project_site.root / prefix / "resources" / r.id / "index.html").read_text("utf-8")
        tags = _head(html)
        links = {(a.get("rel"), a.get("hreflang")): a.get("href") for t, a in tags if t == "link"}
        here = f"{SITE_URL}{prefix}resources/{r.id}/"
        assert links[("canonical", None)] == here
        # No page-level alternates: Material would fetch "<page>/sitemap.xml" for each.
        assert not any(rel == "alternate" for rel, _ in links)
        sitemap = (project_site.root / prefix / "sitemap.xml").read_text("utf-8")
        entry = sitemap.split(f"<loc>{here}</loc>", 1)[1].split("</url>", 1)[0]
        for hreflang, url in (
            ("ja", f"{SITE_URL}resources/{r.id}/"),
            ("en", f"{SITE_URL}en/resources/{r.id}/"),
            ("x-default", f"{SITE_URL}resources/{r.id}/"),
        ):
            assert f'hreflang="{hreflang}" href="{url}"' in entry, entry
        meta = {
            a.get("property") or a.get("name"): a.get("content") for t, a in tags if t == "meta"
        }
        lang = "en" if prefix else "ja"
        assert meta["description"] and meta["description"] in " ".join(r.summary.get(lang).split())
        assert meta["og:url"] == here and meta["twitter:card"] == "summary_large_image"
        card = meta["og:image"]
        assert card == f"{SITE_URL}assets/cards/{r.id}.png"
        png = (project_site.root / card.removeprefix(SITE_URL)).read_bytes()
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
        hrefs = [a.get("href") or "" for t, a in tags if t == "a"]
        assert f"{REPO_URL}/blob/main/resources.yaml#L{r.line}" in hrefs
        issue = [h for h in hrefs if "template=report-a-broken-link.yml" in h]
        assert issue and f"resource={r.id}" in issue[0]
        assert any("template=suggest-a-resource.yml" in h for h in hrefs)
        assert REPO_URL in hrefs  # the header's repository link
    for sitemap in ("sitemap.xml", "en/sitemap.xml"):
        xml = (project_site.root / sitemap).read_text("utf-8")
        assert xml.count("<loc>") >= len(cat.resources) and SITE_URL in xml
    robots = (project_site.root / "robots.txt").read_text("utf-8")
    assert f"Sitemap: {SITE_URL}sitemap.xml" in robots
    assert f"Sitemap: {SITE_URL}en/sitemap.xml" in robots

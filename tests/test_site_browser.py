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

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from site_fixture import make_root

from tools.site.screenshot import find_chromium, guard_loopback, launch_chromium, serve_directory

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]

REPO = Path(__file__).resolve().parent.parent
ASSETS = REPO / "site_assets"


def _unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason}; CI=true, so the browser tests must run (.ci/run installs chromium)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless chromium for the whole session."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed (pip install -e '.[dev]')")
    chromium = find_chromium()
    if not chromium:
        _unavailable("chromium is not installed (apt-get install chromium)")
    with sync_playwright() as pw:
        b = launch_chromium(pw, chromium)
        try:
            yield b
        finally:
            b.close()


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
    guard_loopback(context, w.refused)
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
<html lang="en"><head><meta charset="utf-8"><title>tiny</title>
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
<html lang="ja"><head><meta charset="utf-8"><title>switch</title></head><body>
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
    tokens = page.locator("#good .atlas-token")
    assert tokens.count() == 3
    tokens.nth(2).hover()
    assert _weights(page, "#good") == ["0.05", "0.80", "0.15"]
    assert tokens.nth(2).get_attribute("aria-pressed") == "true"
    strongest = tokens.nth(1).evaluate("e => getComputedStyle(e).getPropertyValue('--atlas-w')")
    weakest = tokens.nth(0).evaluate("e => getComputedStyle(e).getPropertyValue('--atlas-w')")
    assert float(strongest) == 1.0 and float(weakest) < 0.1
    bg = [tokens.nth(i).evaluate("e => getComputedStyle(e).backgroundColor") for i in range(3)]
    assert bg[1] != bg[0], "the most attended token must look different"
    assert "cat 0.80" in page.locator("#good .atlas-explorer__status").text_content()


def test_explorer_keyboard_and_head_and_view_selectors(watched: Watched, tiny_site: str) -> None:
    page = _tiny(watched, tiny_site)
    page.locator("#good .atlas-token").first.focus()
    assert _weights(page, "#good") == ["0.70", "0.20", "0.10"]
    page.keyboard.press("ArrowRight")
    assert page.evaluate("document.activeElement.dataset.index") == "1"
    assert _weights(page, "#good") == ["0.10", "0.60", "0.30"]
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.dataset.index") == "2"
    page.keyboard.press("ArrowRight")  # wraps around
    assert page.evaluate("document.activeElement.dataset.index") == "0"
    label = page.locator("#good .atlas-token").nth(1).get_attribute("aria-label")
    assert label == "cat, weight 0.20"
    selects = page.locator("#good select")
    assert selects.count() == 2  # a view selector and a head selector
    assert selects.nth(0).locator("option").all_text_contents() == ["sentence", "pair"]
    page.locator("#good .atlas-token").nth(2).focus()
    selects.nth(1).select_option("1")  # head 2
    assert _weights(page, "#good") == ["0.90", "0.05", "0.05"]
    selects.nth(0).select_option("1")  # view "pair": one head, so no head selector
    assert page.locator("#good .atlas-token").count() == 2
    assert page.locator("#good select").count() == 1


def test_explorer_broken_data_degrades_to_the_figure(watched: Watched, tiny_site: str) -> None:
    page = _tiny(watched, tiny_site)
    page.wait_for_selector("#bad.atlas-explorer--failed")
    page.wait_for_selector("#missing.atlas-explorer--failed")
    assert "heads" in page.get_attribute("#bad", "data-error")
    assert "404" in page.get_attribute("#missing", "data-error")
    assert page.locator("#static img").is_visible()


# ---------------------------------------------------------------- the built site


def _build(root: Path) -> Path:
    from tools.site.build import build_site
    from tools.site.generate import Layout

    return build_site(Layout.at(root)).site


def _existing(path: Path) -> Path | None:
    return path if path.exists() else None


def _zensical_build(root: Path) -> Path:
    from tools.catalog import load
    from tools.site.generate import Layout, generate

    generate(load(root / "resources.yaml"), Layout.at(root))
    exe = Path(sys.executable).with_name("zensical")
    for config in ("mkdocs.yml", "mkdocs.en.yml"):
        done = subprocess.run(
            [str(exe) if exe.exists() else "zensical", "build", "--config-file", config],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=240,
        )
        assert done.returncode == 0, f"zensical build {config}:\n{done.stdout}\n{done.stderr}"
    return root / "site"


@pytest.fixture(scope="session", params=["fixture", "real", "zensical"])
def site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The built site on loopback: the fixture catalogue, the real one when it exists, and the
    fixture catalogue built by Zensical (where our scripts must work as well)."""
    if request.param == "real":
        if not (REPO / "resources.yaml").is_file():
            pytest.skip("no resources.yaml yet: the real catalogue's site is not built")
        root = make_root(
            tmp_path_factory.mktemp("real-site"),
            catalogue=REPO / "resources.yaml",
            linkstatus=_existing(REPO / "linkstatus.json"),
            renderings=_existing(REPO / "demos" / "renderings"),
            demos=REPO / "demos",
        )
    else:
        root = make_root(tmp_path_factory.mktemp(f"{request.param}-site"))
    built = _zensical_build(root) if request.param == "zensical" else _build(root)
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
            src = html[start:].split('data-src="', 1)[1].split('"', 1)[0]
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


def test_home_in_both_languages(watched: Watched, site: Site) -> None:
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


def test_language_switch_keeps_the_page(watched: Watched, site: Site) -> None:
    rid = site.resources()[0]
    for path in (f"resources/{rid}/", "catalogue/", ""):
        page = _open(watched, site.base + path)
        _switch(page, "en")
        assert page.url == site.base + "en/" + path
        assert page.get_attribute("html", "lang") == "en"
        _switch(page, "ja")
        assert page.url == site.base + path
        assert page.get_attribute("html", "lang") == "ja"


@pytest.mark.parametrize(("lang", "query"), [("ja", "自己注意"), ("en", "attention")])
def test_search_finds_results(watched: Watched, site: Site, lang: str, query: str) -> None:
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
    tokens = root.locator(".atlas-token")
    assert tokens.count() == len(view["tokens"])
    last = len(view["tokens"]) - 1
    tokens.nth(last).hover()
    shown = root.locator(".atlas-token__weight").all_text_contents()
    assert shown == [f"{w:.2f}" for w in weights[last]]
    tokens.nth(0).focus()
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


def test_every_page_loads_cleanly(watched: Watched, site: Site) -> None:
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
    n = len(data["views"][0]["tokens"])

    def worst_contrast() -> float:
        worst = 99.0
        for q in range(n):
            root.locator(".atlas-token").nth(q).focus()
            pairs = root.locator(".atlas-token").evaluate_all(
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
    guard_loopback(context, refused)
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

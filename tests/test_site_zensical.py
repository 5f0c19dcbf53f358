"""The same configuration builds with Zensical (Material's successor) and yields every page.

``zensical build`` runs on the generated Markdown with ``mkdocs.yml`` and ``mkdocs.en.yml`` as
they are. What Zensical does not support may look plainer, but nothing may break: every resource
page exists in both languages, in the right language, with our scripts, the explorer hook, the
content tabs and admonitions, and language links that keep the reader on the same page.
"""

from __future__ import annotations

import html.parser
import json
import posixpath
from dataclasses import dataclass
from pathlib import Path

import pytest
from site_fixture import shared_root

from tools.catalog import load

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]

ASSETS = ("langswitch.js", "filters.js", "explorer.js")


class _Page(html.parser.HTMLParser):
    """The few things of a built page these tests look at."""

    def __init__(self) -> None:
        super().__init__()
        self.lang = ""
        self.scripts: list[str] = []
        self.classes: set[str] = set()
        self.alternates: list[tuple[str, str]] = []
        self.nav_links = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        self.classes.update(a.get("class", "").split())
        if tag == "html":
            self.lang = a.get("lang", "")
        elif tag == "script" and a.get("src"):
            self.scripts.append(a["src"])
        elif tag == "a" and "md-select__link" in a.get("class", "") and a.get("hreflang"):
            self.alternates.append((a["hreflang"], a["href"]))


def _parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


@dataclass
class Built:
    """A Zensical-built site and what its pages should hold."""

    site: Path
    ids: list[str]
    with_explorer: list[str]  # resources with a demo that has explorer data
    with_tabs: list[str]  # resources with a demo that has code in more than one flavour


@pytest.fixture(scope="module", params=["fixture", "real"])
def zensical_site(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Built:
    """Generated Markdown built by Zensical (``--strict``) in both languages, and what the pages
    should hold. The run's shared build (site_fixture.shared_root)."""
    root = shared_root(tmp_path_factory, f"zensical-{request.param}")
    catalogue = load(root / "resources.yaml")
    renderings = root / "demos" / "renderings"

    def meta(demo: str) -> dict:
        path = renderings / demo / "meta.json"
        return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}

    ids = [r.id for r in catalogue.resources]
    with_explorer = sorted(
        r.id for r in catalogue.resources if any(meta(d).get("explorer") for d in r.demos)
    )
    with_tabs = sorted(
        r.id for r in catalogue.resources if any(len(meta(d).get("code", [])) > 1 for d in r.demos)
    )
    return Built(root / "site", ids, with_explorer, with_tabs)


def test_every_resource_page_in_both_languages(zensical_site: Built) -> None:
    site, ids = zensical_site.site, zensical_site.ids
    missing = [
        f"{prefix}resources/{rid}/"
        for rid in ids
        for prefix in ("", "en/")
        if not (site / prefix / "resources" / rid / "index.html").is_file()
    ]
    assert not missing, f"Zensical did not build: {missing}"
    for prefix, lang in (("", "ja"), ("en/", "en")):
        for name in ("index.html", "catalogue/index.html", "links/index.html"):
            assert _parse(site / prefix / name).lang == lang, prefix + name


def test_our_scripts_and_hooks_survive(zensical_site: Built) -> None:
    site, ids = zensical_site.site, zensical_site.ids
    for prefix in ("", "en/"):
        for name in ASSETS + ("atlas.css",):
            assert (site / prefix / "assets" / "atlas" / name).is_file(), prefix + name
        page = _parse(site / prefix / "resources" / ids[0] / "index.html")
        loaded = {posixpath.basename(src) for src in page.scripts}
        assert set(ASSETS) <= loaded, page.scripts
        assert "admonition" in page.classes or "atlas-badge" in page.classes
        catalogue = _parse(site / prefix / "catalogue" / "index.html")
        assert {"atlas-catalogue", "atlas-item"} <= catalogue.classes
        for rid in zensical_site.with_explorer:
            demo = _parse(site / prefix / "resources" / rid / "index.html")
            assert "atlas-explorer" in demo.classes, f"{prefix}resources/{rid}/: no explorer"
        for rid in zensical_site.with_tabs:
            demo = _parse(site / prefix / "resources" / rid / "index.html")
            assert "tabbed-set" in demo.classes, f"{prefix}resources/{rid}/: no code tabs"
    assert zensical_site.with_explorer and zensical_site.with_tabs, "nothing to check"


def test_language_links_keep_the_page(zensical_site: Built) -> None:
    site, ids = zensical_site.site, zensical_site.ids
    wrong = []
    for rid in ids:
        for prefix in ("", "en/"):
            here = f"/{prefix}resources/{rid}/"
            page = _parse(site / prefix / "resources" / rid / "index.html")
            targets = {}
            for lang, href in page.alternates:
                targets.setdefault(lang, set()).add(posixpath.normpath(posixpath.join(here, href)))
            want = {"ja": {f"/resources/{rid}"}, "en": {f"/en/resources/{rid}"}}
            if targets != want:
                wrong.append(f"{here}: {targets}")
    assert not wrong, "language links that leave the page:\n" + "\n".join(wrong[:5])

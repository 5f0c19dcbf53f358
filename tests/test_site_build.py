"""Real `mkdocs build --strict` of both languages: the fixture catalogue, hostile input, the real one."""

from __future__ import annotations

import html as html_lib
import json
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from site_fixture import REPO, hostile_catalogue, make_root

from tools.catalog import load
from tools.site.build import build_site
from tools.site.generate import Layout
from tools.site.inputs import SiteError

FIXTURE_IDS = ("first-guide", "second-lecture", "missing-notes", "gone-paper")
PAGES = ("", "catalogue/", "path/", "questions/", "links/", "demos/", "topics/")
PAGES += ("contributing/", "about/")


class _Tags(HTMLParser):
    """Collects every start tag with its attributes, and the text of <script> elements."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts.append(data)


def _text(page: Path) -> str:
    """The page's text without tags (highlighted code is split into many spans)."""
    return html_lib.unescape(re.sub(r"<[^>]+>", "", page.read_text(encoding="utf-8")))


def _tags(page: Path) -> _Tags:
    parser = _Tags()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser


@pytest.fixture(scope="module")
def built(fixture_site: Path) -> Path:
    return fixture_site


def test_every_page_in_both_languages(built: Path) -> None:
    for prefix in ("", "en/"):
        for page in PAGES:
            assert (built / prefix / page / "index.html").is_file(), f"/{prefix}{page} missing"
        for rid in FIXTURE_IDS:
            assert (built / prefix / "resources" / rid / "index.html").is_file()
    assert '<html lang="ja"' in (built / "index.html").read_text(encoding="utf-8")
    assert '<html lang="en"' in (built / "en/index.html").read_text(encoding="utf-8")


def test_language_switch_keeps_the_page(built: Path) -> None:
    for prefix, other, expected in (
        ("", "en", "../../en/resources/gone-paper/"),
        ("en/", "ja", "../../../resources/gone-paper/"),
    ):
        tags = _tags(built / prefix / "resources/gone-paper/index.html").tags
        links = [a for t, a in tags if t == "a" and a.get("hreflang") == other]
        assert [a["href"] for a in links] == [expected]
        page = (built / prefix / "resources/gone-paper/index.html").resolve()
        target = (page.parent / expected / "index.html").resolve()
        assert target.is_file() and target != page


def test_resource_page_embeds_the_demo(built: Path) -> None:
    page = built / "en/resources/first-guide/index.html"
    html = page.read_text(encoding="utf-8")
    tags = _tags(page).tags
    explorers = [a for t, a in tags if t == "div" and "atlas-explorer" in (a.get("class") or "")]
    assert len(explorers) == 1
    src = (page.parent / explorers[0]["data-src"]).resolve()
    assert json.loads(src.read_text(encoding="utf-8"))["views"][0]["tokens"] == [
        "the",
        "cat",
        "sat",
    ]
    images = [a["src"] for t, a in tags if t == "img" and "heads.svg" in (a.get("src") or "")]
    assert images and (page.parent / images[0]).resolve().is_file()
    assert html.index('class="atlas-explorer"') < html.index("heads.svg"), "hook before figure"
    assert html.count('class="tabbed-set') == 1, "NumPy | PyTorch tabs"
    assert "head 1 row" in html, "the real output"
    assert "python -m demos run multi_head" in _text(page)
    assert "admonition warning" in html, "caveats are admonitions"
    assert 'data-state="alive"' in html and "checked 2026-11-20" in _text(page)


def test_catalogue_hooks_and_labels(built: Path) -> None:
    for prefix, lang_label in (("", "日本語"), ("en/", "Japanese")):
        parsed = _tags(built / prefix / "catalogue/index.html")
        items = [a for t, a in parsed.tags if "atlas-item" in (a.get("class") or "").split()]
        assert len(items) == len(FIXTURE_IDS)
        for item in items:
            for key in ("data-type", "data-lang", "data-level", "data-topics", "data-state"):
                assert item.get(key), f"{key} missing on {item}"
        assert {i["data-state"] for i in items} == {"alive", "unchecked", "lost", "dead"}
        labels = [s for s in parsed.scripts if '"facets"' in s]
        data = json.loads(labels[0])
        facets = {f["key"]: f for f in data["facets"]}
        assert set(facets) == {"type", "lang", "level", "topics", "state"}
        assert facets["lang"]["values"]["ja"] == lang_label


def test_assets_are_self_hosted(built: Path) -> None:
    for prefix in ("", "en/"):
        html = (built / prefix / "index.html").read_text(encoding="utf-8")
        assert "fonts.googleapis" not in html and "cdn." not in html
        for tag, attrs in _tags(built / prefix / "index.html").tags:
            url = (
                attrs.get("src")
                if tag == "script"
                else attrs.get("href")
                if tag == "link"
                else None
            )
            if url and not url.startswith(("data:",)):
                assert "://" not in url, f"{prefix}index.html loads {url} from elsewhere"
    for name in sorted(p.name for p in (REPO / "site_assets").glob("*") if p.is_file()):
        assert (built / "assets/atlas" / name).is_file()
        assert (built / "en/assets/atlas" / name).is_file()


def test_api_json(built: Path) -> None:
    data = json.loads((built / "api/resources.json").read_text(encoding="utf-8"))
    by_id = {r["id"]: r for r in data["resources"]}
    assert sorted(by_id) == sorted(FIXTURE_IDS)
    assert by_id["gone-paper"]["link"]["state"] == "dead"
    assert by_id["gone-paper"]["link"]["archive_url"].startswith("https://web.archive.org/")
    assert by_id["missing-notes"]["link"] == {"state": "lost"}
    assert by_id["second-lecture"]["link"] == {"state": "unchecked"}
    assert by_id["first-guide"]["alternates"][0]["link"]["state"] == "restricted"
    assert by_id["first-guide"]["page"] == {
        "ja": "resources/first-guide/",
        "en": "en/resources/first-guide/",
    }
    assert data["links_updated_at"] == "2026-11-20T09:00:00Z"


def test_hostile_catalogue_builds_without_live_html(tmp_path: Path) -> None:
    root = make_root(tmp_path)
    build_site(Layout.at(root), catalogue=hostile_catalogue())
    pages = sorted((root / "site").rglob("*.html"))
    assert len(pages) > 20
    for page in pages:
        parsed = _tags(page)
        for tag, attrs in parsed.tags:
            for name, value in attrs.items():
                where = f"{page.relative_to(root)}: <{tag} {name}={value!r}>"
                assert not name.startswith("on"), where
                if name in ("href", "src", "data-src", "action", "formaction"):
                    cleaned = "".join((value or "").split()).lower()
                    assert not cleaned.startswith(("javascript:", "data:", "vbscript:")), where
            assert tag not in ("iframe", "object", "embed"), f"{page}: <{tag}>"
            if tag in ("img", "svg"):
                src = attrs.get("src") or ""
                assert "://" not in src, f"{page}: external image {src}"
        for script in parsed.scripts:
            if script.startswith('{"facets"'):
                assert "<" not in script and json.loads(script), f"{page}: filter labels"
            else:
                assert "alert(" not in script, f"{page}: contributor text inside a script"
    text = _text(root / "site/en/resources/first-guide/index.html")
    assert "<img src=x onerror=alert" in text, "hostile text is shown as text"


def test_strict_build_fails_on_a_broken_link(tmp_path: Path) -> None:
    root = make_root(tmp_path)
    about = root / "docs/en/about.md"
    about.write_text(about.read_text(encoding="utf-8") + "\n[gone](no-such-page.md)\n", "utf-8")
    with pytest.raises(SiteError, match=r"mkdocs\.en\.yml: mkdocs build --strict failed"):
        build_site(Layout.at(root))


def test_cli_reports_an_invalid_catalogue(tmp_path: Path) -> None:
    root = make_root(tmp_path)
    cat = root / "resources.yaml"
    cat.write_text(
        cat.read_text(encoding="utf-8").replace("level: beginner", "level: easy", 1), "utf-8"
    )
    run = subprocess.run(
        [sys.executable, "-m", "tools.site", "--root", str(root), "build"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 1
    assert "resources.yaml:" in run.stderr and "easy" in run.stderr
    assert not (root / "site").exists()


def test_real_catalogue_builds(real_site: Path) -> None:
    site = real_site
    catalogue = load(REPO / "resources.yaml")
    for r in catalogue.resources:
        for prefix in ("", "en/"):
            page = site / prefix / "resources" / r.id / "index.html"
            assert page.is_file(), f"/{prefix}resources/{r.id}/ missing"
            shown = _text(page)
            for demo_id in r.demos:
                assert f"python -m demos run {demo_id}" in shown, f"{r.id} lacks demo {demo_id}"
    data = json.loads((site / "api/resources.json").read_text(encoding="utf-8"))
    assert [r["id"] for r in data["resources"]] == [r.id for r in catalogue.resources]

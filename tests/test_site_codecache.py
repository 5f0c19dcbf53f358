"""The code cache changes how fast the site builds, never what it builds.

Each case builds the same generated docs twice with real strict MkDocs builds, once with the
:class:`CodeCache` plugin (as ``python -m tools.site build`` does) and once without it (as plain
``mkdocs build`` and Zensical do), and requires every page and the search index to be the same
bytes. One page also carries a placeholder's token in its own text, which must make the plugin
fall back to rendering that page normally.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from site_fixture import REPO, make_root

from tools.catalog import load
from tools.site.build import CONFIGS, mkdocs_build
from tools.site.codecache import TOKEN_PREFIX, CodeCache, block_key, placeholder
from tools.site.generate import Layout, collect_demos, generate
from tools.site.inputs import SiteError
from tools.site.pages import demo_blocks

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]


def _existing(path: Path) -> Path | None:
    return path if path.exists() else None


def _root(tmp: Path, which: str) -> Path:
    if which == "fixture":
        return make_root(tmp)
    return make_root(
        tmp,
        catalogue=REPO / "resources.yaml",
        linkstatus=_existing(REPO / "linkstatus.json"),
        renderings=REPO / "demos" / "renderings",
        demos=REPO / "demos" / "gallery",
    )


def _outputs(site: Path) -> dict[str, bytes]:
    return {
        p.relative_to(site).as_posix(): p.read_bytes()
        for p in sorted(site.rglob("*"))
        if p.is_file() and p.suffix in (".html", ".json")
    }


@pytest.mark.parametrize("which", ["fixture", "real"])
def test_same_site_with_and_without_the_cache(tmp_path: Path, which: str) -> None:
    root = _root(tmp_path, which)
    layout = Layout.at(root)
    catalogue = load(layout.catalogue)
    generate(catalogue, layout)
    demos = collect_demos(catalogue, layout)
    blocks = [b for d in demos.values() for b in demo_blocks(d)]
    assert any(d.code for d in demos.values()), "the case needs demos with code tabs"

    # A page that mentions a placeholder's token must be rendered without the swap.
    resource = next(r for r in catalogue.resources if r.demos)
    token = TOKEN_PREFIX + block_key(demo_blocks(demos[resource.demos[0]], "ja")[-1])
    page = root / "build" / "docs" / "ja" / "resources" / f"{resource.id}.md"
    page.write_text(page.read_text(encoding="utf-8") + f"\n`{token}`\n", encoding="utf-8")

    plain_root = tmp_path / "plain"
    shutil.copytree(root, plain_root)
    for config in CONFIGS:
        mkdocs_build(plain_root / config)
    caches = []
    for config in CONFIGS:
        caches.append(CodeCache(blocks))
        mkdocs_build(root / config, caches[-1])

    expected = _outputs(plain_root / "site")
    got = _outputs(root / "site")
    assert "search/search_index.json" in got and "en/search/search_index.json" in got
    assert sorted(got) == sorted(expected)
    differing = [name for name in expected if got[name] != expected[name]]
    assert differing == []
    ja, en = caches
    assert ja.stats["fallbacks"] == 1 and en.stats["fallbacks"] == 0
    # Without the injected token, every demo block of every resource page is swapped.
    assert en.stats["swapped"] >= sum(
        len(demo_blocks(demos[d], "en")) for r in catalogue.resources for d in r.demos
    )
    assert 0 < ja.stats["swapped"] < en.stats["swapped"]
    # Each distinct block is highlighted once per build, not once per page.
    assert en.stats["rendered"] <= len(set(blocks))


def test_placeholder_keeps_the_indentation() -> None:
    tab = "    ```python\n    x = 1\n    ```"
    assert placeholder(tab) == f"    {TOKEN_PREFIX}{block_key(tab)}"
    top = "```text\nout\n```"
    assert placeholder(top) == f"{TOKEN_PREFIX}{block_key(top)}"
    assert block_key(tab) != block_key(top)


def test_block_that_is_not_code_is_refused(tmp_path: Path) -> None:
    root = make_root(tmp_path)
    layout = Layout.at(root)
    generate(load(layout.catalogue), layout)
    page = root / "build" / "docs" / "en" / "resources"
    target = sorted(page.glob("*.md"))[0]
    block = "A paragraph that the generator never writes as code."
    target.write_text(target.read_text(encoding="utf-8") + f"\n\n{block}\n\n", encoding="utf-8")
    with pytest.raises(SiteError, match="is not one code block"):
        mkdocs_build(root / "mkdocs.en.yml", CodeCache([block]))

"""Building the site: generate, then the Japanese and English MkDocs builds, then the JSON export."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from mkdocs.commands import build as mkdocs_commands
from mkdocs.config import load_config
from mkdocs.exceptions import MkDocsException

from tools.catalog import Catalogue, load
from tools.files import write_if_changed
from tools.linkcheck import linkstatus
from tools.site.cards import write_cards
from tools.site.codecache import CodeCache
from tools.site.generate import Layout, Report, api_json, collect_demos, generate
from tools.site.inputs import SiteError
from tools.site.pages import demo_blocks
from tools.site.searchindex import compact

CONFIGS = ("mkdocs.yml", "mkdocs.en.yml")
SHARED_CONFIG = "mkdocs.base.yml"  # inherited by both; watched, never built on its own
API_PATH = Path("api") / "resources.json"


@dataclass
class BuildResult:
    """Timings in seconds, what generation did, and where the site is."""

    site: Path
    report: Report
    timings: dict[str, float] = field(default_factory=dict)


def mkdocs_build(
    config_file: Path, code_cache: CodeCache | None = None, site_root: Path | None = None
) -> None:
    """Run one strict MkDocs build in this process.

    Args:
        config_file: the MkDocs configuration to build.
        code_cache: when given, added to the configuration's plugins so that each demo block is
            highlighted once and kept out of the search indexer's way (same pages, faster).
        site_root: when given, the build goes there instead of ``site/`` next to the
            configuration (``site/en`` becomes ``site_root/en``).

    Raises:
        SiteError: the configuration is invalid or the build produced warnings (strict mode).
    """
    if not config_file.is_file():
        raise SiteError(f"{config_file}: MkDocs configuration not found")
    try:
        config = load_config(str(config_file), strict=True)
        if code_cache is not None:
            config.plugins["atlas-codecache"] = code_cache
        if site_root is not None:
            default = config_file.parent.resolve() / "site"
            inside = Path(config.site_dir).resolve().relative_to(default)
            config.site_dir = str(site_root / inside)
        mkdocs_commands.build(config)
    except MkDocsException as exc:
        raise SiteError(f"{config_file}: mkdocs build --strict failed: {exc}") from exc
    except UnicodeDecodeError as exc:
        raise SiteError(
            f"{_undecodable(config_file.parent, exc)}: not valid UTF-8 ({exc})"
        ) from exc


def _undecodable(root: Path, exc: UnicodeDecodeError) -> str:
    """The page MkDocs could not read (its error does not say which), or the docs folder."""
    for path in sorted((root / "docs").rglob("*.md")):
        try:
            path.read_bytes().decode("utf-8")
        except UnicodeDecodeError:
            return str(path)
        except OSError:
            continue
    return str(root / "docs")


def site_url_env() -> None:
    """``SITE_URL_EN`` defaults to ``SITE_URL`` + ``en/`` (both configurations read their own)."""
    root = os.environ.get("SITE_URL")
    if root and not os.environ.get("SITE_URL_EN"):
        os.environ["SITE_URL_EN"] = root.rstrip("/") + "/en/"


def write_robots(site: Path) -> None:
    """``robots.txt`` at the site's root: everything may be crawled; both sitemaps, when the
    site's address is known (sitemaps need absolute URLs)."""
    lines = ["User-agent: *", "Allow: /"]
    root = os.environ.get("SITE_URL")
    if root:
        root = root.rstrip("/") + "/"
        lines += ["", f"Sitemap: {root}sitemap.xml", f"Sitemap: {root}en/sitemap.xml"]
    write_if_changed(site / "robots.txt", ("\n".join(lines) + "\n").encode("utf-8"))


def build_site(
    layout: Layout, catalogue: Catalogue | None = None, site: Path | None = None
) -> BuildResult:
    """Generate the Markdown, build both languages strictly, and write ``site/api/resources.json``.

    Args:
        layout: the project layout (the MkDocs configurations are read from ``layout.root``).
        catalogue: an already loaded catalogue; loaded from ``layout.catalogue`` when omitted.
        site: where the site goes (default: ``site/`` under the root).

    Returns:
        Where the site is, with the time each step took.

    Raises:
        SiteError: generation or a build failed.
        CatalogueError: the catalogue is not valid.
    """
    timings: dict[str, float] = {}
    start = time.perf_counter()
    site_url_env()
    if catalogue is None:
        catalogue = load(layout.catalogue)
    report = generate(catalogue, layout)
    blocks = [b for demo in collect_demos(catalogue, layout).values() for b in demo_blocks(demo)]
    timings["generate"] = time.perf_counter() - start
    for config in CONFIGS:
        step = time.perf_counter()
        mkdocs_build(layout.root / config, CodeCache(blocks), site_root=site)
        timings[config] = time.perf_counter() - step
    site = site if site is not None else layout.root / "site"
    for sub in (site, site / "en"):
        compact(sub)
    step = time.perf_counter()
    write_cards(catalogue, site)
    timings["cards"] = time.perf_counter() - step
    write_robots(site)
    data = api_json(catalogue, linkstatus.load(layout.linkstatus)).encode("utf-8", "replace")
    write_if_changed(site / API_PATH, data)
    timings["total"] = time.perf_counter() - start
    return BuildResult(site=site, report=report, timings=timings)

"""Writing the pages MkDocs builds from into ``build/docs/ja`` and ``build/docs/en``.

``docs/<lang>`` holds only hand-written pages (committed); the generator writes the generated
pages and assets, plus a copy of every hand-written page, into ``build/docs/<lang>`` (ignored),
which both configurations name as ``docs_dir``. ``docs/<lang>/_home.md`` is read as the home
page's introduction, not copied. Output is deterministic: files are rewritten only when their
bytes change (:func:`tools.files.write_if_changed`: temporary file, then rename), and anything
in the build tree that is no longer produced is removed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tools.catalog import Catalogue
from tools.files import write_if_changed
from tools.linkcheck import linkstatus
from tools.linkcheck.linkstatus import LinkStatus
from tools.schema import SLUG
from tools.site import pages
from tools.site.i18n import LANGS
from tools.site.inputs import Demo, SiteError, load_demo

GENERATED_FILES = (
    "index.md",
    "catalogue.md",
    "path.md",
    "questions.md",
    "links.md",
    "demos.md",
    "topics.md",
)
GENERATED_DIRS = ("resources", "assets/atlas", "assets/demos")
HOME_INTRO = "_home.md"
PAGES_DIR = Path("build") / "docs"
DEMO_ID = re.compile(r"^[a-z0-9][a-z0-9_]*$")


@dataclass(frozen=True)
class Layout:
    """Where the generator reads and writes, all derived from the project root by default."""

    root: Path
    catalogue: Path
    linkstatus: Path
    renderings: Path
    demos_dir: Path
    assets: Path

    @classmethod
    def at(cls, root: Path, **overrides: Path | None) -> Layout:
        """The standard layout under ``root``; keyword arguments replace single paths."""
        paths = {
            "catalogue": root / "resources.yaml",
            "linkstatus": root / "linkstatus.json",
            "renderings": root / "demos" / "renderings",
            "demos_dir": root / "demos" / "gallery",
            "assets": root / "site_assets",
        }
        paths.update({k: Path(v) for k, v in overrides.items() if v is not None})
        return cls(root=root, **paths)

    def docs(self, lang: str) -> Path:
        """The hand-written pages of one language (``docs/ja`` or ``docs/en``)."""
        return self.root / "docs" / lang

    def pages(self, lang: str) -> Path:
        """The tree MkDocs builds one language from (``build/docs/ja`` or ``build/docs/en``)."""
        return self.root / PAGES_DIR / lang


@dataclass
class Report:
    """What a generation run did (paths relative to the project root)."""

    written: list[str] = field(default_factory=list)
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)


def _check_ids(catalogue: Catalogue) -> None:
    """Ids become file paths: refuse anything that is not a plain slug, whatever validation did."""
    where = catalogue.path
    for r in catalogue.resources:
        if not SLUG.match(r.id):
            raise SiteError(
                f"{where}:{r.line}: resource id {r.id!r} is not a slug (a-z, 0-9, single hyphens)"
            )
        for demo_id in r.demos:
            if not DEMO_ID.match(demo_id):
                raise SiteError(f"{where}:{r.line}: demo id {demo_id!r} is not [a-z0-9_]+")
    for q in catalogue.questions:
        for demo_id in q.demos:
            if not DEMO_ID.match(demo_id):
                raise SiteError(f"{where}:{q.line}: demo id {demo_id!r} is not [a-z0-9_]+")
    for p in catalogue.paths:
        for step in p.steps:
            if step.demo is not None and not DEMO_ID.match(step.demo):
                raise SiteError(f"{where}:{step.line}: demo id {step.demo!r} is not [a-z0-9_]+")


def demo_ids(catalogue: Catalogue) -> list[str]:
    """Every demo the catalogue refers to (resources, questions, paths), sorted."""
    found = {d for r in catalogue.resources for d in r.demos}
    found.update(d for q in catalogue.questions for d in q.demos)
    found.update(s.demo for p in catalogue.paths for s in p.steps if s.demo)
    return sorted(found)


def render(
    catalogue: Catalogue, links: LinkStatus, demos: dict[str, Demo], intros: dict[str, str]
) -> dict[str, dict[str, str]]:
    """Render every generated page.

    Args:
        catalogue: the loaded catalogue.
        links: link states (may be empty).
        demos: every demo the catalogue refers to, by id.
        intros: the hand-written home introduction per language.

    Returns:
        ``{lang: {path inside docs/<lang>: Markdown}}``.
    """
    _check_ids(catalogue)
    ids = demo_ids(catalogue)
    result: dict[str, dict[str, str]] = {}
    for lang in LANGS:
        ctx = pages.Context(catalogue=catalogue, links=links, demos=demos, lang=lang)
        out = {
            "index.md": pages.home(ctx, intros[lang]),
            "catalogue.md": pages.catalogue_page(ctx),
            "path.md": pages.path_page(ctx),
            "questions.md": pages.questions_page(ctx),
            "links.md": pages.links_page(ctx),
            "demos.md": pages.demos_page(ctx, ids),
            "topics.md": pages.topics_page(ctx),
        }
        for r in catalogue.resources:
            out[f"resources/{r.id}.md"] = pages.resource_page(r, ctx)
        result[lang] = {k: v.rstrip("\n") + "\n" for k, v in out.items()}
    return result


def _plain(value: Any) -> Any:
    """A JSON-ready copy of catalogue records, without the line bookkeeping."""
    if hasattr(value, "plain"):  # a fact that may be unknown or approximate (Year, Added)
        return value.plain()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: _plain(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if f.name not in ("line", "lines", "path")
        }
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def api_json(catalogue: Catalogue, links: LinkStatus) -> str:
    """The catalogue with link states as ``site/api/resources.json`` (sorted keys, stable)."""

    def link_of(url: str | None) -> dict[str, Any]:
        info = links.get(url)
        if url is None:
            return {"state": "lost"}
        if info is None:
            return {"state": "unchecked"}
        return {
            "state": info.state,
            "last_checked": info.last_checked,
            "last_ok": info.last_ok,
            "failing_since": info.failing_since,
            "http_status": info.http_status,
            "archive_url": info.archive_url,
        }

    resources = []
    for r in catalogue.resources:
        item = _plain(r)
        item["link"] = link_of(r.url)
        for alt, plain_alt in zip(r.alternates, item["alternates"], strict=True):
            plain_alt["link"] = link_of(alt.url)
        item["page"] = {"ja": f"resources/{r.id}/", "en": f"en/resources/{r.id}/"}
        resources.append(item)
    data = {
        "version": 1,
        "links_updated_at": links.updated_at,
        "topics": _plain(catalogue.topics),
        "resources": resources,
        "extras": _plain(catalogue.extras),
        "questions": _plain(catalogue.questions),
        "paths": _plain(catalogue.paths),
    }
    return json.dumps(data, ensure_ascii=False, sort_keys=True, indent=2) + "\n"


def collect_demos(catalogue: Catalogue, layout: Layout) -> dict[str, Demo]:
    """Every demo the catalogue refers to, read from its rendering (or its module), by id."""
    return {d: load_demo(d, layout.renderings, layout.demos_dir) for d in demo_ids(catalogue)}


def _asset_files(layout: Layout, demos: dict[str, Demo]) -> dict[str, bytes]:
    """Files copied into each docs tree: the site's JS/CSS and the demos' figures and data."""
    files: dict[str, bytes] = {}
    if layout.assets.is_dir():
        for src in sorted(layout.assets.rglob("*")):
            if src.is_file() and not src.name.startswith("."):
                rel = src.relative_to(layout.assets).as_posix()
                files[f"assets/atlas/{rel}"] = src.read_bytes()
    for demo in demos.values():
        if demo.folder is None:
            continue
        names = [name for f in demo.figures for name in sorted(set(f.file.values()))]
        names += [demo.explorer] if demo.explorer else []
        for name in names:
            files[f"assets/demos/{demo.id}/{name}"] = (demo.folder / name).read_bytes()
    return files


def generate(catalogue: Catalogue, layout: Layout) -> Report:
    """Write every generated page and asset into both docs trees.

    Args:
        catalogue: the loaded catalogue.
        layout: where to read link states, renderings, assets and the home intro, and where to write.

    Returns:
        What was written, left alone and removed.

    Raises:
        SiteError: a rendering is malformed or a hand-written home introduction is missing.
        StateError: ``linkstatus.json`` is not a valid link history (the file, link and field
            are named).
    """
    links = linkstatus.load(layout.linkstatus)
    demos = collect_demos(catalogue, layout)
    intros = {}
    for lang in LANGS:
        intro = layout.docs(lang) / HOME_INTRO
        if not intro.is_file():
            raise SiteError(f"{intro}: the hand-written home introduction is missing")
        intros[lang] = intro.read_text(encoding="utf-8")
    rendered = render(catalogue, links, demos, intros)
    assets = _asset_files(layout, demos)
    report = Report()
    for lang in LANGS:
        docs = layout.pages(lang)
        where = f"{PAGES_DIR.as_posix()}/{lang}"
        wanted: dict[str, bytes] = {k: v.encode("utf-8") for k, v in rendered[lang].items()}
        wanted.update(_hand_written(layout.docs(lang), set(wanted)))
        wanted.update(assets)
        for rel, data in sorted(wanted.items()):
            if write_if_changed(docs / rel, data):
                report.written.append(f"{where}/{rel}")
            else:
                report.unchanged += 1
        report.removed += _remove_stale(docs, set(wanted), where)
    return report


def _hand_written(source: Path, generated: set[str]) -> dict[str, bytes]:
    """The hand-written files of one language, to be copied next to the generated ones."""
    found: dict[str, bytes] = {}
    for path in sorted(source.rglob("*")) if source.is_dir() else []:
        rel = path.relative_to(source).as_posix()
        if not path.is_file() or rel == HOME_INTRO or path.name.startswith("."):
            continue
        if rel in generated:
            raise SiteError(f"{path}: this page is generated; a hand-written one cannot replace it")
        found[rel] = path.read_bytes()
    return found


def _remove_stale(docs: Path, wanted: set[str], where: str) -> list[str]:
    """Remove whatever the build tree holds that this generation did not produce."""
    removed: list[str] = []
    if not docs.is_dir():
        return removed
    for path in sorted(p for p in docs.rglob("*") if p.is_file()):
        rel = path.relative_to(docs).as_posix()
        if rel not in wanted:
            path.unlink()
            removed.append(f"{where}/{rel}")
    for sub in sorted(docs.rglob("*"), key=lambda p: len(p.parts), reverse=True):
        if sub.is_dir() and not any(sub.iterdir()):
            sub.rmdir()
    return removed

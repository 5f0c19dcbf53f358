"""Helpers shared by the site tests: a throw-away project root holding the fixture catalogue,
and the sites that many tests only read, built once per run."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from filelock import FileLock

if TYPE_CHECKING:
    from tools.catalog import Catalogue

REPO = Path(__file__).resolve().parent.parent
FIXTURE = REPO / "tests" / "fixtures" / "site"
GOLDEN = REPO / "tests" / "golden" / "site"
HAND_WRITTEN = ("_home.md", "about.md", "contributing.md")


def make_root(
    tmp: Path,
    catalogue: Path | None = FIXTURE / "resources.yaml",
    linkstatus: Path | None = FIXTURE / "linkstatus.json",
    renderings: Path | None = FIXTURE / "renderings",
    demos: Path | None = FIXTURE / "demos",
) -> Path:
    """A project root with the real configuration and hand-written pages, and the given inputs.

    ``None`` leaves an input out (as in a fresh checkout without link states or renderings).
    """
    root = tmp / "project"
    root.mkdir()
    for name in ("mkdocs.base.yml", "mkdocs.yml", "mkdocs.en.yml"):
        shutil.copy(REPO / name, root / name)
    for folder in ("overrides", "site_assets"):
        if (REPO / folder).is_dir():
            shutil.copytree(REPO / folder, root / folder)
    for lang in ("ja", "en"):
        (root / "docs" / lang).mkdir(parents=True)
        for name in HAND_WRITTEN:
            shutil.copy(REPO / "docs" / lang / name, root / "docs" / lang / name)
    (root / "demos" / "gallery").mkdir(parents=True)
    if demos is not None:
        for module in demos.glob("*.py"):
            shutil.copy(module, root / "demos" / "gallery" / module.name)
    if renderings is not None:
        shutil.copytree(renderings, root / "demos" / "renderings")
    if catalogue is not None:
        shutil.copy(catalogue, root / "resources.yaml")
    if linkstatus is not None:
        shutil.copy(linkstatus, root / "linkstatus.json")
    return root


def real_root(tmp: Path) -> Path:
    """A project root holding the real catalogue, link states, renderings and demos."""
    return make_root(
        tmp,
        catalogue=REPO / "resources.yaml",
        linkstatus=_existing(REPO / "linkstatus.json"),
        renderings=_existing(REPO / "demos" / "renderings"),
        demos=REPO / "demos" / "gallery",
    )


def _existing(path: Path) -> Path | None:
    return path if path.exists() else None


def zensical() -> str:
    """The ``zensical`` executable (the dev extra installs it next to Python)."""
    exe = Path(sys.executable).with_name("zensical")
    found = str(exe) if exe.exists() else shutil.which("zensical")
    if not found:
        pytest.fail("zensical is not installed: pip install -e '.[dev]'")
    return found


def zensical_build(root: Path, catalogue: Catalogue | None = None, strict: bool = True) -> Path:
    """Generate the Markdown of ``root`` (from ``catalogue``, else its ``resources.yaml``) and
    build both languages with Zensical, ``--strict`` unless told otherwise."""
    from tools.catalog import load
    from tools.site.generate import Layout, generate

    generate(catalogue or load(root / "resources.yaml"), Layout.at(root))
    for config in ("mkdocs.yml", "mkdocs.en.yml"):
        done = subprocess.run(
            [zensical(), "build", *(["--strict"] if strict else []), "--config-file", config],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, f"zensical build {config}:\n{done.stdout}\n{done.stderr}"
    return root / "site"


def mkdocs_site(root: Path) -> Path:
    """``build_site`` on ``root``, as ``python -m tools.site build`` runs it."""
    from tools.site.build import build_site
    from tools.site.generate import Layout

    return build_site(Layout.at(root)).site


SHARED = {
    # name: (project root maker, builder)
    "fixture": (make_root, mkdocs_site),
    "real": (real_root, mkdocs_site),
    "zensical-fixture": (make_root, zensical_build),
    "zensical-real": (real_root, zensical_build),
}


def shared_root(tmp_path_factory: pytest.TempPathFactory, name: str) -> Path:
    """The project root of site ``name`` (see SHARED), built once per test run.

    Tests that only read a built site share it: it is built by the first test that asks, in a
    folder every pytest-xdist worker of the run sees, under a lock, so the workers wait for one
    build instead of each doing their own. Tests that change a site build their own.
    """
    if name == "real" or name == "zensical-real":
        if not (REPO / "resources.yaml").is_file():
            pytest.skip("no resources.yaml yet: the real catalogue's site is not built")
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent  # shared by the workers of this run
    folder = base / f"shared-{name}"
    with FileLock(str(folder) + ".lock"):
        done = folder / "built"
        if not done.is_file():
            shutil.rmtree(folder, ignore_errors=True)  # a build that failed half-way
            folder.mkdir()
            make, build = SHARED[name]
            build(make(folder))
            done.write_text("ok\n", encoding="utf-8")
    return folder / "project"


HOSTILE = {
    "title": '<script>alert("title")</script> *x* [a](javascript:alert(1))',
    "summary": '<img src=x onerror=alert("summary")> & <b onclick="alert(1)">bold</b>',
    "why": "[click me](javascript:alert('why')) and [tab](java\tscript:alert(2)) "
    "and [ok](https://example.org/ok) and `<code>` stays code",
    "highlight": '{: onclick="alert(3)" } and [x](JaVaScRiPt:alert(4)){: onmouseover="alert(5)"}',
    "caveat": "[ref]\n\n[ref]: javascript:alert('ref')\n\n<svg onload=alert(6)>",
    "author": '"><script>alert("author")</script>',
    "topic": '<i onmouseover="alert(7)">topic</i>',
    "url": "javascript:alert('url')",
    "alternate": "data:text/html,<script>alert('alt')</script>",
    "answer": "```\n<script>alert('fenced')</script>\n```\n\n<iframe src=//evil.example>\n\n"
    '```{.text onclick="alert(8)"}\nx\n```',
}


def hostile_catalogue():
    """The fixture catalogue with attacker-chosen strings everywhere a contributor can type.

    Built directly from records, since validation would (rightly) refuse to load them: the
    generator must neutralise them on its own.
    """
    from dataclasses import replace

    from tools.catalog import Alternate, Text, TextList, load

    cat = load(FIXTURE / "resources.yaml")
    both = lambda s: Text(ja=s, en=s)  # noqa: E731
    first = cat.resources[0]
    evil = replace(
        first,
        title=HOSTILE["title"],
        url=HOSTILE["url"],
        authors=(HOSTILE["author"],),
        publisher=HOSTILE["author"],
        summary=both(HOSTILE["summary"]),
        why=both(HOSTILE["why"]),
        highlights=TextList(ja=(HOSTILE["highlight"],), en=(HOSTILE["highlight"],)),
        caveats=TextList(ja=(HOSTILE["caveat"],), en=(HOSTILE["caveat"],)),
        alternates=(
            Alternate(url=HOSTILE["alternate"], kind="translation", lang="ja", title="alt"),
            Alternate(
                url="https://example.org/alt",
                kind="moved",
                lang="en",
                title=HOSTILE["title"],
                note=both(HOSTILE["summary"]),
            ),
        ),
        status_note=both(HOSTILE["why"]),
    )
    topics = (replace(cat.topics[0], label=both(HOSTILE["topic"])),) + cat.topics[1:]
    questions = tuple(
        replace(q, question=both(HOSTILE["title"]), answer=both(HOSTILE["answer"]))
        for q in cat.questions
    )
    return replace(cat, resources=(evil,) + cat.resources[1:], topics=topics, questions=questions)

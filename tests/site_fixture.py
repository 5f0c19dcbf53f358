"""Helpers shared by the site tests: a throw-away project root holding the fixture catalogue."""

from __future__ import annotations

import shutil
from pathlib import Path

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

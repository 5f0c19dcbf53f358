"""``tools.schema``: the declarations are the one description of the catalogue.

ARCHITECTURE.md's schema example must name exactly the declared keys of every record, and the
allowed words it lists must be the vocabulary's. (Every rule the reader derives from the
declarations is exercised line by line in test_validate.py.)
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tools.schema import (
    ALTERNATE,
    EXTRA,
    PATH,
    QUESTION,
    RESOURCE,
    SECTIONS,
    SLUG,
    STEP,
    TOP_KEYS,
    TOPIC,
    Kind,
    Record,
)

ARCHITECTURE = Path(__file__).resolve().parent.parent / "ARCHITECTURE.md"


def _example() -> list[str]:
    text = ARCHITECTURE.read_text(encoding="utf-8")
    section = text.split("## `resources.yaml`", 1)[1]
    block = section.split("```yaml\n", 1)[1].split("```", 1)[0]
    return block.splitlines()


def _documented() -> dict[str, dict[str, str]]:
    """Record name -> {key: its comment}, read from the example's indentation."""
    by_section = {key: spec.name for key, spec in SECTIONS}
    found: dict[str, dict[str, str]] = {"top": {}}
    current = "top"
    for line in _example():
        key = re.match(r"^( *)(?:- )?([a-z_]+):(.*)$", line)
        stripped = line.strip()
        if stripped.startswith("- {"):  # an alternate, written as one flow mapping
            names = re.findall(r"[{,]\s*([a-z_]+):", stripped)
            found["alternate"] = {name: "" for name in names}
            continue
        if stripped.startswith("# kind:"):
            found["alternate"]["kind"] = stripped
            continue
        if not key:
            continue
        indent = len(key.group(1)) + (2 if line.lstrip().startswith("- ") else 0)
        name, rest = key.group(2), key.group(3)
        if indent == 0:
            found["top"][name] = rest
            current = by_section.get(name, "top")
        elif indent == 4 and current != "top":
            found.setdefault(current, {})[name] = rest
        elif indent == 8 and current == "path":
            found.setdefault("step", {})[name] = rest
    return found


def test_architecture_names_every_top_level_key() -> None:
    assert list(_documented()["top"]) == list(TOP_KEYS)


@pytest.mark.parametrize(
    "spec", [TOPIC, RESOURCE, ALTERNATE, EXTRA, QUESTION, PATH, STEP], ids=lambda s: s.name
)
def test_architecture_documents_each_declared_key(spec: Record) -> None:
    documented = _documented()[spec.name]
    assert sorted(documented) == sorted(f.name for f in spec.fields)


@pytest.mark.parametrize("spec", [RESOURCE, ALTERNATE, EXTRA, PATH], ids=lambda s: s.name)
def test_allowed_words_match_the_vocabulary(spec: Record) -> None:
    documented = _documented()[spec.name]
    checked = 0
    for f in spec.fields:
        comment = documented.get(f.name, "").partition("#")[2]
        listed = re.search(r"[a-z-]+(?:\s*\|\s*[a-z-]+)+", comment)
        if f.choices is None or not listed:
            continue
        assert [w.strip() for w in listed.group(0).split("|")] == list(f.choices.values()), f.name
        checked += 1
    assert checked or spec is PATH


@pytest.mark.parametrize("word", ["a", "a-b", "illustrated-transformer", "x2", "2020-notes"])
def test_slugs(word: str) -> None:
    assert SLUG.match(word)


@pytest.mark.parametrize("word", ["", "A", "a--b", "-a", "a-", "a_b", "a b", "ä"])
def test_not_slugs(word: str) -> None:
    assert not SLUG.match(word)


def test_every_record_is_declared_once() -> None:
    specs = [TOPIC, RESOURCE, ALTERNATE, EXTRA, QUESTION, PATH, STEP]
    for spec in specs:
        names = [f.name for f in spec.fields]
        assert len(names) == len(set(names)), spec.name
        for f in spec.fields:
            assert (f.kind in (Kind.CHOICE, Kind.CHOICES)) == (f.choices is not None), f.name
            assert (f.kind in (Kind.REF, Kind.REFS)) == (f.ref is not None), f.name
            assert (f.kind is Kind.RECORDS) == (f.record is not None), f.name

"""demos.framework.registry: the ids, lazy imports, and no torch at import time."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from demos.framework import registry
from demos.framework.core import DemoError

REPO = Path(__file__).resolve().parent.parent


def test_architecture_lists_the_registry_ids_in_order():
    # The registry is the one list; ARCHITECTURE.md's "Demo ids" section must say the same.
    text = (REPO / "ARCHITECTURE.md").read_text(encoding="utf-8")
    section = text.split("## Demo ids", 1)[1].strip().split("\n\n", 1)[0]  # its first paragraph
    assert tuple(re.findall(r"`([a-z0-9_]+)`", section)) == registry.DEMO_IDS


def test_importing_the_registry_does_not_import_torch():
    code = "import sys, demos.framework.registry; print('torch' in sys.modules, 'matplotlib' in sys.modules)"
    proc = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["False", "False"]


def test_get_returns_the_module_with_its_contract():
    module = registry.get("masks")
    assert module.ID == "masks"
    assert set(module.TITLE) == set(module.SUMMARY) == {"ja", "en"}
    assert callable(module.run) and callable(module.figures)


def test_unknown_id_is_a_clear_error():
    with pytest.raises(DemoError, match=r"unknown demo 'nope' \(available: word_vectors, "):
        registry.get("nope")


def test_every_module_declares_its_id_and_no_copy_of_the_catalogue_relation():
    for demo_id in registry.DEMO_IDS:
        module = registry.get(demo_id)
        assert module.ID == demo_id
        # Which resources a demo illustrates lives in resources.yaml only.
        assert not hasattr(module, "RESOURCES")


def test_every_demo_is_used_by_a_resource_of_the_catalogue():
    from tools.catalog import load

    used = {d for r in load(REPO / "resources.yaml").resources for d in r.demos}
    assert [d for d in registry.DEMO_IDS if d not in used] == []


def test_the_folders_tell_demos_from_framework():
    gallery = REPO / "demos" / "gallery"
    assert sorted(p.stem for p in gallery.glob("*.py") if p.stem != "__init__") == sorted(
        registry.DEMO_IDS
    ), "demos/gallery holds the registered demos and nothing else"
    for module in (REPO / "demos" / "framework").glob("*.py"):
        imports = re.findall(r"^\s*(?:from|import) (demos\.\w+)", module.read_text(), re.M)
        assert set(imports) <= {"demos.framework"}, f"{module.name}: {imports}"

"""demos.framework.render: deterministic renderings, skipping, staleness, and the committed renderings."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from demos.framework import registry, render
from demos.framework.core import DemoError, DemoResult, Explorer

REPO = Path(__file__).resolve().parent.parent
CHEAP = ("qkv_step_by_step", "masks")


def _read_all(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("renderings")
    for demo_id in CHEAP:
        assert render.render_demo(demo_id, out) == "rendered"
    return out


def test_rendering_twice_gives_identical_bytes(rendered, tmp_path):
    first = _read_all(rendered)
    for demo_id in CHEAP:
        assert render.render_demo(demo_id, rendered) == "unchanged"
        assert render.render_demo(demo_id, tmp_path, force=True) == "rendered"
    assert _read_all(rendered) == first
    assert _read_all(tmp_path) == first


def test_meta_json_follows_the_contract(rendered):
    meta = json.loads((rendered / "masks" / "meta.json").read_text(encoding="utf-8"))
    module = registry.get("masks")
    assert set(meta) == {
        "id",
        "title",
        "summary",
        "command",
        "outputs",
        "figures",
        "explorer",
        "code",
        "source_hash",
        "versions",
    }
    assert meta["id"] == "masks" and meta["title"] == module.TITLE
    assert meta["command"] == "python -m demos run masks"
    assert meta["explorer"] == "explorer.json"
    assert meta["code"] == [{"label": "PyTorch", "file": "code_pytorch.py"}]
    assert meta["source_hash"] == render.source_hash("masks")
    assert set(meta["versions"]) == {"python", "numpy", "torch", "matplotlib"}
    assert meta["outputs"] == {"ja": "output.ja.txt", "en": "output.en.txt"}
    assert meta["figures"]
    for fig in meta["figures"]:
        assert set(fig["file"]) == set(fig["alt"]) == {"ja", "en"}
        for lang in ("ja", "en"):
            assert fig["file"][lang].endswith(f".{lang}.svg")
            svg = (rendered / "masks" / fig["file"][lang]).read_bytes()
            assert svg.startswith(b"<?xml") and b"<svg" in svg and len(svg) < 300_000
            assert fig["alt"][lang].strip()
    metrics = json.loads((rendered / "masks" / "metrics.json").read_text(encoding="utf-8"))
    assert metrics == json.loads(json.dumps(module.run(device="cpu", seed=0).metrics))
    text = (rendered / "masks" / "meta.json").read_text(encoding="utf-8")
    assert (
        text.endswith("\n")
        and json.dumps(meta, indent=2, sort_keys=True, ensure_ascii=False) + "\n" == text
    )


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_output_per_language_is_what_the_cli_prints(rendered, lang):
    proc = subprocess.run(
        [sys.executable, "-m", "demos", "run", "qkv_step_by_step", "--device", "cpu"]
        + ["--seed", "0", "--lang", lang],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    saved = (rendered / "qkv_step_by_step" / f"output.{lang}.txt").read_text(encoding="utf-8")
    assert saved == proc.stdout


def test_explorer_json_rows_sum_to_one_and_match_tokens(rendered):
    data = json.loads((rendered / "masks" / "explorer.json").read_text(encoding="utf-8"))
    assert data["views"]
    for view in data["views"]:
        assert set(view["name"]) == {"ja", "en"}
        rows = view["query_tokens"] or view["tokens"]
        for head in view["heads"]:
            w = np.array(head["weights"])
            assert w.shape == (len(rows), len(view["tokens"]))
            assert np.allclose(w.sum(axis=1), 1.0, atol=1e-3)
            assert all(round(float(x), 4) == float(x) for x in w.ravel())


def test_code_files_hold_the_named_functions(rendered):
    code = (rendered / "qkv_step_by_step" / "code_numpy.py").read_text(encoding="utf-8")
    assert code.startswith(
        "# demos.attention.reference.scaled_dot_product_attention\ndef scaled_dot_product_attention("
    )
    compile(code, "code_numpy.py", "exec")


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_titles_read_from_the_source_are_the_modules_titles(lang):
    for demo_id in registry.DEMO_IDS:
        assert render.demo_title(demo_id, lang) == registry.get(demo_id).TITLE[lang]


def test_code_files_are_valid_python_for_classes_and_functions():
    for demo_id in ("multi_head", "attention_at_scale", "positional_encoding"):
        for label, name, source in render.code_files(registry.get(demo_id)):
            assert name.startswith("code_") and name.endswith(".py"), label
            compile(source, name, "exec")
            assert "\n    def " in source or source.splitlines()[1].startswith("def ")


def test_rerender_replaces_the_folder_and_removes_leftovers(rendered, tmp_path):
    target = tmp_path / "masks"
    shutil.copytree(rendered / "masks", target)
    (target / "old_figure.svg").write_text("stale")
    assert render.render_demo("masks", tmp_path, force=True) == "rendered"
    assert not (target / "old_figure.svg").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["masks"]


def test_stale_demos_notices_changed_hash_and_missing_files(rendered, tmp_path):
    for demo_id in CHEAP:
        shutil.copytree(rendered / demo_id, tmp_path / demo_id)
    stale = dict(render.stale_demos(tmp_path))
    assert "masks" not in stale and "qkv_step_by_step" not in stale
    assert stale["word_vectors"] == "no rendering"
    meta_path = tmp_path / "masks" / "meta.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta["source_hash"] = "0" * 64
    meta_path.write_text(json.dumps(meta), encoding="utf-8")
    (tmp_path / "qkv_step_by_step" / "output.ja.txt").unlink()
    stale = dict(render.stale_demos(tmp_path))
    assert stale["masks"] == "source or library versions changed"
    assert stale["qkv_step_by_step"] == "missing files: output.ja.txt"
    assert render.render_demo("masks", tmp_path) == "rendered"


def test_source_hash_covers_the_shared_modules_a_demo_imports():
    names = {p.name for p in render.hashed_files("qkv_step_by_step")}
    assert {"qkv_step_by_step.py", "core.py", "reference.py", "plotting.py", "render.py"} <= names
    assert "torch_attention.py" not in names
    assert "torch_attention.py" in {p.name for p in render.hashed_files("masks")}
    assert render.source_hash("masks") != render.source_hash("qkv_step_by_step")
    with pytest.raises(DemoError, match="unknown demo 'nope'"):
        render.source_hash("nope")


def test_explorer_json_rejects_bad_weights():
    v = {"en": "v", "ja": "ビュー"}
    bad = DemoResult(
        "x",
        "cpu",
        0,
        {"en": [], "ja": []},
        explorer=[Explorer(v, ["a", "b"], {"h": np.array([[0.5, 0.2], [0.5, 0.5]])})],
    )
    with pytest.raises(
        DemoError, match=r"demo 'x', explorer view 'v', head 'h': rows must sum to 1"
    ):
        render.explorer_json(bad)
    wrong = DemoResult(
        "x", "cpu", 0, {"en": [], "ja": []}, explorer=[Explorer(v, ["a", "b"], {"h": np.eye(3)})]
    )
    with pytest.raises(DemoError, match=r"shape \(3, 3\), expected \(2, 2\)"):
        render.explorer_json(wrong)


def test_committed_renderings_are_fresh():
    proc = subprocess.run(
        [sys.executable, "-m", "demos", "check"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr

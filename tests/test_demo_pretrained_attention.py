"""pretrained_attention: the heads of a real model, found by a criterion, against random weights."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from demo_helpers import result_of

pe = pytest.importorskip("demos.attention.pretrained_encoder")
try:
    pe.model_dir()
except pe.PretrainedUnavailable as exc:  # pragma: no cover - make test installs it
    pytest.skip(str(exc), allow_module_level=True)

from demos.gallery import pretrained_attention as demo  # noqa: E402

REPO = Path(__file__).resolve().parent.parent


def demos(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "demos", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=180,
    )


def test_metrics_the_issue_names_are_there_and_in_range():
    m = result_of(demo.ID, 0).metrics
    assert m["documented_similarity_max_error"] < 1e-3
    for name in ("pronoun_head", "article_head"):
        layer, head = m[name]
        assert 1 <= layer <= 6 and 1 <= head <= 12
    for name in (
        "pronoun_antecedent_weight",
        "article_noun_weight",
        "random_init_max_offdiagonal_weight",
    ):
        assert 0.0 <= m[name] <= 1.0


def test_heads_are_found_on_other_sentences_than_the_ones_reported():
    reported = {demo.SENTENCE, *(s for s, *_ in demo.MINIMAL_PAIRS)}
    assert not reported & {s for s, _ in demo.PRONOUN_SET}
    assert not reported & {s for s, _ in demo.ARTICLE_SET}


def test_the_chosen_head_is_the_argmax_of_its_criterion():
    from demos.attention import pretrained_encoder as pe

    model, pieces = pe.load_encoder(), pe.WordPieces()
    maps = {s: pe.attention_maps(model, pieces, s) for s, _ in demo.PRONOUN_SET}
    scores = demo._pronoun_scores(maps)
    layer, head = result_of(demo.ID, 0).metrics["pronoun_head"]
    assert scores[layer - 1, head - 1] == scores.max()


def test_random_twin_depends_on_the_seed_but_the_trained_model_does_not():
    a, b = result_of(demo.ID, 0).metrics, result_of(demo.ID, 1).metrics
    assert a["pronoun_antecedent_weight"] == b["pronoun_antecedent_weight"]
    assert a["random_init_max_offdiagonal_weight"] != b["random_init_max_offdiagonal_weight"]


def test_explorer_json_stays_small():
    from demos.framework.render import explorer_json

    data = explorer_json(result_of(demo.ID, 0))
    assert data is not None
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    assert len(text.encode()) <= 150_000  # as render writes explorer.json


def test_json_and_own_sentence_from_the_command_line():
    proc = demos("run", demo.ID, "--device", "cpu", "--json")
    assert proc.returncode == 0, proc.stderr
    metrics = json.loads(proc.stdout)
    assert metrics["pronoun_head"] == result_of(demo.ID, 0).metrics["pronoun_head"]
    proc = demos(
        "run", demo.ID, "--device", "cpu", "--sentence", "The dog saw the cat and it ran away."
    )
    assert proc.returncode == 0, proc.stderr
    own = proc.stdout.split("== Your sentence ==")[1]
    assert "tokens: [CLS] the dog saw the cat and it ran away . [SEP]" in own
    assert own.count("layer ") >= demo.TOP_HEADS


@pytest.mark.parametrize("sentence", ["猫がマットに座った。", "", "x" * 501])
def test_japanese_or_empty_sentences_get_one_clear_line(sentence):
    proc = demos("run", demo.ID, "--device", "cpu", "--sentence", sentence)
    assert proc.returncode == 2
    assert len(proc.stderr.strip().splitlines()) == 1 and "Traceback" not in proc.stderr
    if sentence.startswith("猫"):
        assert "English" in proc.stderr


def test_other_demos_refuse_a_sentence():
    proc = demos("run", "masks", "--device", "cpu", "--sentence", "The cat.")
    assert proc.returncode == 2 and "does not read a --sentence" in proc.stderr

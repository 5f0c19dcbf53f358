"""detr_object_queries: Hungarian matching is optimal, every layer is trained and scored, every
confident prediction counts."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from demo_helpers import SEEDS, result_of

from demos.framework.core import DemoError, DemoResult, Narrator, format_number, generator
from demos.gallery import detr_object_queries as demo


@pytest.fixture(scope="module")
def result() -> DemoResult:
    return result_of(demo.ID, 0)


def test_hungarian_matching_is_the_minimum(result: DemoResult) -> None:
    m = result.metrics
    assert m["hungarian_vs_brute_force_gap"] < 1e-9
    assert m["showcase_hungarian_cost"] == pytest.approx(m["showcase_brute_force_cost"])
    rows, cols = result.arrays["assignment"]
    assert sorted(cols.tolist()) == [0, 1, 2] and len(set(rows.tolist())) == 3


def test_hungarian_on_random_costs() -> None:
    rng = np.random.default_rng(0)
    for _ in range(30):
        cost = rng.normal(size=(5, int(rng.integers(1, 5))))
        rows, cols = demo.hungarian_match(cost)
        assert len(set(rows.tolist())) == cost.shape[1]
        assert cost[rows, cols].sum() == pytest.approx(demo.brute_force_match(cost))


@pytest.mark.parametrize("seed", SEEDS)
def test_metrics_per_layer(seed: int) -> None:
    m = result_of(demo.ID, seed).metrics
    for key in ("exact_count_accuracy", "precision", "recall", "matched_class_accuracy"):
        assert isinstance(m[key], float) and 0 <= m[key] <= 1, key
    for key in (
        "duplicates_per_image_by_layer",
        "false_alarms_per_image_by_layer",
        "precision_by_layer",
        "recall_by_layer",
        "exact_count_accuracy_by_layer",
    ):
        assert len(m[key]) == demo.N_LAYERS and all(isinstance(v, float) for v in m[key]), key
    # Floors with a margin under seeds 0-2 (precision 0.958-0.995, recall 0.958-0.995, exact
    # count 0.85-0.97 over 200 test images; seeds 3-8: 0.93-0.985, 0.923-0.976, 0.825-0.93):
    # every confident prediction counts, duplicates included.
    assert m["precision"] >= 0.9 and m["recall"] >= 0.9, (m["precision"], m["recall"])
    assert m["exact_count_accuracy"] >= 0.8, m["exact_count_accuracy"]
    assert m["precision"] == m["precision_by_layer"][-1]
    assert m["recall"] == m["recall_by_layer"][-1]
    assert len(m["attention_inside_box_by_layer"]) == demo.N_LAYERS
    assert all(0 <= v <= 1 for v in m["attention_inside_box_by_layer"])
    # In layer 1, matched queries look inside their object far more than uniform attention.
    assert m["attention_inside_box_by_layer"][0] > 3 * m["box_area_share"]


def test_objects_are_kept_apart() -> None:
    rng = generator(0)
    for _ in range(500):
        colour, classes, boxes = demo.random_layout(rng)
        assert 1 <= len(classes) <= demo.MAX_OBJECTS
        grid = colour.reshape(demo.GRID, demo.GRID)
        cells = []
        for k, (cx, cy, w, h) in zip(classes, boxes * demo.GRID, strict=True):
            r0, c0 = round(cy - h / 2), round(cx - w / 2)
            r1, c1 = r0 + round(h), c0 + round(w)
            assert 0 <= r0 < r1 <= demo.GRID and 0 <= c0 < c1 <= demo.GRID
            assert (grid[r0:r1, c0:c1] == k).all()
            cells.append((r0, r1, c0, c1))
        assert (grid != demo.NO_OBJECT).sum() == sum((b - a) * (d - c) for a, b, c, d in cells)
        for i, (a0, a1, b0, b1) in enumerate(cells):
            for c0_, c1_, d0, d1 in cells[i + 1 :]:
                row_gap = max(c0_ - a1, a0 - c1_)
                col_gap = max(d0 - b1, b0 - d1)
                assert max(row_gap, col_gap) >= 1  # a background patch between, diagonals too


def _probs(*rows: tuple[int, float]) -> np.ndarray:
    """One row per query: (top class, its probability); the rest spread evenly."""
    out = []
    for k, p in rows:
        row = np.full(len(demo.CLASSES) + 1, (1 - p) / len(demo.CLASSES))
        row[k] = p
        out.append(row)
    return np.array(out)


def test_every_confident_prediction_is_scored() -> None:
    targets = np.array([[0.25, 0.25, 0.25, 0.25], [0.75, 0.75, 0.25, 0.25]])
    classes = np.array([0, 2])
    probs = _probs((0, 0.9), (0, 0.8), (2, 0.6), (1, 0.7), (demo.NO_OBJECT, 0.9), (2, 0.4))
    boxes = np.array(
        [
            [0.25, 0.25, 0.25, 0.25],  # red, on target 0: a hit
            [0.26, 0.25, 0.25, 0.25],  # red again, on the same box: a duplicate
            [0.75, 0.75, 0.25, 0.25],  # blue on target 1: a hit
            [0.5, 0.5, 0.1, 0.1],  # green where nothing is: a false alarm
            [0.75, 0.25, 0.2, 0.2],  # says "no object": silent
            [0.75, 0.75, 0.25, 0.25],  # blue but p < CONFIDENT: silent
        ]
    )
    found = demo.score_detections(probs, boxes, classes, targets)
    assert found == {"hits": [0, 2], "duplicates": [1], "false_alarms": [3]}
    feats = np.zeros((demo.GRID**2, len(demo.CLASSES) + 1))
    scores = demo.evaluate(probs[None], boxes[None], [(feats, classes, targets)])
    assert scores["precision"] == pytest.approx(2 / 4) and scores["recall"] == 1.0
    assert scores["duplicates"] == 1.0 and scores["false_alarms"] == 1.0
    assert scores["exact_count"] == 0.0  # four confident predictions for two objects


def _image(classes: list[int], boxes: list[list[float]]) -> tuple:
    feats = np.zeros((demo.GRID**2, len(demo.CLASSES) + 1))
    return feats, np.array(classes), np.array(boxes, dtype=float)


def test_average_precision_counts_a_duplicate_that_nms_removes() -> None:
    """Two red targets in two images; the first image also has a slightly shifted copy of its
    hit, ranked between the two hits. Ranked: hit, duplicate, hit -> recall 1/2, 1/2, 1;
    precision 1, 1/2, 2/3; all-point AP = 1/2 * 1 + 1/2 * 2/3. NMS removes the copy: AP 1.
    A green guess where no green target exists leaves green out of the mean."""
    a, b = [0.25, 0.25, 0.25, 0.25], [0.75, 0.75, 0.25, 0.25]
    test = [_image([0], [a]), _image([0], [b])]
    dets = [
        [(0.9, 0, np.array(a)), (0.8, 0, np.array([0.27, 0.25, 0.25, 0.25]))],
        [(0.7, 0, np.array(b)), (0.6, 1, np.array(a))],
    ]
    assert demo.average_precision(dets, test) == pytest.approx(0.5 + 0.5 * 2 / 3)
    assert [len(demo.nms(image)) for image in dets] == [1, 2]
    assert demo.average_precision([demo.nms(image) for image in dets], test) == 1.0


def test_average_precision_misses_and_misplaced_boxes() -> None:
    """A target nobody finds caps recall; a box of the right class in the wrong place is a false
    positive; a wrong class does not take a target."""
    a, b = [0.25, 0.25, 0.25, 0.25], [0.75, 0.75, 0.25, 0.25]
    test = [_image([0, 2], [a, b]), _image([0], [b])]
    dets = [
        [(0.9, 0, np.array(a)), (0.8, 0, np.array(b)), (0.5, 2, np.array(b))],
        [(0.95, 2, np.array(b))],  # blue where the target is red: blue's false positive
    ]
    # red: hit (0.9), false positive (0.8), second red target missed -> AP = 1/2 * 1.
    # blue: false positive (0.95), hit (0.5) -> recall 1 at precision 1/2 -> AP = 1/2.
    assert demo.average_precision(dets, test) == pytest.approx((0.5 + 0.5) / 2)
    assert demo.average_precision([[], []], test) == 0.0
    with pytest.raises(DemoError, match="2 images"):
        demo.average_precision([[]], test)
    with pytest.raises(DemoError, match="no target"):
        demo.average_precision([[]], [_image([], [])])


def test_every_query_is_a_detection_scored_by_its_best_object_class() -> None:
    probs = _probs((demo.NO_OBJECT, 0.9), (1, 0.6))
    probs[0, :3] = [0.02, 0.05, 0.03]
    boxes = np.array([[0.5, 0.5, 0.2, 0.2], [0.2, 0.2, 0.3, 0.3]])
    dets = demo.detections(probs, boxes)
    assert [(round(score, 6), k) for score, k, _ in dets] == [(0.05, 1), (0.6, 1)]
    # Same class and IoU 1: the weaker is suppressed; another class is kept.
    same = [(0.9, 0, boxes[0]), (0.3, 0, boxes[0]), (0.2, 1, boxes[0])]
    assert [d[0] for d in demo.nms(same)] == [0.9, 0.2]


@pytest.mark.parametrize("seed", SEEDS)
def test_ap_with_and_without_nms_by_layer(seed: int) -> None:
    result = result_of(demo.ID, seed)
    m = result.metrics
    for key in ("ap_by_layer", "ap_nms_by_layer", "nms_ap_gain_by_layer"):
        assert len(m[key]) == demo.N_LAYERS and all(isinstance(v, float) for v in m[key]), key
    assert all(0 <= v <= 1 for v in m["ap_by_layer"] + m["ap_nms_by_layer"])
    for ap, ap_nms, gain in zip(
        m["ap_by_layer"], m["ap_nms_by_layer"], m["nms_ap_gain_by_layer"], strict=True
    ):
        assert gain == pytest.approx(ap_nms - ap)
    # Trained: the last layer ranks well without any threshold (0.92-0.98 on seeds 0-2).
    assert m["ap_by_layer"][-1] >= 0.85
    most = format_number(max(abs(v) for v in m["nms_ap_gain_by_layer"]), 3)
    for lang, words in (("en", f"at most {most} at any layer"), ("ja", f"どの層でも {most} 以下")):
        text = "\n".join(result.lines[lang])
        assert words in text.replace("\n", " ")
        for v in m["ap_by_layer"] + m["ap_nms_by_layer"]:
            assert format_number(v, 3) in text


def test_every_layer_is_trained() -> None:
    torch.manual_seed(0)
    model = demo.MiniDETR().double()
    feats, classes, boxes = demo.random_image(generator(3), n_objects=2)
    logits, pred, att = model(torch.tensor(feats[None]))
    L, Q = demo.N_LAYERS, demo.N_QUERIES
    assert logits.shape == (L, 1, Q, len(demo.CLASSES) + 1) and pred.shape == (L, 1, Q, 4)
    assert att.shape == (L, 1, demo.N_HEAD, Q, demo.GRID**2)
    # The first layer's loss alone reaches the first layer's weights: an auxiliary loss.
    demo.set_loss(logits[0], pred[0], [(feats, classes, boxes)]).backward()
    assert model.layers[0].cross_attn.q_proj.weight.grad.abs().sum() > 0
    last = model.layers[-1].cross_attn.q_proj.weight.grad
    assert last is None or not last.any()


def test_only_later_layers_let_queries_see_what_others_found() -> None:
    """As in DETR, layer 1's query self-attention reads zero content plus the learned queries:
    its output is the same for every image, so no query can know what another one reports.
    From layer 2 on, the self-attention output depends on the image."""
    torch.manual_seed(0)
    model = demo.MiniDETR().double()
    seen: list[torch.Tensor] = []
    hooks = [
        layer.self_attn.register_forward_hook(lambda _m, _i, out: seen.append(out[0]))
        for layer in model.layers
    ]
    images = [demo.random_image(generator(s), n_objects=n)[0] for s, n in ((1, 1), (2, 3))]
    with torch.no_grad():
        model(torch.tensor(np.stack(images)))
    for hook in hooks:
        hook.remove()
    first, *later = seen  # each (2 images, Q, C)
    # Equal up to rounding: the batched kernels may sum the two rows in different orders.
    torch.testing.assert_close(first[0], first[1], rtol=0, atol=1e-12)
    for out in later:
        assert (out[0] - out[1]).abs().max() > 1e-3


def test_no_object_weighs_like_an_object() -> None:
    torch.manual_seed(0)
    logits = torch.randn(1, demo.N_QUERIES, len(demo.CLASSES) + 1, dtype=torch.float64)
    boxes = torch.rand(1, demo.N_QUERIES, 4, dtype=torch.float64)
    target = np.array([[0.5, 0.5, 0.25, 0.25]])
    loss = demo.set_loss(logits, boxes, [(None, np.array([1]), target)])
    probs = torch.softmax(logits, -1).numpy()[0]
    (q,), _ = demo.hungarian_match(demo.match_cost(probs, boxes[0].numpy(), np.array([1]), target))
    labels = torch.full((demo.N_QUERIES,), demo.NO_OBJECT)
    labels[q] = 1
    ce = torch.nn.functional.cross_entropy(logits[0], labels)  # plain mean: every weight 1
    l1 = (boxes[0, q] - torch.tensor(target[0])).abs().sum()
    torch.testing.assert_close(loss, ce + demo.BOX_WEIGHT * l1)


def test_explorer_rows_are_queries_columns_patches(result: DemoResult) -> None:
    assert len(result.explorer) == demo.N_LAYERS
    for view in result.explorer:
        assert all(len(name) <= 30 for name in view.name.values()), view.name
        assert view.query_tokens == [f"q{q}" for q in range(demo.N_QUERIES)]
        assert len(view.tokens) == demo.GRID**2
        for weights in view.heads.values():
            assert weights.shape == (demo.N_QUERIES, demo.GRID**2)


def test_the_figure_draws_every_confident_prediction(result: DemoResult) -> None:
    from matplotlib.patches import Rectangle

    def count(prefix: str) -> int:
        keys = ("hits", "duplicates", "false_alarms")
        return sum(len(result.arrays[prefix + k]) for k in keys)

    for lang in ("en", "ja"):
        (_, fig, alt), (_, _, alt_layers) = demo.figures(result, lang)
        for ax, prefix in zip(fig.axes[:2], ("first_", ""), strict=True):
            dashed = [p for p in ax.patches if isinstance(p, Rectangle) and p.get_ls() == "--"]
            assert len(dashed) == count(prefix)
        assert f"{len(result.arrays['duplicates'])}" in alt[lang]
        for v in result.metrics["precision_by_layer"]:
            assert format_number(v, 2) in alt_layers[lang]


def test_narration_states_this_runs_numbers(result: DemoResult) -> None:
    m = result.metrics
    for lang in ("en", "ja"):
        text = "\n".join(result.lines[lang])
        for key in ("precision", "recall", "exact_count_accuracy"):
            assert f"{key} = {format_number(m[key])}" in text
        for v in m["duplicates_per_image_by_layer"]:
            assert format_number(v, 3) in text


def test_training_kernel_gives_the_shown_attention_outputs() -> None:
    """Training skips the attention weights and uses PyTorch's fused kernel; the predictions
    are those of the hand-written attention whose weights the demo shows."""
    torch.manual_seed(0)
    model = demo.MiniDETR().double().eval()  # no dropout: both paths see the same activations
    images = np.stack([demo.random_image(generator(s))[0] for s in range(4)])
    x = torch.tensor(images)
    logits, boxes, att = model(x)
    fast_logits, fast_boxes, no_att = model(x, need_weights=False)
    assert att.shape[0] == demo.N_LAYERS and no_att.numel() == 0
    torch.testing.assert_close(fast_logits, logits, atol=1e-10, rtol=1e-10)
    torch.testing.assert_close(fast_boxes, boxes, atol=1e-10, rtol=1e-10)


@pytest.mark.parametrize("seed", SEEDS)
def test_later_layers_look_less_only_when_they_do(seed: int) -> None:
    result = result_of(demo.ID, seed)
    inside = result.metrics["attention_inside_box_by_layer"]
    shown = all(v < inside[0] for v in inside[1:])
    en, ja = ("\n".join(result.lines[lang]) for lang in ("en", "ja"))
    assert ("looks inside the box less" in en.replace("\n", " ")) == shown
    assert ("箱の中を見る割合は下がっています" in ja) == shown


@pytest.mark.parametrize("seed", SEEDS)
def test_duplicates_fall_after_the_first_layer_as_in_the_paper(seed: int) -> None:
    """The DETR paper's decoder study: the first layer, whose queries cannot see each other's
    predictions, makes duplicates that the later layers avoid, and NMS helps it most.
    Seeds 0-2: duplicates per image 0.105/0.09/0.065, 0.105/0.02/0.025, 0.24/0.015/0.01; NMS
    gain in AP 0.010/0.005/0.004, 0.008/0.001/0.000, 0.028/0.001/0.000."""
    m = result_of(demo.ID, seed).metrics
    dups, gains = m["duplicates_per_image_by_layer"], m["nms_ap_gain_by_layer"]
    assert demo.first_layer_duplicates_most(dups), dups
    # Training in float32 is chaotic (see TRAIN_DTYPE): another machine's rounding gives another
    # run, so the test holds the finding itself, not this run's every step.
    assert gains[0] >= 0.001 and gains[0] > gains[-1], gains
    assert m["ap_by_layer"][0] < m["ap_by_layer"][-1], m["ap_by_layer"]


def test_the_first_layers_lead_in_duplicates_is_said_only_when_shown(result: DemoResult) -> None:
    sentences = {
        "dups": ("makes the most duplicates", "重複を最も多く出しています"),
        "nms": ("it helps the first layer most", "NMS の効果は最初の層で最も大きく"),
    }
    m = dict(result.metrics)
    for dups, gains, shown in (
        ([0.1, 0.02, 0.03], [0.01, 0.002, 0.001], {"dups": True, "nms": True}),
        ([0.05, 0.05, 0.02], [0.01, 0.002, 0.003], {"dups": False, "nms": False}),
        ([0.02, 0.01, 0.0], [0.0005, 0.0, 0.0], {"dups": True, "nms": False}),
    ):
        m["duplicates_per_image_by_layer"], m["nms_ap_gain_by_layer"] = dups, gains
        n = Narrator()
        demo._narrate_layers(n, m)
        for lang in ("en", "ja"):
            text = " ".join("\n".join(n.lines[lang]).split())
            for key, words in sentences.items():
                assert (words[0 if lang == "en" else 1] in text) == shown[key], (key, lang)


def test_dropout_perturbs_training_only() -> None:
    torch.manual_seed(0)
    model = demo.MiniDETR().double()
    x = torch.tensor(demo.random_image(generator(5))[0][None])
    assert not torch.equal(model(x, need_weights=False)[0], model(x, need_weights=False)[0])
    model.eval()
    torch.testing.assert_close(model(x)[0], model(x)[0], atol=0, rtol=0)

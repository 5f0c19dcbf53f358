"""detr_object_queries: Hungarian matching is optimal; matched queries attend to their objects."""

from __future__ import annotations

import numpy as np
import pytest

from demos import detr_object_queries as demo
from demos.core import DemoResult, generator


@pytest.fixture(scope="module")
def result() -> DemoResult:
    return demo.run(device="cpu", seed=0)


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


def test_trained_queries_find_objects(result: DemoResult) -> None:
    m = result.metrics
    assert m["test_class_accuracy"] > 0.85
    assert m["test_mean_iou"] > 0.35
    # Matched queries look inside their object far more than uniform attention would.
    assert m["test_attention_inside_box"] > 3 * m["test_box_area_share"]


def test_images_and_boxes() -> None:
    feats, classes, boxes = demo.random_image(generator(0), n_objects=3)
    assert feats.shape == (demo.GRID**2, len(demo.CLASSES) + 1)
    assert classes.shape == (3,) and boxes.shape == (3, 4)
    assert ((boxes > 0) & (boxes <= 1)).all()
    colour = feats.argmax(-1).reshape(demo.GRID, demo.GRID)
    for k, box in zip(classes, boxes, strict=True):
        inside_mass = demo._mass_inside(np.where(colour.reshape(-1) == k, 1.0, 0.0), box)
        assert inside_mass >= round(box[2] * box[3] * demo.GRID**2)  # every patch of the box
    assert demo.box_iou(
        np.array([0.5, 0.5, 0.2, 0.2]), np.array([0.5, 0.5, 0.2, 0.2])
    ) == pytest.approx(1)
    assert demo.box_iou(np.array([0.2, 0.2, 0.2, 0.2]), np.array([0.8, 0.8, 0.2, 0.2])) == 0
    pe = demo.positional_grid(8)
    assert pe.shape == (demo.GRID**2, 8) and len({tuple(r) for r in pe.round(6)}) == demo.GRID**2

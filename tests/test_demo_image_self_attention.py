"""image_self_attention: with feature-keeping f and g one pixel's map covers its colour, far too."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from demos import image_self_attention as demo
from demos.core import DemoResult


@pytest.fixture(scope="module")
def result() -> DemoResult:
    return demo.run(device="cpu", seed=0)


def test_tied_projections_find_the_same_colour_far_away(result: DemoResult) -> None:
    m = result.metrics
    assert m["tied_same_colour"] > 0.85
    assert m["tied_far_square"] > 0.3  # the other red square, across the image
    assert m["tied_window_3x3"] < 0.3  # not a local filter
    att = result.arrays["attention_tied"]
    labels = result.arrays["labels"]
    assert int(labels.flat[int(np.argmax(att))]) == int(labels[demo.QUERY])


def test_random_projections_ignore_colour(result: DemoResult) -> None:
    m = result.metrics
    # About the share of red pixels: no preference for the query's colour.
    assert abs(m["random_same_colour"] - m["same_colour_share"]) < 0.1
    assert m["tied_same_colour"] > 3 * m["random_same_colour"]


def test_block_shapes_rows_and_residual() -> None:
    torch.manual_seed(0)
    block = demo.SelfAttention2d(8, 2).double()
    x = torch.randn(2, 8, 4, 5, dtype=torch.float64)
    y, o, beta = block(x)
    assert y.shape == o.shape == x.shape and beta.shape == (2, 20, 20)
    torch.testing.assert_close(beta.sum(-1), torch.ones(2, 20, dtype=torch.float64))
    torch.testing.assert_close(y, x)  # gamma starts at 0: the block begins as the identity
    # o_j is the beta-weighted average of the values h(x_i).
    values = block.h(x).view(2, 8, 20)
    expected = torch.einsum("bji,bci->bcj", beta, values).view(2, 8, 4, 5)
    torch.testing.assert_close(o, expected)


def test_colour_features_name_the_clean_colours() -> None:
    image, labels = demo.showcase()
    feats = demo.colour_features(torch.tensor(image[None]))
    assert (feats[0].argmax(0).numpy() == labels).all()
    torch.testing.assert_close(feats.sum(1), torch.ones(1, demo.SIZE, demo.SIZE, dtype=feats.dtype))

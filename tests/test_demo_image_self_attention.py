"""image_self_attention: f and g learned from random initialisation find the same colour, far too."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch
from demo_helpers import result_of

from demos.framework.core import DemoResult
from demos.gallery import image_self_attention as demo


def result_for(seed: int) -> DemoResult:
    return result_of(demo.ID, seed)


@pytest.fixture(scope="module")
def result() -> DemoResult:
    return result_for(0)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_training_moves_the_weight_onto_the_same_colour(seed: int) -> None:
    m = result_for(seed).metrics
    # Random f and g: about the share of red pixels (0.19) and of the far square (0.10).
    assert abs(m["same_colour_weight_init"] - m["same_colour_share"]) < 0.1
    assert m["far_square_weight_init"] < 0.2
    # Learned: most of the weight on red, about half of it on the far square.
    assert m["same_colour_weight_trained"] > 0.75
    assert m["far_square_weight_trained"] > 0.3
    assert m["denoised_error_trained"] < m["noisy_error"] < m["denoised_error_init"] + 0.05


def test_trained_map_peaks_on_the_query_colour(result: DemoResult) -> None:
    att = result.arrays["attention_trained"]
    labels = result.arrays["labels"]
    assert int(labels.flat[int(np.argmax(att))]) == int(labels[demo.QUERY])
    assert att[demo.QUERY] == 0.0  # a pixel never looks at itself


def test_block_masks_itself_and_averages_values() -> None:
    torch.manual_seed(0)
    block = demo.SelfAttention2d(8, 2).double()
    x = torch.randn(2, 8, 4, 5, dtype=torch.float64)
    values = torch.randn(2, 3, 4, 5, dtype=torch.float64)
    o, beta = block(x, values)
    assert o.shape == values.shape and beta.shape == (2, 20, 20)
    torch.testing.assert_close(beta.sum(-1), torch.ones(2, 20, dtype=torch.float64))
    assert (beta.diagonal(dim1=1, dim2=2) == 0).all()
    expected = torch.einsum("bji,bci->bcj", beta, values.view(2, 3, 20)).view(2, 3, 4, 5)
    torch.testing.assert_close(o, expected)


def test_colour_features_name_the_clean_colours() -> None:
    image, labels = demo.showcase()
    feats = demo.colour_features(torch.tensor(image[None]))
    assert (feats[0].argmax(0).numpy() == labels).all()
    torch.testing.assert_close(feats.sum(1), torch.ones(1, demo.SIZE, demo.SIZE, dtype=feats.dtype))


def test_metrics_json_and_narration_numbers(result: DemoResult) -> None:
    json.dumps(result.metrics, sort_keys=True)
    for key in (
        "same_colour_weight_init",
        "same_colour_weight_trained",
        "far_square_weight_trained",
    ):
        assert 0 <= result.metrics[key] <= 1
        value = f"{result.metrics[key]:.3f}"
        assert value in "\n".join(result.lines["en"]) and value in "\n".join(result.lines["ja"])
    assert "です" in "\n".join(result.lines["ja"])


@pytest.mark.parametrize(
    ("lang", "untrained"), [("en", "random weights"), ("ja", "ランダムな重み")]
)
def test_figure_shares_one_scale_and_says_random_weights(
    result: DemoResult, lang: str, untrained: str
) -> None:
    ((stem, fig, alt),) = demo.figures(result, lang)
    maps = [
        ax.images[0] for ax in fig.axes if ax.images and ax.images[0].get_cmap().name == "Blues"
    ]
    assert len(maps) == 2 and maps[0].get_clim() == maps[1].get_clim()
    assert any(untrained in ax.get_title() for ax in fig.axes)
    assert len(fig.axes) == 6  # five panels and one colour bar
    m = result.metrics
    for key in ("same_colour_weight_init", "same_colour_weight_trained"):
        assert f"{m[key]:.2f}" in alt["en"] and f"{m[key]:.2f}" in alt["ja"]

"""demos.framework.plotting: one heatmap style and byte-stable SVG."""

from __future__ import annotations

import warnings

import matplotlib
import numpy as np
import pytest

from demos.framework.plotting import (
    CJK_FONT,
    RANDOM_WEIGHTS,
    centred_limits,
    heatmap,
    mark_random_weights,
    new_figure,
    relative_luminance,
    shared_limits,
    svg_bytes,
    text_colour,
)


def _figure():
    fig = new_figure(3, 3)
    heatmap(fig.subplots(), np.array([[0.25, 0.75], [1.0, 0.0]]), ["a", "b"], ["c", "d"], "t")
    return fig


def test_svg_is_the_same_for_the_same_figure_and_has_no_date():
    first, second = svg_bytes(_figure()), svg_bytes(_figure())
    assert first == second
    assert b"<dc:date>" not in first
    assert first.startswith(b"<?xml")


def test_heatmap_labels_and_annotations():
    fig = new_figure(3, 3)
    ax = fig.subplots()
    heatmap(ax, np.eye(2), ["q1", "q2"], ["k1", "k2"], "title")
    assert [t.get_text() for t in ax.get_yticklabels()] == ["q1", "q2"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["k1", "k2"]
    assert sorted(t.get_text() for t in ax.texts) == ["0.00", "0.00", "1.00", "1.00"]
    assert ax.get_title() == "title"


def test_large_matrices_are_not_annotated():
    fig = new_figure(3, 3)
    ax = fig.subplots()
    heatmap(ax, np.full((9, 9), 1 / 9), None, None, "big")
    assert len(ax.texts) == 0


def test_heatmap_rejects_non_matrices():
    with pytest.raises(ValueError, match=r"heatmap needs a 2-D array, got shape \(3,\) for 'v'"):
        heatmap(new_figure().subplots(), np.ones(3), None, None, "v")


@pytest.mark.parametrize("cmap", ["Blues", "viridis", "RdBu_r", "magma"])
def test_cell_text_colour_follows_the_drawn_cell_not_the_data_maximum(cmap):
    fig = new_figure(3, 3)
    ax = fig.subplots()
    w = np.array([[0.0, 0.3], [0.7, 1.0]])
    image = heatmap(ax, w, None, None, "t", cmap=cmap, vmin=0, vmax=1)
    for text in ax.texts:
        x, y = (round(v) for v in text.get_position())
        lum = relative_luminance(image.cmap(image.norm(w[y, x])))
        assert text.get_color() == ("black" if lum > 0.18 else "white"), (cmap, w[y, x], lum)
    assert {t.get_color() for t in ax.texts} == {"black", "white"} or cmap == "RdBu_r"


def test_white_text_never_lands_on_a_pale_cell():
    # The old rule chose white above 60 % of the data maximum: on a pale 0.65 of a 0..1 Blues
    # scale with a maximum of 1 that was white on light blue.
    fig = new_figure(3, 3)
    image = heatmap(fig.subplots(), np.array([[0.45, 1.0]]), None, None, "t", vmin=0, vmax=4)
    assert text_colour(image, 0.45) == "black" and text_colour(image, 1.0) == "black"
    assert text_colour(image, 4.0) == "white"


def test_luminance_of_black_white_and_grey():
    assert relative_luminance((0, 0, 0, 1)) == 0
    assert relative_luminance((1, 1, 1, 1)) == pytest.approx(1)
    assert relative_luminance((0.5, 0.5, 0.5)) == pytest.approx(0.214, abs=1e-3)


def test_diverging_maps_are_centred_at_zero():
    fig = new_figure(3, 3)
    image = heatmap(fig.subplots(), np.array([[-0.5, 2.0]]), None, None, "d", diverging=True)
    assert image.norm.vmin == -2.0 and image.norm.vmax == 2.0
    assert image.get_cmap().name == "RdBu_r"
    with pytest.raises(ValueError, match="centred at 0"):
        heatmap(new_figure().subplots(), np.ones((2, 2)), None, None, "d", diverging=True, vmax=3)
    assert centred_limits(np.array([1.0, -3.0]), np.array([2.0])) == (-3.0, 3.0)
    assert centred_limits(np.zeros(2)) == (-1.0, 1.0)


def test_shared_limits_cover_every_panel():
    assert shared_limits(np.array([0.1, 0.5]), np.array([[0.2, 0.9]])) == (0.1, 0.9)


def test_japanese_labels_are_drawn_with_the_cjk_font_not_as_missing_glyphs():
    fig = new_figure(3, 2)
    ax = fig.subplots()
    ax.set_title("注意の重み")
    mark_random_weights(fig, "ja")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns "Glyph ... missing from font(s)"
        svg = svg_bytes(fig)
    assert fig.get_suptitle() == RANDOM_WEIGHTS["ja"] == "ランダムな重み(未学習)"
    assert CJK_FONT in matplotlib.rcParams["font.family"]
    assert len(svg) > len(svg_bytes(new_figure(3, 2)))


def test_a_cjk_font_installed_after_matplotlib_cached_its_font_list_is_found(monkeypatch):
    from matplotlib import font_manager

    from demos.framework import plotting

    stale = [f for f in font_manager.fontManager.ttflist if f.name != plotting.CJK_FONT]
    monkeypatch.setattr(font_manager.fontManager, "ttflist", stale)  # the cache before apt
    plotting.setup_fonts()
    assert plotting.CJK_FONT in {f.name for f in font_manager.fontManager.ttflist}


def test_a_missing_cjk_font_says_how_to_install_it(monkeypatch):
    from matplotlib import font_manager

    from demos.framework import plotting

    stale = [f for f in font_manager.fontManager.ttflist if f.name != plotting.CJK_FONT]
    monkeypatch.setattr(font_manager.fontManager, "ttflist", stale)
    monkeypatch.setattr(font_manager, "findSystemFonts", lambda: [])
    with pytest.raises(plotting.FontMissing, match="fonts-noto-cjk"):
        plotting.setup_fonts()

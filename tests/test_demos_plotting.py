"""demos.plotting: one heatmap style and byte-stable SVG."""

from __future__ import annotations

import numpy as np
import pytest

from demos.plotting import heatmap, new_figure, svg_bytes


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

"""Figure helpers shared by every demo: one heatmap style, byte-stable SVG output.

Figures are built with :class:`matplotlib.figure.Figure` directly (no pyplot global state) on the
Agg backend. Labels must use ASCII/Latin characters: the default font has no Japanese glyphs.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

CMAP = "Blues"
SVG_SALT = "attention-atlas"


def new_figure(width: float = 4.5, height: float = 4.0, **kwargs: Any) -> Figure:
    """Return a new figure (inches) with constrained layout."""
    return Figure(figsize=(width, height), layout="constrained", **kwargs)


def heatmap(
    ax: Axes,
    weights: Any,
    row_labels: Sequence[str] | None,
    col_labels: Sequence[str] | None,
    title: str,
    *,
    annotate: bool | None = None,
    vmin: float | None = 0.0,
    vmax: float | None = None,
    cmap: str = CMAP,
    colorbar: bool = True,
) -> Any:
    """Draw an attention-style heatmap with token labels; rows are queries, columns keys.

    Args:
        ax: The axes to draw on.
        weights: A 2-D array (numpy or torch).
        row_labels: Labels of the rows (queries), or None for none.
        col_labels: Labels of the columns (keys), or None for none.
        title: The axes title.
        annotate: Write each value in its cell; default when the matrix is at most 8 x 8.
        vmin: Lower end of the colour scale (None: the data's minimum).
        vmax: Upper end of the colour scale (None: the data's maximum).
        cmap: The colour map.
        colorbar: Add a colour bar beside the axes.

    Returns:
        The image artist.
    """
    w = np.asarray(weights.detach().cpu() if hasattr(weights, "detach") else weights, float)
    if w.ndim != 2:
        raise ValueError(f"heatmap needs a 2-D array, got shape {w.shape} for {title!r}")
    image = ax.imshow(w, cmap=cmap, vmin=vmin, vmax=vmax, aspect="auto", interpolation="nearest")
    ax.set_title(title, fontsize=9)
    if row_labels is not None:
        ax.set_yticks(range(len(row_labels)), list(row_labels), fontsize=8)
    else:
        ax.set_yticks([])
    if col_labels is not None:
        ax.set_xticks(range(len(col_labels)), list(col_labels), fontsize=8, rotation=45, ha="right")
    else:
        ax.set_xticks([])
    if annotate is None:
        annotate = w.shape[0] <= 8 and w.shape[1] <= 8
    if annotate:
        hi = np.nanmax(np.abs(w)) if w.size else 1.0
        for i in range(w.shape[0]):
            for j in range(w.shape[1]):
                shade = "white" if hi and abs(w[i, j]) > 0.6 * hi else "black"
                ax.text(j, i, f"{w[i, j]:.2f}", ha="center", va="center", fontsize=7, color=shade)
    if colorbar:
        ax.figure.colorbar(image, ax=ax, shrink=0.8)
    return image


def svg_bytes(fig: Figure) -> bytes:
    """Render ``fig`` as SVG bytes that are identical from run to run."""
    buffer = io.BytesIO()
    with matplotlib.rc_context({"svg.hashsalt": SVG_SALT, "svg.fonttype": "path"}):
        fig.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()

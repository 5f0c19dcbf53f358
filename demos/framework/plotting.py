"""Figure helpers shared by every demo: one heatmap style, colour rules, byte-stable SVG output.

Figures are built with :class:`matplotlib.figure.Figure` directly (no pyplot global state) on the
Agg backend. Japanese labels use Noto Sans CJK JP (Debian: ``fonts-noto-cjk``) as a fallback
after DejaVu Sans, so Latin text looks the same in both languages. The rules every figure
follows: text on a cell is coloured from the drawn cell's luminance (:func:`text_colour`),
diverging maps are centred at 0 (:func:`centred_limits`), panels compared side by side share
one scale (:func:`shared_limits`) and a colour bar, and maps from untrained weights say so
(:func:`mark_random_weights`).

A demo whose module does not otherwise import matplotlib imports this module inside its
``figures`` so that running it without drawing stays light: at the top of ``attention_variants``
it took ``python -m demos run attention_variants --json`` from 1.36 s to 1.90 s of CPU (median of
5 runs).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
from matplotlib import font_manager  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

CMAP = "Blues"
DIVERGING_CMAP = "RdBu_r"
SVG_SALT = "attention-atlas"
CJK_FONT = "Noto Sans CJK JP"
FONTS = ["DejaVu Sans", CJK_FONT]
RANDOM_WEIGHTS = {"en": "random weights (untrained)", "ja": "ランダムな重み(未学習)"}


class FontMissing(RuntimeError):
    """The CJK font that Japanese labels need is not installed."""


def setup_fonts() -> None:
    """Use DejaVu Sans with Noto Sans CJK JP as the fallback for Japanese glyphs.

    Raises:
        FontMissing: Noto Sans CJK JP is not installed (Debian/Ubuntu: ``fonts-noto-cjk``).
    """
    names = {f.name for f in font_manager.fontManager.ttflist}
    if CJK_FONT not in names:
        # matplotlib's font list is cached on first use: a font installed after that (the
        # usual order: pip install, then apt install fonts-noto-cjk) is not in it yet.
        for path in font_manager.findSystemFonts():
            if "NotoSansCJK" in path.replace(" ", ""):
                font_manager.fontManager.addfont(path)
        names = {f.name for f in font_manager.fontManager.ttflist}
    if CJK_FONT not in names:
        raise FontMissing(
            f"the font {CJK_FONT!r} is needed for Japanese figure labels; "
            "install it (Debian/Ubuntu: apt install fonts-noto-cjk)"
        )
    matplotlib.rcParams["font.family"] = FONTS


setup_fonts()


def relative_luminance(rgba: Sequence[float]) -> float:
    """WCAG relative luminance of an sRGB colour with channels in [0, 1]."""
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgba[:3]]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def text_colour(image: Any, value: float) -> str:
    """Black or white, whichever contrasts more with the colour ``image`` draws for ``value``.

    Args:
        image: An image artist (``imshow``'s return value): its colour map and norm decide the
            cell's colour.
        value: The cell's data value.
    """
    lum = relative_luminance(image.cmap(image.norm(value)))
    # Contrast with black (lum + 0.05) / 0.05 beats contrast with white 1.05 / (lum + 0.05)
    # exactly when lum > ~0.179.
    return "black" if (lum + 0.05) / 0.05 >= 1.05 / (lum + 0.05) else "white"


def shared_limits(*arrays: Any) -> tuple[float, float]:
    """``(vmin, vmax)`` covering every array, for panels compared side by side."""
    values = [np.asarray(a, float) for a in arrays]
    return float(min(np.nanmin(v) for v in values)), float(max(np.nanmax(v) for v in values))


def centred_limits(*arrays: Any) -> tuple[float, float]:
    """``(-m, m)`` with ``m`` the largest absolute value of all arrays: a diverging map centred
    at 0 (white means 0)."""
    m = max(float(np.nanmax(np.abs(np.asarray(a, float)))) for a in arrays)
    m = m if m > 0 else 1.0
    return -m, m


def mark_random_weights(fig: Figure, lang: str) -> None:
    """Write "random weights" in the figure: its maps come from untrained weights."""
    fig.suptitle(RANDOM_WEIGHTS[lang], fontsize=9, color="#a33", x=0.99, ha="right")


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
    cmap: str | None = None,
    colorbar: bool = True,
    diverging: bool = False,
    fmt: str = "{:.2f}",
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
        cmap: The colour map (default: Blues, or RdBu_r when ``diverging``).
        colorbar: Add a colour bar beside the axes.
        diverging: Signed data: a diverging map centred at 0; ``vmin``/``vmax`` default to
            :func:`centred_limits` of ``weights`` (pass both to share a scale).
        fmt: Format of the numbers written in the cells.

    Returns:
        The image artist.
    """
    w = np.asarray(weights.detach().cpu() if hasattr(weights, "detach") else weights, float)
    if w.ndim != 2:
        raise ValueError(f"heatmap needs a 2-D array, got shape {w.shape} for {title!r}")
    if diverging:
        lo, hi = centred_limits(w)
        vmin = lo if vmin in (None, 0.0) else vmin
        vmax = hi if vmax is None else vmax
        if not np.isclose(vmin, -vmax):
            raise ValueError(
                f"a diverging map must be centred at 0, got {vmin}..{vmax} for {title!r}"
            )
    cmap = cmap or (DIVERGING_CMAP if diverging else CMAP)
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
        for i in range(w.shape[0]):
            for j in range(w.shape[1]):
                shade = text_colour(image, w[i, j])
                ax.text(
                    j, i, fmt.format(w[i, j]), ha="center", va="center", fontsize=7, color=shade
                )
    if colorbar:
        ax.figure.colorbar(image, ax=ax, shrink=0.8)
    return image


def svg_bytes(fig: Figure) -> bytes:
    """Render ``fig`` as SVG bytes that are identical from run to run."""
    buffer = io.BytesIO()
    with matplotlib.rc_context({"svg.hashsalt": SVG_SALT, "svg.fonttype": "path"}):
        fig.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()

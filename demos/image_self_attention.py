"""SAGAN-style self-attention over the feature map of a synthetic image.

Every pixel of a 16 x 16 feature map is a token: 1 x 1 convolutions give each pixel a query
``g``, a key ``f`` and a value ``h``; the attention map of one query pixel has one weight per
pixel of the image. The features are soft colour detectors computed from a noisy image (a
stand-in for a CNN's early layers). With random ``f`` and ``g``, as at initialisation, the map
of a pixel in a red square ignores colour; with ``f = g`` keeping the features, the products
find every red pixel, including the square on the far side of the image.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from demos.core import (
    DemoResult,
    EnglishOnlyNarrator,
    format_number,
    generator,
    precise_dtype,
    seed_everything,
    to_numpy,
)

ID = "image_self_attention"
TITLE = {
    "ja": "画像の自己注意(SAGAN 型): 似た領域を遠くまで探す",
    "en": "Self-attention on an image (SAGAN-style): finding similar regions",
}
SUMMARY = {
    "ja": (
        "合成画像の特徴マップの各画素をトークンとみなし、SAGAN と同じ 1x1 畳み込みでクエリ・"
        "キー・バリューを作ります。f と g がランダムなとき、赤い正方形の中の 1 画素の注意は"
        "色と無関係に散らばります。f と g が特徴を保つとき、積が同じ色の画素を画像全体から"
        "見つけ、遠く離れたもう 1 つの赤い正方形まで明るくなります。"
    ),
    "en": (
        "Each pixel of a synthetic image's feature map is a token; SAGAN's 1x1 convolutions "
        "give it a query, a key and a value. With random f and g the attention of a pixel "
        "inside a red square ignores colour. With f and g that keep the features, the products "
        "find pixels of the same colour anywhere in the image, including the red square on "
        "the far side of the image."
    ),
}
RESOURCES = ("sagan", "shinagawa-vision-and-language")
CODE = {"PyTorch": "demos.image_self_attention:SelfAttention2d"}

SIZE = 16
PALETTE = {
    "background": (0.5, 0.5, 0.5),
    "red": (0.9, 0.1, 0.1),
    "blue": (0.1, 0.2, 0.9),
    "yellow": (0.9, 0.9, 0.1),
    "green": (0.1, 0.7, 0.2),
}
CHANNELS = len(PALETTE)
NOISE = 0.2
DETECTOR_WIDTH = 0.15  # how sharply each colour detector responds
TIED_SCALE = 3.0  # f = g = TIED_SCALE * identity: sharper maps for larger values
QUERY = (3, 3)  # (row, column): inside the top-left red square


def showcase() -> tuple[np.ndarray, np.ndarray]:
    """The test image ``(3, H, W)`` and its colour labels ``(H, W)`` (palette indices)."""
    labels = np.zeros((SIZE, SIZE), dtype=np.int64)
    names = list(PALETTE)
    labels[1:6, 1:6] = names.index("red")
    labels[10:15, 10:15] = names.index("red")
    labels[1:4, 9:15] = names.index("blue")
    labels[9:15, 1:3] = names.index("yellow")
    labels[7:9, 5:11] = names.index("green")
    colours = np.array(list(PALETTE.values()))  # (K, 3)
    return colours[labels].transpose(2, 0, 1), labels  # (3, H, W), (H, W)


def colour_features(image: torch.Tensor) -> torch.Tensor:
    """Soft colour detectors: ``(B, 3, H, W)`` -> ``(B, K, H, W)``, summing to 1 over K.

    A stand-in for what the early layers of a CNN give SAGAN: a vector per pixel that is
    similar for pixels that look alike.
    """
    palette = torch.tensor(list(PALETTE.values()), dtype=image.dtype, device=image.device)
    dist = ((image[:, None] - palette[None, :, :, None, None]) ** 2).sum(dim=2)  # (B, K, H, W)
    return torch.softmax(-dist / (2 * DETECTOR_WIDTH**2), dim=1)


class SelfAttention2d(nn.Module):
    """The self-attention block of SAGAN (Zhang et al. 2019) over a ``(B, C, H, W)`` map.

    ``f`` (keys) and ``g`` (queries) are 1 x 1 convolutions to ``inner`` channels (SAGAN uses
    C/8), ``h`` (values) keeps ``C``; the block returns ``x + gamma * v(o)``, where SAGAN
    starts ``gamma`` at 0 so that the network learns how much attention to use.
    """

    def __init__(self, channels: int, inner: int):
        super().__init__()
        self.f = nn.Conv2d(channels, inner, 1)
        self.g = nn.Conv2d(channels, inner, 1)
        self.h = nn.Conv2d(channels, channels, 1)
        self.v = nn.Conv2d(channels, channels, 1)
        self.gamma = nn.Parameter(torch.zeros(1))

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Return ``(y (B, C, H, W), o (B, C, H, W), beta (B, N, N))`` with ``N = H * W``.

        ``beta[b, j, i]`` is how much output pixel ``j`` takes from pixel ``i``; rows sum to 1.
        """
        B, C, H, W = x.shape
        N = H * W
        key = self.f(x).view(B, -1, N)  # (B, C', N)
        query = self.g(x).view(B, -1, N)  # (B, C', N)
        value = self.h(x).view(B, C, N)  # (B, C, N)
        scores = query.transpose(1, 2) @ key  # (B, N, N): SAGAN uses the raw dot product
        beta = torch.softmax(scores, dim=-1)  # (B, N, N): row j sums to 1 over pixels i
        o = (value @ beta.transpose(1, 2)).view(B, C, H, W)  # (B, C, H, W): o_j = sum_i beta_ji h_i
        return x + self.gamma * self.v(o), o, beta


@torch.no_grad()
def set_tied(block: SelfAttention2d, scale: float) -> None:
    """``f = g = scale * I`` (no bias) and ``h = v = I``: attention follows feature products."""
    eye = torch.eye(block.h.in_channels, dtype=block.h.weight.dtype, device=block.h.weight.device)
    for conv, s in ((block.f, scale), (block.g, scale), (block.h, 1.0), (block.v, 1.0)):
        conv.weight.copy_(s * eye[: conv.out_channels, :, None, None])
        conv.bias.zero_()


def region_masses(beta_row: np.ndarray, labels: np.ndarray) -> dict[str, float]:
    """Where one query pixel's attention goes: its colour, the far square, its 3 x 3 window."""
    w = beta_row.reshape(SIZE, SIZE)
    r, c = QUERY
    same = labels == labels[r, c]
    far = np.zeros_like(same)
    far[SIZE // 2 :, SIZE // 2 :] = True
    return {
        "same_colour": float(w[same].sum()),
        "far_square": float(w[same & far].sum()),
        "window_3x3": float(w[max(r - 1, 0) : r + 2, max(c - 1, 0) : c + 2].sum()),
    }


def run(device: str = "cpu", seed: int = 0) -> DemoResult:
    """Compare one pixel's attention map under random and under feature-keeping projections."""
    seed_everything(seed)
    dtype = precise_dtype(device)
    image, labels = showcase()
    noisy = image + NOISE * generator(seed).normal(size=image.shape)
    x = colour_features(torch.tensor(noisy[None], dtype=dtype, device=device))  # (1, K, H, W)
    q = QUERY[0] * SIZE + QUERY[1]

    torch.manual_seed(seed)
    random_block = SelfAttention2d(CHANNELS, CHANNELS).to(dtype).to(device)
    _, _, beta_random = random_block(x)
    tied_block = SelfAttention2d(CHANNELS, CHANNELS).to(dtype).to(device)
    set_tied(tied_block, TIED_SCALE)
    _, _, beta_tied = tied_block(x)
    w_random, w_tied = to_numpy(beta_random[0, q]), to_numpy(beta_tied[0, q])
    m_random, m_tied = region_masses(w_random, labels), region_masses(w_tied, labels)
    share = float((labels == labels[QUERY]).mean())

    n = EnglishOnlyNarrator()
    n.heading("Pixels as tokens")
    n.say(
        f"A synthetic {SIZE} x {SIZE} image: two red squares far apart, blue, yellow and green\n"
        f"bars on grey, plus Gaussian noise (sigma {NOISE}). Each pixel becomes {CHANNELS} soft\n"
        "colour-detector features (a stand-in for a CNN's early layers), so the feature map x\n"
        f"has shape (1, {CHANNELS}, {SIZE}, {SIZE}) and N = {SIZE * SIZE} pixels are the tokens."
    )
    n.say(
        "SAGAN's block, with 1 x 1 convolutions f (keys), g (queries), h (values):\n"
        f"  beta = softmax(g(x)^T f(x))   an N x N = {SIZE * SIZE} x {SIZE * SIZE} attention map\n"
        "  o = h(x) beta^T               every pixel gathers values from all pixels\n"
        "  y = x + gamma * v(o)          gamma starts at 0 in SAGAN and is learned"
    )
    n.say(
        f"query pixel: row {QUERY[0]}, column {QUERY[1]}, inside the top-left red square; red "
        f"pixels are {format_number(100 * share, 1)} % of the image"
    )
    n.heading("Where the query pixel looks")
    for name, masses in (("random f, g", m_random), (f"f = g = {TIED_SCALE:g} I", m_tied)):
        n.say(
            f"{name:>12}: same colour {format_number(masses['same_colour'], 3)}, far red square "
            f"{format_number(masses['far_square'], 3)}, own 3x3 window "
            f"{format_number(masses['window_3x3'], 3)}"
        )
    n.say(
        f"A 3 x 3 convolution sees only its window (9 of {SIZE * SIZE} pixels); one attention\n"
        "layer reaches the far square directly."
    )
    n.notice(
        "Attention found the similar regions because f and g keep the colour features, so\n"
        "the product g(x_j) . f(x_i) is large exactly for look-alike pixels, near or far. With\n"
        "random f and g the same products say little about colour: the 'finds similar parts'\n"
        "behaviour is a property of learned projections (SAGAN learns them from its GAN loss),\n"
        "not of attention itself."
    )
    metrics = {
        "random_same_colour": m_random["same_colour"],
        "random_far_square": m_random["far_square"],
        "tied_same_colour": m_tied["same_colour"],
        "tied_far_square": m_tied["far_square"],
        "tied_window_3x3": m_tied["window_3x3"],
        "same_colour_share": share,
    }
    arrays = {
        "image": image,
        "noisy": noisy,
        "labels": labels,
        "attention_random": w_random.reshape(SIZE, SIZE),
        "attention_tied": w_tied.reshape(SIZE, SIZE),
    }
    return DemoResult(ID, device, seed, n.lines, arrays, metrics, [])


def figures(result: DemoResult, lang: str = "en") -> list[tuple[str, object, dict[str, str]]]:
    """The image, the noisy input, and the query pixel's attention map both ways."""
    from demos.plotting import new_figure

    fig = new_figure(10.0, 2.9)
    panels = [
        ("image", "clean image", None),
        ("noisy", "noisy input", None),
        ("attention_random", "attention, random f and g", "Blues"),
        ("attention_tied", f"attention, f = g = {TIED_SCALE:g} I", "Blues"),
    ]
    for i, (key, title, cmap) in enumerate(panels):
        ax = fig.add_subplot(1, 4, i + 1)
        data = result.arrays[key]
        if cmap is None:
            ax.imshow(np.clip(data.transpose(1, 2, 0), 0, 1), interpolation="nearest")
        else:
            ax.imshow(data, cmap=cmap, vmin=0, interpolation="nearest")
        ax.plot([QUERY[1]], [QUERY[0]], marker="x", color="black", ms=7, mew=2)
        ax.set_title(title, fontsize=9)
        ax.set_xticks([])
        ax.set_yticks([])
    alt = {
        "ja": (
            "左から、合成画像、ノイズを加えた入力、ランダムな f と g での注意マップ、f = g の"
            "ときの注意マップ。× がクエリの画素。右端では 2 つの赤い正方形(遠い右下のものも)"
            "が明るくなる。"
        ),
        "en": (
            "From left: the synthetic image, the noisy input, and the attention map of the query "
            "pixel (x) with random f and g and with f = g. On the right both red squares light "
            "up, including the far one at the bottom right."
        ),
    }
    return [("attention_map", fig, alt)]

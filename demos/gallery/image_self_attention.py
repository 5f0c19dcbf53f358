"""SAGAN-style self-attention over an image, with f and g learned from random initialisation.

Every pixel of a 16 x 16 feature map is a token: SAGAN's 1 x 1 convolutions give each pixel a
query ``g(x)`` and a key ``f(x)``, and the attention map of one pixel has one weight per pixel of
the image. The features are soft colour detectors computed from a noisy image (a stand-in for a
CNN's early layers). The task is self-supervised denoising: each output pixel is the
attention-weighted average of the *other* pixels' noisy colours, trained to predict its own noisy
colour. The noise of the other pixels is independent of its own, so the only way to lower the
loss is to average pixels whose clean colour is the same, wherever they are: training moves the
weight of a pixel in a red square onto the red pixels, including the red square on the far side.
"""

from __future__ import annotations

import numpy as np
import torch
from matplotlib.figure import Figure
from torch import nn

from demos.framework.core import (
    DemoResult,
    Narrator,
    cpu_threads,
    format_number,
    generator,
    precise_dtype,
    seed_everything,
    to_numpy,
)
from demos.framework.optim import Adam
from demos.framework.plotting import new_figure, shared_limits

ID = "image_self_attention"
TITLE = {
    "ja": "画像の自己注意(SAGAN型): 同じ色の領域を遠くまで探すことを学ぶ",
    "en": "Self-attention on an image (SAGAN-style): learning to find same-coloured regions",
}
SUMMARY = {
    "ja": (
        "合成画像の特徴マップの各画素をトークンとみなし、SAGANと同じ1×1畳み込みf(キー)と"
        "g(クエリ)を、ランダムな初期値から学習させます。課題はノイズ除去です。各画素の出力は、"
        "自分以外の画素のノイズ入りの色を注意の重みで平均したもので、自分自身のノイズ入りの色を"
        "当てるよう訓練します。訓練前、赤い正方形の中の画素の注意はほぼ画像全体に散らばります。"
        "訓練後は重みの大半が赤い画素に移り、画像の反対側にあるもう1つの赤い正方形にも届きます。"
        "訓練前と訓練後の注意マップは同じ色の尺度で並べて示します。"
    ),
    "en": (
        "Each pixel of a synthetic image's feature map is a token; SAGAN's 1x1 convolutions f "
        "(keys) and g (queries) are learned from random initialisation. The task is denoising: "
        "each output pixel is the attention-weighted average of the other pixels' noisy "
        "colours, trained to predict its own noisy colour. Before training, a pixel inside a "
        "red square spreads its attention over the whole image; after training most of its "
        "weight sits on red pixels, including the red square on the far side of the image. "
        "The maps before and after are drawn side by side on one colour scale."
    ),
}
CODE = {
    "model": "demos.gallery.image_self_attention:SelfAttention2d",
    "training": "demos.gallery.image_self_attention:train",
}

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
QUERY = (3, 3)  # (row, column): inside the top-left red square, the pixel drawn in the figure
NEAR_SQUARE = (slice(1, 6), slice(1, 6))
FAR_SQUARE = (slice(10, 15), slice(10, 15))
STEPS = 300
BATCH = 4
LR = 0.03


def showcase() -> tuple[np.ndarray, np.ndarray]:
    """The test image ``(3, H, W)`` and its colour labels ``(H, W)`` (palette indices)."""
    labels = np.zeros((SIZE, SIZE), dtype=np.int64)
    names = list(PALETTE)
    labels[NEAR_SQUARE] = names.index("red")
    labels[FAR_SQUARE] = names.index("red")
    labels[1:4, 9:15] = names.index("blue")
    labels[9:15, 1:3] = names.index("yellow")
    labels[7:9, 5:11] = names.index("green")
    colours = np.array(list(PALETTE.values()))  # (K, 3)
    return colours[labels].transpose(2, 0, 1), labels  # (3, H, W), (H, W)


def random_scene(rng: np.random.Generator) -> np.ndarray:
    """Colour labels ``(H, W)`` of a training image: 3 to 6 rectangles of random colours."""
    labels = np.zeros((SIZE, SIZE), dtype=np.int64)
    for _ in range(rng.integers(3, 7)):
        h, w = rng.integers(2, 7, size=2)
        r, c = rng.integers(0, SIZE - h + 1), rng.integers(0, SIZE - w + 1)
        labels[r : r + h, c : c + w] = rng.integers(1, CHANNELS)
    return labels


def colour_features(image: torch.Tensor) -> torch.Tensor:
    """Soft colour detectors: ``(B, 3, H, W)`` -> ``(B, K, H, W)``, summing to 1 over K.

    A stand-in for what the early layers of a CNN give SAGAN: a vector per pixel that is
    similar for pixels that look alike.
    """
    palette = torch.tensor(list(PALETTE.values()), dtype=image.dtype, device=image.device)
    dist = ((image[:, None] - palette[None, :, :, None, None]) ** 2).sum(dim=2)  # (B, K, H, W)
    return torch.softmax(-dist / (2 * DETECTOR_WIDTH**2), dim=1)


class SelfAttention2d(nn.Module):
    """The attention of SAGAN (Zhang et al.) over a ``(B, C, H, W)`` feature map.

    ``f`` (keys) and ``g`` (queries) are 1 x 1 convolutions; the scores are their raw dot
    products, as in SAGAN. SAGAN reduces the channels to C/8 on its wide feature maps; this map
    has only ``C`` = 5 channels, so ``f`` and ``g`` keep 5. The values here are the noisy
    colours themselves (SAGAN's ``h`` is the identity and there is no residual ``gamma``): the
    output is the denoised image.
    """

    def __init__(self, channels: int, inner: int):
        super().__init__()
        self.f = nn.Conv2d(channels, inner, 1)
        self.g = nn.Conv2d(channels, inner, 1)

    def forward(self, x: torch.Tensor, values: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Attend over pixels.

        Args:
            x: Features ``(B, C, H, W)`` that give queries and keys.
            values: What is averaged, ``(B, C_v, H, W)``.

        Returns:
            ``(o (B, C_v, H, W), beta (B, N, N))`` with ``N = H * W``; ``beta[b, j, i]`` is how
            much output pixel ``j`` takes from pixel ``i`` (rows sum to 1, ``beta[b, j, j] = 0``).
        """
        B, C, H, W = x.shape
        N = H * W
        key = self.f(x).view(B, -1, N)  # (B, C', N)
        query = self.g(x).view(B, -1, N)  # (B, C', N)
        scores = query.transpose(1, 2) @ key  # (B, N, N): SAGAN uses the raw dot product
        self_mask = torch.eye(N, dtype=torch.bool, device=x.device)  # (N, N): a pixel and itself
        scores = scores.masked_fill(self_mask, float("-inf"))  # no copying of its own noise
        beta = torch.softmax(scores, dim=-1)  # (B, N, N): row j sums to 1 over pixels i
        flat = values.view(B, values.shape[1], N)  # (B, C_v, N)
        o = (flat @ beta.transpose(1, 2)).view(values.shape)  # (B, C_v, H, W): sum_i beta_ji v_i
        return o, beta


def noisy_batch(
    rng: np.random.Generator, count: int, dtype: torch.dtype, device: str
) -> torch.Tensor:
    """``count`` random training images with Gaussian noise, ``(count, 3, H, W)``."""
    colours = np.array(list(PALETTE.values()))  # (K, 3)
    clean = np.stack([colours[random_scene(rng)] for _ in range(count)])  # (B, H, W, 3)
    noisy = clean.transpose(0, 3, 1, 2) + NOISE * rng.standard_normal((count, 3, SIZE, SIZE))
    return torch.tensor(noisy, dtype=dtype, device=device)  # (B, 3, H, W)


def train(block: SelfAttention2d, rng: np.random.Generator, steps: int = STEPS) -> list[float]:
    """Adam on fresh noisy images each step: predict each pixel from the others.

    Returns the loss every 50 steps.
    """
    weight = block.f.weight
    opt = Adam(block.parameters(), lr=LR)
    losses = []
    for step in range(steps):
        noisy = noisy_batch(rng, BATCH, weight.dtype, str(weight.device))  # (B, 3, H, W)
        out, _ = block(colour_features(noisy), noisy)
        loss = ((out - noisy) ** 2).mean()  # the target is the pixel's own noisy colour
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 50 == 0 or step == steps - 1:
            losses.append(float(loss.detach()))
    return losses


def region_weights(beta: np.ndarray, labels: np.ndarray) -> dict[str, float]:
    """Mean attention from the pixels of the near red square to their colour and the far square.

    Args:
        beta: ``(N, N)`` attention of one image.
        labels: ``(H, W)`` colour labels.
    """
    near = np.zeros((SIZE, SIZE), dtype=bool)
    near[NEAR_SQUARE] = True
    far = np.zeros((SIZE, SIZE), dtype=bool)
    far[FAR_SQUARE] = True
    same = (labels == labels[QUERY]).ravel()
    rows = beta[near.ravel()]  # (25, N)
    return {
        "same_colour": float(rows[:, same].sum(axis=1).mean()),
        "far_square": float(rows[:, far.ravel()].sum(axis=1).mean()),
    }


def run(device: str = "cpu", seed: int = 0) -> DemoResult:
    """Train f and g on denoising and compare the attention before and after."""
    with cpu_threads(1):
        return _run(device, seed)


def _run(device: str, seed: int) -> DemoResult:
    seed_everything(seed)
    dtype = precise_dtype(device)
    image, labels = showcase()
    noisy_np = image + NOISE * generator(seed + 1).standard_normal(image.shape)
    noisy = torch.tensor(noisy_np[None], dtype=dtype, device=device)  # (1, 3, H, W)
    features = colour_features(noisy)  # (1, K, H, W)
    q = QUERY[0] * SIZE + QUERY[1]

    torch.manual_seed(seed)
    block = SelfAttention2d(CHANNELS, CHANNELS).to(dtype).to(device)

    def look() -> tuple[np.ndarray, np.ndarray]:
        with torch.no_grad():
            out, beta = block(features, noisy)
        return to_numpy(out[0]), to_numpy(beta[0])

    out_init, beta_init = look()
    losses = train(block, generator(seed), STEPS)
    out_trained, beta_trained = look()
    w_init, w_trained = region_weights(beta_init, labels), region_weights(beta_trained, labels)
    share = float(((labels == labels[QUERY]).sum() - 1) / (SIZE * SIZE - 1))
    err_noisy = float(((noisy_np - image) ** 2).mean())
    err_init = float(((out_init - image) ** 2).mean())
    err_trained = float(((out_trained - image) ** 2).mean())

    metrics: dict[str, float | int | list] = {
        "same_colour_weight_init": w_init["same_colour"],
        "same_colour_weight_trained": w_trained["same_colour"],
        "far_square_weight_init": w_init["far_square"],
        "far_square_weight_trained": w_trained["far_square"],
        "same_colour_share": share,
        "noisy_error": err_noisy,
        "denoised_error_init": err_init,
        "denoised_error_trained": err_trained,
        "final_loss": losses[-1],
    }
    f3 = lambda x: format_number(x, 3)  # noqa: E731
    n = Narrator()
    n.heading("Pixels as tokens", "画素をトークンとして")
    n.say(
        f"A synthetic {SIZE} x {SIZE} image: two red squares far apart, blue, yellow and green\n"
        f"bars on grey, plus Gaussian noise (sigma {NOISE}). Each pixel becomes {CHANNELS} soft\n"
        "colour-detector features (a stand-in for a CNN's early layers), so the feature map x\n"
        f"has shape (1, {CHANNELS}, {SIZE}, {SIZE}) and N = {SIZE * SIZE} pixels are the tokens.",
        f"{SIZE}×{SIZE} の合成画像です。離れた 2 つの赤い正方形と、青・黄・緑の帯が灰色の上に"
        f"あり、\nガウスノイズ(σ = {NOISE})を加えています。各画素は {CHANNELS} 個の柔らかい"
        "色検出器の特徴(CNN の浅い層の代わり)になるので、\n特徴マップ x の形は "
        f"(1, {CHANNELS}, {SIZE}, {SIZE}) で、N = {SIZE * SIZE} 個の画素がトークンです。",
    )
    n.say(
        "SAGAN's attention, with 1 x 1 convolutions f (keys) and g (queries):\n"
        f"  beta = softmax(g(x)^T f(x))   an N x N = {SIZE * SIZE} x {SIZE * SIZE} map\n"
        "  o_j = sum_i beta_ji * noisy_i  every pixel averages the others' noisy colours\n"
        "A pixel may not look at itself (beta_jj = 0), and the loss is |o_j - noisy_j|^2: its\n"
        "own noise cannot be predicted from the others, so the loss is lowest when o_j\n"
        "averages pixels of the same clean colour.",
        "SAGAN の注意です。f(キー)と g(クエリ)は 1×1 畳み込みです:\n"
        f"  beta = softmax(g(x)^T f(x))   N×N = {SIZE * SIZE}×{SIZE * SIZE} のマップ\n"
        "  o_j = Σ_i beta_ji * noisy_i    各画素は他の画素のノイズ入りの色を平均します\n"
        "画素は自分自身を見られません(beta_jj = 0)。損失は |o_j - noisy_j|^2 です。"
        "自分のノイズは他の画素からは\n予測できないので、損失が最も小さくなるのは o_j が同じ本来の色の"
        "画素を平均したときです。",
    )
    n.say(
        f"Red pixels are {format_number(100 * share, 1)} % of the other pixels; the far red "
        f"square holds {format_number(100 * 25 / (SIZE * SIZE - 1), 1)} %.\n"
        "Weights below: the mean over the 25 pixels of the top-left red square.",
        f"赤い画素は自分以外の画素の {format_number(100 * share, 1)} %、遠い赤い正方形は "
        f"{format_number(100 * 25 / (SIZE * SIZE - 1), 1)} % です。\n"
        "以下の重みは、左上の赤い正方形の 25 画素についての平均です。",
    )
    n.heading("Before training (random f and g)", "訓練前(ランダムな f と g)")
    n.say(
        f"weight on red pixels {f3(w_init['same_colour'])}, on the far red square "
        f"{f3(w_init['far_square'])}",
        f"赤い画素への重み {f3(w_init['same_colour'])}、遠い赤い正方形への重み "
        f"{f3(w_init['far_square'])}",
    )
    n.heading(
        f"Training: {STEPS} Adam steps on fresh random images, {BATCH} per step",
        f"訓練: 毎回新しいランダム画像 {BATCH} 枚で Adam を {STEPS} ステップ",
    )
    n.say(
        "loss every 50 steps: " + " ".join(format_number(x, 4) for x in losses),
        "50 ステップごとの損失: " + " ".join(format_number(x, 4) for x in losses),
    )
    n.heading("After training", "訓練後")
    n.say(
        f"weight on red pixels {f3(w_trained['same_colour'])}, on the far red square "
        f"{f3(w_trained['far_square'])}",
        f"赤い画素への重み {f3(w_trained['same_colour'])}、遠い赤い正方形への重み "
        f"{f3(w_trained['far_square'])}",
    )
    n.say(
        f"mean squared error against the clean image: noisy input {format_number(err_noisy, 4)},"
        f" denoised before training {format_number(err_init, 4)}, after "
        f"{format_number(err_trained, 4)}",
        f"元の画像との平均二乗誤差: ノイズ入りの入力 {format_number(err_noisy, 4)}、"
        f"訓練前の出力 {format_number(err_init, 4)}、訓練後の出力 {format_number(err_trained, 4)}",
    )
    ratio = w_trained["far_square"] / w_trained["same_colour"]
    n.notice(
        f"Nothing told f and g about colour: the weight on red went from "
        f"{f3(w_init['same_colour'])} to {f3(w_trained['same_colour'])}\n"
        "because averaging same-coloured pixels is what lowers the denoising loss. The far\n"
        f"square gets {format_number(100 * ratio, 0)} % of the red weight: these features carry "
        "no position, so attention\ncannot prefer near pixels, and one layer reaches the far "
        "square directly, where a 3 x 3\nconvolution sees 9 pixels.",
        "f と g に色のことは何も教えていません。赤への重みが "
        f"{f3(w_init['same_colour'])} から {f3(w_trained['same_colour'])} に増えたのは、\n"
        "同じ色の画素を平均することがノイズ除去の損失を下げるからです。遠い正方形は赤への重みの "
        f"{format_number(100 * ratio, 0)} % を受け取ります。\nこの特徴には位置の情報がないので、"
        "注意は近い画素をひいきできません。3×3 の畳み込みが見るのは 9 画素ですが、\n"
        "注意は 1 層で遠い正方形まで直接届きます。",
    )
    arrays = {
        "image": image,
        "noisy": noisy_np,
        "labels": labels,
        "denoised": out_trained,
        "attention_init": beta_init[q].reshape(SIZE, SIZE),
        "attention_trained": beta_trained[q].reshape(SIZE, SIZE),
        "losses": np.array(losses),
    }
    return DemoResult(ID, device, seed, n.lines, arrays, metrics, [])


def claims(result: DemoResult) -> dict[str, bool]:
    """The statements the narration, summary and alt text make about the numbers."""
    m = result.metrics
    return {
        "random_init_spreads_attention": m["same_colour_weight_init"] < 0.35
        and m["far_square_weight_init"] < 0.2,
        "training_moves_weight_to_the_same_colour": m["same_colour_weight_trained"] > 0.75,
        "training_reaches_the_far_square": m["far_square_weight_trained"] > 0.3,
        "far_square_gets_about_half": 0.35
        < m["far_square_weight_trained"] / m["same_colour_weight_trained"]
        < 0.65,
        "trained_output_is_cleaner_than_the_input": m["denoised_error_trained"] < m["noisy_error"],
    }


LABELS = {
    "en": {
        "image": "clean image",
        "noisy": "noisy input",
        "init": "attention of x, random weights\n(before training)",
        "trained": "attention of x,\nafter training",
        "denoised": "output after training",
        "weight": "attention weight",
    },
    "ja": {
        "image": "元の画像",
        "noisy": "ノイズ入りの入力",
        "init": "× の注意、ランダムな重み\n(訓練前)",
        "trained": "× の注意\n(訓練後)",
        "denoised": "訓練後の出力",
        "weight": "注意の重み",
    },
}


def figures(result: DemoResult, lang: str = "en") -> list[tuple[str, Figure, dict[str, str]]]:
    """The image, the noisy input, the query pixel's map before and after, the output."""
    t = LABELS[lang]
    a = result.arrays
    fig = new_figure(13.0, 3.2)
    axes = fig.subplots(1, 5)
    _, vmax = shared_limits(a["attention_init"], a["attention_trained"])
    maps = None
    for ax, key in zip(axes, ("image", "noisy", "init", "trained", "denoised"), strict=True):
        if key in ("init", "trained"):
            data = a[f"attention_{key}"]
            maps = ax.imshow(data, cmap="Blues", vmin=0, vmax=vmax, interpolation="nearest")
        else:
            data = a[key]
            ax.imshow(np.clip(data.transpose(1, 2, 0), 0, 1), interpolation="nearest")
        ax.plot([QUERY[1]], [QUERY[0]], marker="x", color="black", ms=7, mew=2)
        ax.set_title(t[key], fontsize=9)
        ax.set_xticks(range(0, SIZE, 5))
        ax.set_yticks(range(0, SIZE, 5))
        ax.tick_params(labelsize=7)
    assert maps is not None  # drawn for "init" and "trained" above
    fig.colorbar(maps, ax=axes[2:4], shrink=0.8, label=t["weight"])
    m = result.metrics
    f2 = lambda x: format_number(x, 2)  # noqa: E731
    alt = {
        "en": (
            "From left: the synthetic image, the noisy input, the attention map of the pixel "
            "marked x before training (random weights) and after training, on one colour scale, "
            "and the denoised output. The mean weight of the top-left red square on red pixels "
            f"goes from {f2(m['same_colour_weight_init'])} to "
            f"{f2(m['same_colour_weight_trained'])}, and on the far red square at the bottom "
            f"right from {f2(m['far_square_weight_init'])} to "
            f"{f2(m['far_square_weight_trained'])}."
        ),
        "ja": (
            "左から、合成画像、ノイズ入りの入力、× の画素の注意マップ(訓練前のランダムな重みと"
            "訓練後、同じ色の尺度)、ノイズ除去後の出力。左上の赤い正方形の画素が赤い画素に置く"
            f"重みの平均は {f2(m['same_colour_weight_init'])} から "
            f"{f2(m['same_colour_weight_trained'])} に、右下の遠い赤い正方形に置く重みは "
            f"{f2(m['far_square_weight_init'])} から {f2(m['far_square_weight_trained'])} に"
            "増えます。"
        ),
    }
    return [("attention_map", fig, alt)]

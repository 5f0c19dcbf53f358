"""DETR in miniature: learned object queries cross-attend to image patches; Hungarian matching.

An 8 x 8 grid of patches holds one to three coloured boxes. A handful of learned object queries
read the patches through cross-attention and each predicts a class (or "no object") and a box.
Training matches predictions to targets one-to-one with the Hungarian algorithm, as DETR does, so
there is no anchor and no non-maximum suppression. After a few seconds of training each matched
query's attention sits on the patches of its object.
"""

from __future__ import annotations

import itertools

import numpy as np
import torch
from scipy.optimize import linear_sum_assignment
from torch import nn

from demos.core import (
    DemoResult,
    EnglishOnlyNarrator,
    Explorer,
    cpu_threads,
    format_number,
    generator,
    precise_dtype,
    seed_everything,
    to_numpy,
)
from demos.reference import sinusoidal_positional_encoding
from demos.torch_attention import MultiHeadSelfAttention, scaled_dot_product_attention

ID = "detr_object_queries"
TITLE = {
    "ja": "DETR の物体クエリ: 画像パッチへのクロスアテンションとハンガリアン法",
    "en": "DETR object queries: cross-attention to patches and Hungarian matching",
}
SUMMARY = {
    "ja": (
        "8x8 のパッチに色付きの箱が 1〜3 個ある合成画像で、DETR を小さくしたモデルを数秒訓練します。"
        "学習される物体クエリがクロスアテンションでパッチを読み、それぞれ「クラスと箱」か"
        "「物体なし」を出力します。予測と正解はハンガリアン法で 1 対 1 に対応づけられ、総当たり"
        "と同じ最小コストになることを確かめ、各クエリの注意が自分の物体に集まる様子を見ます。"
    ),
    "en": (
        "A miniature DETR is trained for a few seconds on synthetic 8x8-patch images holding one "
        "to three coloured boxes. Learned object queries read the patches through cross-"
        "attention and each outputs a class and a box, or 'no object'. Predictions are matched "
        "one-to-one to targets with the Hungarian algorithm (checked against brute force), and "
        "each matched query's attention lands on its own object."
    ),
}
RESOURCES = ("kilcher-detr-explained",)
CODE = {
    "model": "demos.detr_object_queries:MiniDETR",
    "matching": "demos.detr_object_queries:hungarian_match",
}

GRID = 8
CLASSES = ("red", "green", "blue")
NO_OBJECT = len(CLASSES)
N_QUERIES = 5
N_EMBD, N_HEAD = 32, 2
STEPS = 250
TEST_IMAGES = 100
BRUTE_FORCE_IMAGES = 20
BATCH = 32
LR = 1e-2
NOISE = 0.1
BOX_WEIGHT = 5.0
EOS_WEIGHT = 0.1  # DETR down-weights the many "no object" targets


def random_image(rng: np.random.Generator, n_objects: int | None = None) -> tuple:
    """One image: ``(patch features (GRID*GRID, K+1), classes (n,), boxes (n, 4))``.

    Boxes are ``(cx, cy, w, h)`` in [0, 1]; objects do not overlap. Each patch feature is the
    one-hot colour of the patch (background last) plus a little noise.
    """
    n = int(rng.integers(1, 4)) if n_objects is None else n_objects
    occupied = np.zeros((GRID, GRID), dtype=bool)
    colour = np.full((GRID, GRID), len(CLASSES))
    classes, boxes = [], []
    while len(classes) < n:
        h, w = rng.integers(2, 5, size=2)
        r, c = rng.integers(0, GRID - h + 1), rng.integers(0, GRID - w + 1)
        if occupied[r : r + h, c : c + w].any():
            continue
        occupied[r : r + h, c : c + w] = True
        k = int(rng.integers(len(CLASSES)))
        colour[r : r + h, c : c + w] = k
        classes.append(k)
        boxes.append([(c + w / 2) / GRID, (r + h / 2) / GRID, w / GRID, h / GRID])
    feats = np.eye(len(CLASSES) + 1)[colour.reshape(-1)]
    feats = feats + NOISE * rng.normal(size=feats.shape)
    return feats, np.array(classes), np.array(boxes)


def positional_grid(channels: int) -> np.ndarray:
    """2-D sinusoidal encoding ``(GRID*GRID, channels)``: half for rows, half for columns."""
    pe = sinusoidal_positional_encoding(GRID, channels // 2)  # (GRID, C/2)
    rows = np.repeat(pe, GRID, axis=0)  # patch p = r * GRID + c gets row r's code
    cols = np.tile(pe, (GRID, 1))  # ... and column c's code
    return np.concatenate([rows, cols], axis=1)


class CrossAttention(nn.Module):
    """Queries ``(B, Q, C)`` attend to memory ``(B, P, C)``; multi-head, weights returned."""

    def __init__(self, n_embd: int, n_head: int):
        super().__init__()
        self.n_head, self.head_dim = n_head, n_embd // n_head
        self.q_proj = nn.Linear(n_embd, n_embd)
        self.k_proj = nn.Linear(n_embd, n_embd)
        self.v_proj = nn.Linear(n_embd, n_embd)
        self.out = nn.Linear(n_embd, n_embd)

    def forward(
        self, queries: torch.Tensor, keys: torch.Tensor, values: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Return ``(y (B, Q, C), att (B, n_head, Q, P))``."""
        B, Q, C = queries.shape
        P = keys.shape[1]
        q = self.q_proj(queries).view(B, Q, self.n_head, self.head_dim).transpose(1, 2)
        k = self.k_proj(keys).view(B, P, self.n_head, self.head_dim).transpose(1, 2)
        v = self.v_proj(values).view(B, P, self.n_head, self.head_dim).transpose(1, 2)
        # q: (B, n_head, Q, head_dim); k, v: (B, n_head, P, head_dim)
        y, att = scaled_dot_product_attention(q, k, v)  # (B, n_head, Q, head_dim), (.., Q, P)
        y = y.transpose(1, 2).contiguous().view(B, Q, C)  # (B, Q, C)
        return self.out(y), att


class MiniDETR(nn.Module):
    """Patch embedding + positions, learned object queries, one decoder layer, two heads.

    The decoder layer is DETR's: self-attention among the queries (so they can avoid
    predicting the same object twice), cross-attention from queries to patches, a feed-forward
    block; positions are added to the keys only, as DETR adds them at every attention.
    """

    def __init__(self) -> None:
        super().__init__()
        self.embed = nn.Linear(len(CLASSES) + 1, N_EMBD)
        self.register_buffer("pos", torch.tensor(positional_grid(N_EMBD)))
        self.queries = nn.Parameter(torch.randn(N_QUERIES, N_EMBD) * 0.5)
        self.self_attn = MultiHeadSelfAttention(N_EMBD, N_HEAD)
        self.cross_attn = CrossAttention(N_EMBD, N_HEAD)
        self.mlp = nn.Sequential(
            nn.Linear(N_EMBD, 2 * N_EMBD), nn.ReLU(), nn.Linear(2 * N_EMBD, N_EMBD)
        )
        self.ln = nn.ModuleList(nn.LayerNorm(N_EMBD) for _ in range(3))
        self.class_head = nn.Linear(N_EMBD, len(CLASSES) + 1)
        self.box_head = nn.Sequential(nn.Linear(N_EMBD, N_EMBD), nn.ReLU(), nn.Linear(N_EMBD, 4))

    def forward(self, patches: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """``patches`` ``(B, P, K+1)`` -> ``(class logits (B, Q, K+1), boxes (B, Q, 4), att)``.

        ``att`` is the cross-attention ``(B, n_head, Q, P)``.
        """
        B = patches.shape[0]
        memory = self.embed(patches)  # (B, P, C)
        pos = self.pos.to(memory.dtype)  # (P, C)
        x = self.queries.to(memory.dtype).expand(B, N_QUERIES, N_EMBD)  # (B, Q, C)
        a, _ = self.self_attn(x)
        x = self.ln[0](x + a)
        a, att = self.cross_attn(x, memory + pos, memory)
        x = self.ln[1](x + a)
        x = self.ln[2](x + self.mlp(x))
        return self.class_head(x), torch.sigmoid(self.box_head(x)), att


def match_cost(
    probs: np.ndarray, boxes: np.ndarray, classes: np.ndarray, targets: np.ndarray
) -> np.ndarray:
    """DETR's matching cost ``(Q, n)``: ``-p(target class) + BOX_WEIGHT * L1(box, target)``."""
    l1 = np.abs(boxes[:, None, :] - targets[None, :, :]).sum(-1)  # (Q, n)
    return -probs[:, classes] + BOX_WEIGHT * l1


def hungarian_match(cost: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The one-to-one assignment of minimum total cost: ``(query indices, target indices)``."""
    rows, cols = linear_sum_assignment(cost)
    return rows, cols


def brute_force_match(cost: np.ndarray) -> float:
    """Minimum total cost over every injective map from targets to queries (for checking)."""
    Q, n = cost.shape
    return min(
        sum(cost[q, t] for t, q in enumerate(perm)) for perm in itertools.permutations(range(Q), n)
    )


def box_iou(a: np.ndarray, b: np.ndarray) -> float:
    """Intersection over union of two ``(cx, cy, w, h)`` boxes."""
    ax0, ay0, ax1, ay1 = a[0] - a[2] / 2, a[1] - a[3] / 2, a[0] + a[2] / 2, a[1] + a[3] / 2
    bx0, by0, bx1, by1 = b[0] - b[2] / 2, b[1] - b[3] / 2, b[0] + b[2] / 2, b[1] + b[3] / 2
    inter = max(0.0, min(ax1, bx1) - max(ax0, bx0)) * max(0.0, min(ay1, by1) - max(ay0, by0))
    union = a[2] * a[3] + b[2] * b[3] - inter
    return float(inter / union) if union > 0 else 0.0


def _loss(
    logits: torch.Tensor,
    boxes: torch.Tensor,
    batch: list[tuple[np.ndarray, np.ndarray, np.ndarray]],
    device: str,
    dtype: torch.dtype,
) -> torch.Tensor:
    """Hungarian-matched loss over a batch (cross-entropy for all queries, L1 for matched)."""
    probs = to_numpy(torch.softmax(logits.detach(), -1))
    pred_boxes = to_numpy(boxes.detach())
    target_cls = torch.full(logits.shape[:2], NO_OBJECT, device=device)  # (B, Q)
    box_loss = logits.new_zeros(())
    count = 0
    for b, (_, classes, targets) in enumerate(batch):
        rows, cols = hungarian_match(match_cost(probs[b], pred_boxes[b], classes, targets))
        target_cls[b, torch.as_tensor(rows, device=device)] = torch.as_tensor(
            classes[cols], device=device
        )
        goal = torch.tensor(targets[cols], dtype=dtype, device=device)
        box_loss = box_loss + (boxes[b, torch.as_tensor(rows, device=device)] - goal).abs().sum()
        count += len(rows)
    weight = torch.ones(len(CLASSES) + 1, dtype=dtype, device=device)
    weight[NO_OBJECT] = EOS_WEIGHT
    ce = nn.functional.cross_entropy(
        logits.reshape(-1, len(CLASSES) + 1), target_cls.reshape(-1), weight=weight
    )
    return ce + BOX_WEIGHT * box_loss / count


def _both(text: str) -> dict[str, str]:
    return {"en": text, "ja": text}


def run(device: str = "cpu", seed: int = 0) -> DemoResult:
    """Train the miniature DETR; match, score and read the attention of a showcase image."""
    with cpu_threads(1):
        return _run(device, seed)


def _run(device: str, seed: int) -> DemoResult:
    seed_everything(seed)
    rng = generator(seed)
    dtype = precise_dtype(device)
    torch.manual_seed(seed)
    model = MiniDETR().to(dtype).to(device)
    opt = torch.optim.Adam(model.parameters(), lr=LR)
    losses = []
    for step in range(STEPS):
        batch = [random_image(rng) for _ in range(BATCH)]
        x = torch.tensor(np.stack([f for f, _, _ in batch]), dtype=dtype, device=device)
        logits, boxes, _ = model(x)
        loss = _loss(logits, boxes, batch, device, dtype)
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 100 == 0 or step == STEPS - 1:
            losses.append(float(loss.detach()))
    model.eval()

    test_rng = generator(seed + 1)
    test = [random_image(test_rng) for _ in range(TEST_IMAGES)]
    with torch.no_grad():
        x = torch.tensor(np.stack([f for f, _, _ in test]), dtype=dtype, device=device)
        logits, boxes, att = model(x)
    probs, pred_boxes, att_np = to_numpy(torch.softmax(logits, -1)), to_numpy(boxes), to_numpy(att)
    ious, cls_ok, inside, area, count_ok, brute_gap = [], [], [], [], [], 0.0
    for b, (_, classes, targets) in enumerate(test):
        cost = match_cost(probs[b], pred_boxes[b], classes, targets)
        rows, cols = hungarian_match(cost)
        if b < BRUTE_FORCE_IMAGES:
            brute_gap = max(brute_gap, abs(cost[rows, cols].sum() - brute_force_match(cost)))
        for q, t in zip(rows, cols, strict=True):
            ious.append(box_iou(pred_boxes[b, q], targets[t]))
            cls_ok.append(int(np.argmax(probs[b, q])) == classes[t])
            inside.append(_mass_inside(att_np[b, :, q].mean(0), targets[t]))
            area.append(_mass_inside(np.full(GRID * GRID, 1 / GRID**2), targets[t]))
        detected = int((probs[b].argmax(-1) != NO_OBJECT).sum())
        count_ok.append(detected == len(classes))

    feats, classes, targets = random_image(generator(seed + 2), n_objects=3)
    with torch.no_grad():
        logits, boxes, att = model(torch.tensor(feats[None], dtype=dtype, device=device))
    probs1, boxes1, att1 = (
        to_numpy(torch.softmax(logits[0], -1)),
        to_numpy(boxes[0]),
        to_numpy(att[0]),
    )
    cost = match_cost(probs1, boxes1, classes, targets)
    rows, cols = hungarian_match(cost)

    n = EnglishOnlyNarrator()
    n.heading("Set prediction with object queries")
    n.say(
        f"Images are {GRID} x {GRID} patches; each patch is a colour one-hot (red, green, blue,\n"
        f"background) plus noise, embedded to C = {N_EMBD} and given a 2-D sinusoidal position.\n"
        f"{N_QUERIES} learned object queries (a ({N_QUERIES}, {N_EMBD}) parameter, the same for every image)\n"
        "go through one decoder layer: self-attention among the queries, cross-attention\n"
        f"from queries to the {GRID * GRID} patches, a feed-forward block. Each query then predicts\n"
        "a class (or 'no object') and a box (cx, cy, w, h)."
    )
    n.say(
        "Training matches the predictions of each image to its targets one-to-one with the\n"
        "Hungarian algorithm (cost = -p(class) + 5 x L1 box distance); unmatched queries learn\n"
        "'no object'. No anchors, no non-maximum suppression."
    )
    n.say(
        f"{STEPS} Adam steps, batches of {BATCH}; loss every 100 steps: "
        + " ".join(format_number(v, 3) for v in losses)
    )
    n.heading("A test image with three objects")
    for t in range(len(classes)):
        n.say(f"target {t}: {CLASSES[classes[t]]:<5} box {_fmt_box(targets[t])}")
    n.show("matching cost (queries x targets)", cost, precision=2)
    n.say(
        "Hungarian assignment: "
        + ", ".join(f"query {q} -> target {t}" for q, t in zip(rows, cols, strict=True))
    )
    n.value("its total cost", float(cost[rows, cols].sum()), 3)
    n.value("best total cost by trying every assignment", brute_force_match(cost), 3)
    for q in range(N_QUERIES):
        k = int(np.argmax(probs1[q]))
        label = "no object" if k == NO_OBJECT else CLASSES[k]
        matched = f" (matched to target {cols[list(rows).index(q)]})" if q in rows else ""
        box = f" box {_fmt_box(boxes1[q])}" if k != NO_OBJECT else ""
        n.say(f"query {q}: {label:<9} p = {format_number(probs1[q, k], 2)}{box}{matched}")
    for q, t in zip(rows, cols, strict=True):
        mass = _mass_inside(att1[:, q].mean(0), targets[t])
        n.say(
            f"query {q} puts {format_number(mass, 2)} of its cross-attention inside target {t}'s box"
        )
    n.heading(f"Over {TEST_IMAGES} test images")
    metrics = {
        "final_loss": losses[-1],
        "test_class_accuracy": float(np.mean(cls_ok)),
        "test_mean_iou": float(np.mean(ious)),
        "test_count_accuracy": float(np.mean(count_ok)),
        "test_attention_inside_box": float(np.mean(inside)),
        "test_box_area_share": float(np.mean(area)),
        "hungarian_vs_brute_force_gap": float(brute_gap),
        "showcase_hungarian_cost": float(cost[rows, cols].sum()),
        "showcase_brute_force_cost": float(brute_force_match(cost)),
    }
    n.value("matched queries with the right class", metrics["test_class_accuracy"])
    n.value("mean IoU of matched boxes", metrics["test_mean_iou"])
    n.value(
        "cross-attention of matched queries inside their box (mean)",
        metrics["test_attention_inside_box"],
    )
    n.value(
        "  ... what uniform attention would give (box area share)", metrics["test_box_area_share"]
    )
    n.value("images with exactly as many detections as objects", metrics["test_count_accuracy"])
    same = "the same minimum" if brute_gap < 1e-9 else f"DIFFERENT (by {brute_gap:.1e})"
    n.say(f"Hungarian vs trying every assignment, {BRUTE_FORCE_IMAGES} images: {same}")
    n.notice(
        "Each object query is a learned question ('is there something around here?') that reads\n"
        "the whole image through cross-attention; its attention ends up on the patches of the\n"
        "object it reports. The Hungarian matching makes the output a set: one query per\n"
        "object, the rest say 'no object', so duplicates are punished during training rather\n"
        "than removed afterwards. After seconds of training some duplicates survive (see the\n"
        "count above); DETR itself needs long training for the queries to learn to stay silent."
    )
    patch_tokens = [f"r{p // GRID}c{p % GRID}" for p in range(GRID * GRID)]
    explorer = [
        Explorer(
            name=_both("object queries -> image patches (cross-attention)"),
            tokens=patch_tokens,
            heads={f"head {h + 1}": att1[h] for h in range(N_HEAD)},
            query_tokens=[f"query {q}" for q in range(N_QUERIES)],
        )
    ]
    arrays = {
        "showcase_patches": feats,
        "showcase_classes": classes,
        "showcase_boxes": targets,
        "pred_probs": probs1,
        "pred_boxes": boxes1,
        "cross_attention": att1,
        "cost": cost,
        "assignment": np.stack([rows, cols]),
    }
    return DemoResult(ID, device, seed, n.lines, arrays, metrics, explorer)


def _fmt_box(box: np.ndarray) -> str:
    return "(" + ", ".join(format_number(v, 2) for v in box) + ")"


def _mass_inside(weights: np.ndarray, box: np.ndarray) -> float:
    """Share of a patch attention vector ``(P,)`` that falls on patches inside ``box``."""
    cx, cy, w, h = box * GRID
    grid = weights.reshape(GRID, GRID)
    r0, r1 = int(round(cy - h / 2)), int(round(cy + h / 2))
    c0, c1 = int(round(cx - w / 2)), int(round(cx + w / 2))
    return float(grid[r0:r1, c0:c1].sum())


def figures(result: DemoResult, lang: str = "en") -> list[tuple[str, object, dict[str, str]]]:
    """The showcase image with target and predicted boxes, and each matched query's attention."""
    from matplotlib.patches import Rectangle

    from demos.plotting import new_figure

    colours = {0: (0.9, 0.15, 0.15), 1: (0.15, 0.65, 0.2), 2: (0.15, 0.3, 0.9)}
    feats = result.arrays["showcase_patches"]
    image = np.ones((GRID * GRID, 3))
    for k, rgb in colours.items():
        image[feats.argmax(-1) == k] = rgb
    rows, cols = result.arrays["assignment"]
    fig = new_figure(2.6 * (1 + len(rows)), 2.9)
    ax = fig.add_subplot(1, 1 + len(rows), 1)
    ax.imshow(image.reshape(GRID, GRID, 3), interpolation="nearest")
    for q, t in zip(rows, cols, strict=True):
        for box, style in (
            (result.arrays["showcase_boxes"][t], "-"),
            (result.arrays["pred_boxes"][q], "--"),
        ):
            cx, cy, w, h = box * GRID
            ax.add_patch(
                Rectangle(
                    (cx - w / 2 - 0.5, cy - h / 2 - 0.5),
                    w,
                    h,
                    fill=False,
                    ls=style,
                    lw=1.5,
                    ec="black",
                )
            )
    ax.set_title("targets (solid), predictions (dashed)", fontsize=8)
    ax.set_xticks([])
    ax.set_yticks([])
    att = result.arrays["cross_attention"].mean(0)  # (Q, P): averaged over heads
    for i, (q, t) in enumerate(zip(rows, cols, strict=True)):
        ax = fig.add_subplot(1, 1 + len(rows), i + 2)
        ax.imshow(att[q].reshape(GRID, GRID), cmap="Blues", vmin=0, interpolation="nearest")
        ax.set_title(f"query {q} -> target {t}", fontsize=8)
        ax.set_xticks([])
        ax.set_yticks([])
    alt = {
        "ja": (
            "左: 3 つの物体がある合成画像と、正解の箱(実線)と予測の箱(破線)。右: ハンガリアン法で"
            "各物体に対応づけられたクエリのクロスアテンション(ヘッド平均)。どれも自分の物体の"
            "パッチに集中している。"
        ),
        "en": (
            "Left: a synthetic image with three objects, target boxes (solid) and predicted boxes "
            "(dashed). Right: the cross-attention (averaged over heads) of the query matched to "
            "each object by the Hungarian algorithm; each concentrates on its object's patches."
        ),
    }
    return [("queries", fig, alt)]

"""DETR in miniature: learned object queries cross-attend to image patches; Hungarian matching.

An 8 x 8 grid of patches holds one to three coloured boxes, kept at least a patch apart. A 3 x 3
convolution stands in for the backbone; a handful of learned object queries go through a stack of
decoder layers (self-attention among the queries, cross-attention to the patches) and after every
layer each query predicts a class (or "no object") and a box. Training matches every layer's
predictions to the targets one-to-one with the Hungarian algorithm and adds the losses of all
layers (DETR's auxiliary losses, with DETR's dropout in the decoder), so there is no anchor and
no non-maximum suppression. Every confident prediction is scored, duplicates included:
precision, recall and duplicates per image, layer by layer. Without a threshold, the gain in AP
that non-maximum suppression brings to each layer's output measures what its duplicates cost
it, as in the DETR paper's decoder ablation.
"""

from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np
import torch
from scipy.optimize import linear_sum_assignment
from torch import nn

from demos.attention.reference import sinusoidal_positional_encoding
from demos.attention.torch_attention import scaled_dot_product_attention
from demos.framework.core import (
    DemoError,
    DemoResult,
    Explorer,
    Narrator,
    cpu_threads,
    format_number,
    generator,
    seed_everything,
    tf32_off,
    to_numpy,
)
from demos.framework.optim import Adam

ID = "detr_object_queries"
TITLE = {
    "ja": "DETRの物体クエリ: 画像パッチへのクロスアテンションとハンガリアン法",
    "en": "DETR object queries: cross-attention to patches and Hungarian matching",
}
SUMMARY = {
    "ja": (
        "8x8のパッチに色付きの箱が1〜3個ある合成画像で、DETRを小さくしたモデルを数秒訓練します。"
        "学習される物体クエリが3層のデコーダでパッチにクロスアテンションを向け、各層の出力から"
        "「クラスと箱」か「物体なし」を予測します。予測と正解はハンガリアン法で1対1に対応づけ"
        "(総当たりと同じ最小コストになることを確認します)、全層に損失を掛けます。重複も含めて"
        "確信のある予測をすべて数え、適合率・再現率・1枚あたりの重複を層ごとに示します。"
        "しきい値なしのAPも、非最大値抑制(NMS)をかける前と後で層ごとに比べます。"
    ),
    "en": (
        "A miniature DETR is trained for a few seconds on synthetic 8x8-patch images holding one "
        "to three coloured boxes. Learned object queries cross-attend to the patches through "
        "three decoder layers, and after each layer every query predicts a class and a box, or "
        "'no object'. Predictions are matched one-to-one to targets with the Hungarian algorithm "
        "(checked against brute force), with a loss after every layer. Every confident "
        "prediction is counted, duplicates included: precision, recall and duplicates per image, "
        "layer by layer, and each layer's threshold-free AP before and after non-maximum "
        "suppression."
    ),
}
CODE = {
    "model": "demos.gallery.detr_object_queries:MiniDETR",
    "matching": "demos.gallery.detr_object_queries:hungarian_match",
}

GRID = 8
CLASSES = ("red", "green", "blue")
NO_OBJECT = len(CLASSES)
MAX_OBJECTS = 3
MIN_SIDE, MAX_SIDE = 2, 3
N_QUERIES = 5
N_LAYERS = 3
N_EMBD, N_HEAD = 32, 2
STEPS = 500
TRAIN_LAYOUTS = 2000
GRAD_CLIP = 1.0
TEST_IMAGES = 200
BRUTE_FORCE_IMAGES = 20
BATCH = 32
LR = 1e-2
WARMUP = 50
NOISE = 0.1
BOX_WEIGHT = 5.0
# DETR's own dropout in the decoder, after each attention and the feed-forward block, in
# training only. Without it the last layer's precision was 0.90-0.97 on seeds 0-5 (200 test
# images each), and duplicates per image fell from the first layer to the last on seeds 0, 2
# and 3 only (0.03 -> 0.035 on seed 1, 0.065 -> 0.13 on seed 5). With it, precision 0.93-0.995
# on seeds 0-8, and the fall on seeds 0, 1, 2, 4, 5, 6 and 8: the later layers learn to
# repair what a perturbed earlier layer reports, duplicates included.
DROPOUT = 0.1
CONFIDENT = 0.5  # a prediction counts when its top class is an object with p >= this
IOU_HIT = 0.5
NMS_IOU = 0.5
# float32 on every device, TF32 off. Training is bound by arithmetic here (each step's cost
# grows with the batch), and float64 took a third longer: 7.5 s against 5.7 s for the 500
# steps on one core of the 2-core machine, which put the demo over its 10 s budget. Neither
# type gives every machine the same run: 500 Adam steps turn any change in rounding (another
# summation order, another kernel) into other metrics, so the tests bound the outcome on
# seeds 0-2 with margins instead of expecting one exact run (seeds 3-8 were also checked).
TRAIN_DTYPE = torch.float32


def random_layout(rng: np.random.Generator, n_objects: int | None = None) -> tuple:
    """One scene: ``(patch colours (GRID*GRID,), classes (n,), boxes (n, 4))``.

    Boxes are ``(cx, cy, w, h)`` in [0, 1]. Objects are kept apart: at least one background
    patch separates any two boxes (diagonals included), so two same-coloured boxes never merge
    into one blob. Colours are class indices, background last.
    """
    n = int(rng.integers(1, MAX_OBJECTS + 1)) if n_objects is None else n_objects
    while True:  # a layout that cannot fit the last box starts over
        blocked = np.zeros((GRID + 2, GRID + 2), dtype=bool)  # a one-patch border around
        colour = np.full((GRID, GRID), len(CLASSES))
        classes, boxes = [], []
        for _ in range(50):
            h, w = rng.integers(MIN_SIDE, MAX_SIDE + 1, size=2)
            r, c = rng.integers(0, GRID - h + 1), rng.integers(0, GRID - w + 1)
            if blocked[r + 1 : r + h + 1, c + 1 : c + w + 1].any():
                continue
            blocked[r : r + h + 2, c : c + w + 2] = True  # the box and its ring of neighbours
            k = int(rng.integers(len(CLASSES)))
            colour[r : r + h, c : c + w] = k
            classes.append(k)
            boxes.append([(c + w / 2) / GRID, (r + h / 2) / GRID, w / GRID, h / GRID])
            if len(classes) == n:
                return colour.reshape(-1), np.array(classes), np.array(boxes)


def patch_features(rng: np.random.Generator, colours: np.ndarray) -> np.ndarray:
    """Colours ``(..., P)`` -> features ``(..., P, K+1)``: the one-hot colour plus noise."""
    feats = np.eye(len(CLASSES) + 1)[colours]  # (..., P, K+1)
    return feats + NOISE * rng.normal(size=feats.shape)


def random_image(rng: np.random.Generator, n_objects: int | None = None) -> tuple:
    """One image: ``(patch features (GRID*GRID, K+1), classes (n,), boxes (n, 4))``."""
    colour, classes, boxes = random_layout(rng, n_objects)
    return patch_features(rng, colour), classes, boxes


def positional_grid(channels: int) -> np.ndarray:
    """2-D sinusoidal encoding ``(GRID*GRID, channels)``: half for rows, half for columns."""
    pe = sinusoidal_positional_encoding(GRID, channels // 2)  # (GRID, C/2)
    rows = np.repeat(pe, GRID, axis=0)  # patch p = r * GRID + c gets row r's code
    cols = np.tile(pe, (GRID, 1))  # ... and column c's code
    return np.concatenate([rows, cols], axis=1)


class CrossAttention(nn.Module):
    """Queries ``(B, Q, C)`` attend to keys/values ``(B, P, C)``; multi-head, weights returned.

    DETR uses the same block for the queries' self-attention (keys = queries).
    """

    def __init__(self, n_embd: int, n_head: int):
        super().__init__()
        self.n_head, self.head_dim = n_head, n_embd // n_head
        self.q_proj = nn.Linear(n_embd, n_embd)
        self.k_proj = nn.Linear(n_embd, n_embd)
        self.v_proj = nn.Linear(n_embd, n_embd)
        self.out = nn.Linear(n_embd, n_embd)

    def forward(
        self,
        queries: torch.Tensor,
        keys: torch.Tensor,
        values: torch.Tensor,
        need_weights: bool = True,
    ) -> tuple[torch.Tensor, torch.Tensor | None]:
        """Return ``(y (B, Q, C), att (B, n_head, Q, P))``; ``att`` is None without
        ``need_weights``, when PyTorch's fused kernel computes the same ``y`` with fewer steps
        (training).
        """
        B, Q, C = queries.shape
        P = keys.shape[1]
        q = self.q_proj(queries).view(B, Q, self.n_head, self.head_dim).transpose(1, 2)
        k = self.k_proj(keys).view(B, P, self.n_head, self.head_dim).transpose(1, 2)
        v = self.v_proj(values).view(B, P, self.n_head, self.head_dim).transpose(1, 2)
        # q: (B, n_head, Q, head_dim); k, v: (B, n_head, P, head_dim)
        if need_weights:
            y, att = scaled_dot_product_attention(q, k, v)  # (B, n_head, Q, head_dim), (.., Q, P)
        else:
            y, att = nn.functional.scaled_dot_product_attention(q, k, v), None
        y = y.transpose(1, 2).contiguous().view(B, Q, C)  # (B, Q, C)
        return self.out(y), att


class DecoderLayer(nn.Module):
    """DETR's decoder layer: the queries talk to each other, read the patches, then think.

    The learned object queries ``query_pos`` are added to the queries (and, in self-attention,
    keys) of every attention; the patch positions to the keys of the cross-attention. Each
    block's output passes :data:`DROPOUT` before its residual sum (in training mode).
    """

    def __init__(self) -> None:
        super().__init__()
        self.self_attn = CrossAttention(N_EMBD, N_HEAD)
        self.cross_attn = CrossAttention(N_EMBD, N_HEAD)
        self.mlp = nn.Sequential(
            nn.Linear(N_EMBD, 2 * N_EMBD), nn.ReLU(), nn.Linear(2 * N_EMBD, N_EMBD)
        )
        self.ln = nn.ModuleList(nn.LayerNorm(N_EMBD) for _ in range(3))
        self.drop = nn.Dropout(DROPOUT)

    def forward(
        self,
        x: torch.Tensor,
        query_pos: torch.Tensor,
        memory: torch.Tensor,
        need_weights: bool = True,
    ) -> tuple[torch.Tensor, torch.Tensor | None]:
        """``x`` ``(B, Q, C)`` -> ``(x (B, Q, C), cross-attention (B, n_head, Q, P))``."""
        qk = x + query_pos  # (B, Q, C)
        a, _ = self.self_attn(qk, qk, x, need_weights)
        x = self.ln[0](x + self.drop(a))
        a, att = self.cross_attn(x + query_pos, memory, memory, need_weights)
        x = self.ln[1](x + self.drop(a))
        x = self.ln[2](x + self.drop(self.mlp(x)))
        return x, att


class MiniDETR(nn.Module):
    """Patch embedding + positions, learned object queries, a stack of decoder layers.

    The same class and box heads read the output of every layer (DETR's auxiliary decoding
    losses), so each layer's predictions can be trained, scored and compared.
    """

    pos: torch.Tensor

    def __init__(self) -> None:
        super().__init__()
        # A 3 x 3 convolution stands in for DETR's CNN backbone: each patch learns about its
        # neighbours, so it can tell that it sits on an object's edge or corner.
        self.backbone = nn.Conv2d(len(CLASSES) + 1, N_EMBD, kernel_size=3, padding=1)
        self.register_buffer("pos", torch.tensor(positional_grid(N_EMBD)))
        self.queries = nn.Parameter(torch.randn(N_QUERIES, N_EMBD) * 0.5)
        self.layers = nn.ModuleList(DecoderLayer() for _ in range(N_LAYERS))
        self.ln_out = nn.LayerNorm(N_EMBD)
        self.class_head = nn.Linear(N_EMBD, len(CLASSES) + 1)
        self.box_head = nn.Sequential(nn.Linear(N_EMBD, N_EMBD), nn.ReLU(), nn.Linear(N_EMBD, 4))

    def forward(
        self, patches: torch.Tensor, need_weights: bool = True
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """``patches`` ``(B, P, K+1)`` -> per layer: class logits, boxes, cross-attention.

        Returns:
            ``(logits (L, B, Q, K+1), boxes (L, B, Q, 4), att (L, B, n_head, Q, P))``; without
            ``need_weights`` (training) ``att`` is empty.
        """
        B = patches.shape[0]
        pos = self.pos.to(patches.dtype)[None]  # (1, P, C)
        # No backbone or encoder mixes the positions into our patches, so the values carry
        # them too: an attention-weighted average of patches then says where they are.
        image = patches.transpose(1, 2).reshape(B, -1, GRID, GRID)  # (B, K+1, GRID, GRID)
        feats = torch.relu(self.backbone(image)).flatten(2).transpose(1, 2)  # (B, P, C)
        memory = feats + pos  # (B, P, C)
        query_pos = self.queries.to(memory.dtype).expand(B, N_QUERIES, N_EMBD)  # (B, Q, C)
        x = torch.zeros_like(query_pos)  # (B, Q, C): DETR starts the decoder from zeros
        outs, atts = [], []
        for layer in self.layers:
            x, att = layer(x, query_pos, memory, need_weights)
            outs.append(self.ln_out(x))
            atts += [] if att is None else [att]
        y = torch.stack(outs)  # (L, B, Q, C)
        att_all = torch.stack(atts) if atts else x.new_empty(0)  # (L, B, n_head, Q, P)
        return self.class_head(y), torch.sigmoid(self.box_head(y)), att_all


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


def set_loss(
    logits: torch.Tensor,
    boxes: torch.Tensor,
    batch: list[tuple[np.ndarray, np.ndarray, np.ndarray]],
) -> torch.Tensor:
    """Hungarian-matched loss of every layer's predictions ``(L, B, Q, K+1)``, ``(L, B, Q, 4)``.

    Each layer of each image is matched on its own; the loss is the sum over layers of
    cross-entropy for every query (unmatched ones should say "no object", with the same weight
    as the objects) plus :data:`BOX_WEIGHT` times the L1 distance of matched boxes. A single
    layer's predictions ``(B, Q, K+1)``, ``(B, Q, 4)`` give that layer's loss.
    """
    if logits.dim() == 3:
        logits, boxes = logits[None], boxes[None]  # (1, B, Q, K+1), (1, B, Q, 4)
    L, B, Q, _ = logits.shape
    probs = to_numpy(torch.softmax(logits.detach(), -1))  # (L, B, Q, K+1)
    pred_boxes = to_numpy(boxes.detach())  # (L, B, Q, 4)
    # Every layer's and image's cost in one array op, against targets padded to MAX_OBJECTS;
    # each image then keeps the columns of its own targets.
    n_obj = np.array([len(classes) for _, classes, _ in batch])
    classes_pad = np.zeros((B, MAX_OBJECTS), dtype=int)
    targets_pad = np.zeros((B, MAX_OBJECTS, 4))
    for b, (_, classes, targets) in enumerate(batch):
        classes_pad[b, : n_obj[b]], targets_pad[b, : n_obj[b]] = classes, targets
    l1 = np.abs(pred_boxes[..., :, None, :] - targets_pad[None, :, None]).sum(-1)  # (L, B, Q, M)
    index = np.broadcast_to(classes_pad[None, :, None, :], (L, B, Q, MAX_OBJECTS))
    cost = -np.take_along_axis(probs, index, -1) + BOX_WEIGHT * l1  # (L, B, Q, M)
    target_cls = np.full((L, B, Q), NO_OBJECT)
    pick_l, pick_b, pick_q, pick_t = [], [], [], []
    for i in range(L):
        for b in range(B):
            rows, cols = hungarian_match(cost[i, b, :, : n_obj[b]])
            target_cls[i, b, rows] = classes_pad[b, cols]
            pick_l += [i] * len(rows)
            pick_b += [b] * len(rows)
            pick_q += rows.tolist()
            pick_t += cols.tolist()
    device = logits.device
    goal = torch.tensor(targets_pad[pick_b, pick_t], dtype=boxes.dtype, device=device)  # (N, 4)
    matched = boxes[pick_l, pick_b, pick_q]  # (N, 4)
    ce = nn.functional.cross_entropy(
        logits.reshape(-1, len(CLASSES) + 1),  # (L * B * Q, K+1)
        torch.tensor(target_cls, device=device).reshape(-1),  # (L * B * Q,)
    )
    # Every layer has B*Q queries and the same number of matches: the means over all layers
    # times L are the sums of the per-layer means.
    return L * (ce + BOX_WEIGHT * (matched - goal).abs().sum(-1).mean())


def score_detections(
    probs: np.ndarray, boxes: np.ndarray, classes: np.ndarray, targets: np.ndarray
) -> dict[str, list[int]]:
    """Sort every confident prediction of one image into hits, duplicates and false alarms.

    A prediction is confident when its top class is an object with probability at least
    :data:`CONFIDENT`. Going from the most to the least confident: a duplicate overlaps a more
    confident prediction of the same class (IoU >= :data:`NMS_IOU`; what non-maximum suppression
    would remove); a hit has the class of a target not yet found and overlaps it with IoU >=
    :data:`IOU_HIT`; anything else is a false alarm. Duplicates and false alarms both count
    against precision.

    Returns:
        Query indices of the ``hits``, ``duplicates`` and ``false_alarms``.
    """
    top = probs.argmax(-1)
    confident = [
        q for q in range(len(probs)) if top[q] != NO_OBJECT and probs[q, top[q]] >= CONFIDENT
    ]
    confident.sort(key=lambda q: (-probs[q, top[q]], q))
    found: set[int] = set()
    out: dict[str, list[int]] = {"hits": [], "duplicates": [], "false_alarms": []}
    kept: list[int] = []
    for q in confident:
        if any(top[k] == top[q] and box_iou(boxes[k], boxes[q]) >= NMS_IOU for k in kept):
            out["duplicates"].append(q)
            continue
        kept.append(q)
        ious = {
            t: box_iou(boxes[q], targets[t])
            for t in range(len(classes))
            if classes[t] == top[q] and t not in found
        }
        best = max(ious, key=ious.__getitem__, default=None)
        if best is not None and ious[best] >= IOU_HIT:
            found.add(best)
            out["hits"].append(q)
        else:
            out["false_alarms"].append(q)
    return out


def detections(probs: np.ndarray, boxes: np.ndarray) -> list[tuple[float, int, np.ndarray]]:
    """Every query of one image as a detection ``(score, class, box)``, no threshold.

    As in DETR's evaluation, the class is the most probable object class and the score its
    probability, whatever "no object" gets: a query that says "no object" is a low-scoring
    detection, which ranks low rather than disappearing.
    """
    objects = probs[:, :NO_OBJECT]  # (Q, K)
    top = objects.argmax(-1)
    return [(float(objects[q, top[q]]), int(top[q]), boxes[q]) for q in range(len(probs))]


def nms(dets: list[tuple[float, int, np.ndarray]]) -> list[tuple[float, int, np.ndarray]]:
    """Non-maximum suppression: from the highest score down, drop a detection that overlaps a
    kept one of the same class with IoU >= :data:`NMS_IOU`."""
    kept: list[tuple[float, int, np.ndarray]] = []
    for det in sorted(dets, key=lambda d: -d[0]):
        if not any(k[1] == det[1] and box_iou(k[2], det[2]) >= NMS_IOU for k in kept):
            kept.append(det)
    return kept


def average_precision(dets: list[list[tuple[float, int, np.ndarray]]], test: list[tuple]) -> float:
    """AP at IoU :data:`IOU_HIT` of per-image detections over ``test``, mean over the classes.

    Per class, all detections of all images are ranked by score; each one, in turn, is a true
    positive when it overlaps a target of its class in its image not yet taken with IoU >=
    :data:`IOU_HIT` (it takes the best such one), else a false positive. AP is the area under
    the precision-recall curve with precision made non-increasing (all-point interpolation, as
    in PASCAL VOC from 2010 on). A class with no target in ``test`` is left out.

    Raises:
        DemoError: ``test`` holds no target at all, or ``dets`` is not one list per image.
    """
    if len(dets) != len(test):
        raise DemoError(f"average_precision: {len(dets)} detection lists for {len(test)} images")
    aps = []
    for k in range(len(CLASSES)):
        ranked = sorted(
            ((d[0], b, d[2]) for b, image in enumerate(dets) for d in image if d[1] == k),
            key=lambda d: -d[0],
        )
        taken = [np.zeros(len(classes), dtype=bool) for _, classes, _ in test]
        n_targets = sum(int((classes == k).sum()) for _, classes, _ in test)
        if n_targets == 0:
            continue
        tp = np.zeros(len(ranked))
        for i, (_, b, box) in enumerate(ranked):
            _, classes, targets = test[b]
            ious = [
                (box_iou(box, targets[t]), t)
                for t in range(len(classes))
                if classes[t] == k and not taken[b][t]
            ]
            best_iou, best = max(ious, default=(0.0, -1))
            if best_iou >= IOU_HIT:
                taken[b][best] = True
                tp[i] = 1
        hits = np.cumsum(tp)
        recall = np.concatenate([[0.0], hits / n_targets])
        precision = np.concatenate([[1.0], hits / np.arange(1, len(ranked) + 1)])
        envelope = np.maximum.accumulate(precision[::-1])[::-1]
        aps.append(float(np.sum(np.diff(recall) * envelope[1:])))
    if not aps:
        raise DemoError("average_precision: the test images hold no target")
    return float(np.mean(aps))


def run(device: str = "cpu", seed: int = 0) -> DemoResult:
    """Train the miniature DETR; score every layer's predictions; read a showcase image."""
    with cpu_threads(1), tf32_off():
        return _run(device, seed)


def learning_rate(step: int) -> float:
    """A linear warm-up over :data:`WARMUP` steps under a cosine decay from :data:`LR` to 0.

    Without the warm-up, the first full-size Adam steps sometimes sent a run astray: over
    seeds 0-8 the last layer's precision ranged 0.79-0.94 in float64 and 0.86-0.94 in
    float32; with it, 0.90-0.97 on seeds 0-5 in float32, at the same cost (both before the
    decoder had :data:`DROPOUT`).
    """
    return LR * min(1.0, (step + 1) / WARMUP) * 0.5 * (1 + math.cos(math.pi * step / STEPS))


def train(model: MiniDETR, rng: np.random.Generator, device: str) -> list[float]:
    """Adam with warm-up and cosine decay, a Hungarian-matched loss after every decoder layer.

    Scenes come from a fixed pool of layouts; the patch noise is drawn afresh for every batch.
    Returns the loss every 100 steps and the last one.
    """
    dtype = model.pos.dtype
    pool = [random_layout(rng) for _ in range(TRAIN_LAYOUTS)]
    opt = Adam(model.parameters())
    model.train()  # dropout on; the caller evaluates in eval mode
    losses = []
    for step in range(STEPS):
        batch = [pool[i] for i in rng.integers(len(pool), size=BATCH)]
        colours = np.stack([c for c, _, _ in batch])  # (B, P)
        x = torch.tensor(patch_features(rng, colours), dtype=dtype, device=device)
        logits, boxes, _ = model(x, need_weights=False)  # (L, B, Q, K+1), (L, B, Q, 4)
        loss = set_loss(logits, boxes, batch)
        loss.backward()
        opt.step(learning_rate(step), GRAD_CLIP)
        if step % 100 == 0 or step == STEPS - 1:
            losses.append(float(loss.detach()))
    return losses


def evaluate(probs: np.ndarray, boxes: np.ndarray, test: list[tuple]) -> dict[str, float]:
    """Detection scores of one layer's predictions ``(N, Q, K+1)``, ``(N, Q, 4)`` on ``test``.

    Returns:
        ``precision`` (hits over confident predictions), ``recall`` (hits over objects),
        ``duplicates`` and ``false_alarms`` per image, and ``exact_count`` (share of images
        with exactly as many confident predictions as objects).
    """
    hits = dups = alarms = objects = exact = 0
    for b, (_, classes, targets) in enumerate(test):
        found = score_detections(probs[b], boxes[b], classes, targets)
        counts = [len(found[k]) for k in ("hits", "duplicates", "false_alarms")]
        hits, dups, alarms = hits + counts[0], dups + counts[1], alarms + counts[2]
        objects += len(classes)
        exact += sum(counts) == len(classes)
    n = len(test)
    return {
        "precision": hits / max(hits + dups + alarms, 1),
        "recall": hits / objects,
        "duplicates": dups / n,
        "false_alarms": alarms / n,
        "exact_count": exact / n,
    }


def _run(device: str, seed: int) -> DemoResult:
    seed_everything(seed)
    rng = generator(seed)
    dtype = TRAIN_DTYPE
    torch.manual_seed(seed)
    model = MiniDETR().to(dtype).to(device)
    losses = train(model, rng, device)
    model.eval()

    test_rng = generator(seed + 1)
    test = [random_image(test_rng) for _ in range(TEST_IMAGES)]
    with torch.no_grad():
        x = torch.tensor(np.stack([f for f, _, _ in test]), dtype=dtype, device=device)
        logits, boxes, att = model(x)
    probs = to_numpy(torch.softmax(logits, -1))  # (L, N, Q, K+1)
    pred_boxes, att_np = to_numpy(boxes), to_numpy(att)  # (L, N, Q, 4), (L, N, H, Q, P)
    layers = [evaluate(probs[i], pred_boxes[i], test) for i in range(N_LAYERS)]
    dets = [
        [detections(probs[i, b], pred_boxes[i, b]) for b in range(len(test))]
        for i in range(N_LAYERS)
    ]
    ap = [average_precision(d, test) for d in dets]
    ap_nms = [average_precision([nms(image) for image in d], test) for d in dets]
    ious, cls_ok, area, brute_gap = [], [], [], 0.0
    inside: list[list[float]] = [[] for _ in range(N_LAYERS)]
    for b, (_, classes, targets) in enumerate(test):
        cost = match_cost(probs[-1, b], pred_boxes[-1, b], classes, targets)
        rows, cols = hungarian_match(cost)
        if b < BRUTE_FORCE_IMAGES:
            brute_gap = max(brute_gap, abs(cost[rows, cols].sum() - brute_force_match(cost)))
        for q, t in zip(rows, cols, strict=True):
            ious.append(box_iou(pred_boxes[-1, b, q], targets[t]))
            cls_ok.append(int(np.argmax(probs[-1, b, q])) == classes[t])
            area.append(_mass_inside(np.full(GRID * GRID, 1 / GRID**2), targets[t]))
        for i in range(N_LAYERS):  # each layer's own matching: queries may swap objects
            rows, cols = hungarian_match(
                match_cost(probs[i, b], pred_boxes[i, b], classes, targets)
            )
            for q, t in zip(rows, cols, strict=True):
                inside[i].append(_mass_inside(att_np[i, b, :, q].mean(0), targets[t]))

    feats, classes, targets = random_image(generator(seed + 2), n_objects=3)
    with torch.no_grad():
        logits, boxes, att = model(torch.tensor(feats[None], dtype=dtype, device=device))
    probs1 = to_numpy(torch.softmax(logits[:, 0], -1))  # (L, Q, K+1)
    boxes1, att1 = to_numpy(boxes[:, 0]), to_numpy(att[:, 0])  # (L, Q, 4), (L, H, Q, P)
    cost = match_cost(probs1[-1], boxes1[-1], classes, targets)
    rows, cols = hungarian_match(cost)
    verdicts = score_detections(probs1[-1], boxes1[-1], classes, targets)
    first = score_detections(probs1[0], boxes1[0], classes, targets)

    metrics: dict[str, float | int | list] = {
        "final_loss": losses[-1],
        "exact_count_accuracy": layers[-1]["exact_count"],
        "precision": layers[-1]["precision"],
        "recall": layers[-1]["recall"],
        "duplicates_per_image_by_layer": [v["duplicates"] for v in layers],
        "false_alarms_per_image_by_layer": [v["false_alarms"] for v in layers],
        "precision_by_layer": [v["precision"] for v in layers],
        "recall_by_layer": [v["recall"] for v in layers],
        "exact_count_accuracy_by_layer": [v["exact_count"] for v in layers],
        "ap_by_layer": ap,
        "ap_nms_by_layer": ap_nms,
        "nms_ap_gain_by_layer": [b - a for a, b in zip(ap, ap_nms, strict=True)],
        "matched_class_accuracy": float(np.mean(cls_ok)),
        "matched_mean_iou": float(np.mean(ious)),
        "attention_inside_box_by_layer": [float(np.mean(v)) for v in inside],
        "box_area_share": float(np.mean(area)),
        "hungarian_vs_brute_force_gap": float(brute_gap),
        "showcase_hungarian_cost": float(cost[rows, cols].sum()),
        "showcase_brute_force_cost": float(brute_force_match(cost)),
    }
    n = Narrator()
    _narrate(n, metrics, losses, (classes, targets, cost, rows, cols))
    _narrate_showcase_verdicts(n, probs1[-1], boxes1[-1], verdicts)
    _narrate_layers(n, metrics)
    patch_tokens = [f"r{p // GRID}c{p % GRID}" for p in range(GRID * GRID)]
    explorer = [
        Explorer(
            name={
                "en": f"Layer {i + 1}: queries → patches",
                "ja": f"第 {i + 1} 層: クエリ → パッチ",
            },
            tokens=patch_tokens,
            heads={f"head {h + 1}": att1[i, h] for h in range(N_HEAD)},
            query_tokens=[f"q{q}" for q in range(N_QUERIES)],
        )
        for i in range(N_LAYERS)
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
        "hits": np.array(verdicts["hits"], dtype=int),
        "duplicates": np.array(verdicts["duplicates"], dtype=int),
        "false_alarms": np.array(verdicts["false_alarms"], dtype=int),
        **{f"first_{k}": np.array(v, dtype=int) for k, v in first.items()},
    }
    return DemoResult(ID, device, seed, n.lines, arrays, metrics, explorer)


CLASS_NAMES = {
    "en": {"red": "red", "green": "green", "blue": "blue", None: "no object"},
    "ja": {"red": "赤", "green": "緑", "blue": "青", None: "物体なし"},
}


def _class_name(k: int, lang: str) -> str:
    return CLASS_NAMES[lang][None if k == NO_OBJECT else CLASSES[k]]


def _narrate(n: Narrator, m: dict, losses: list[float], showcase: tuple) -> None:
    classes, targets, cost, rows, cols = showcase
    n.heading("Set prediction with object queries", "物体クエリによる集合の予測")
    n.say(
        f"Images are {GRID} x {GRID} patches holding 1 to {MAX_OBJECTS} boxes, at least one patch\n"
        "apart. Each patch is a colour one-hot (red, green, blue, background) plus noise,\n"
        f"embedded to C = {N_EMBD} with a 2-D sinusoidal position added. {N_QUERIES} learned object\n"
        f"queries go through {N_LAYERS} decoder layers; each layer lets the queries attend to each\n"
        f"other (self-attention), then to the {GRID * GRID} patches (cross-attention), then a\n"
        "feed-forward block. After every layer the same heads predict, per query, a class (or\n"
        "'no object') and a box (cx, cy, w, h).",
        f"画像は {GRID} x {GRID} のパッチで、1〜{MAX_OBJECTS} 個の箱が 1 パッチ以上離れて置かれています。\n"
        "各パッチは色の one-hot(赤・緑・青・背景)にノイズを加えたもので、C = {0} 次元に埋め込み、\n"
        "2 次元の正弦波位置を足します。学習される {1} 個の物体クエリが {2} 層のデコーダを通ります。\n"
        "各層ではクエリどうしが注意を向け合い(自己注意)、次に {3} 個のパッチを読み(クロスアテンション)、\n"
        "最後にフィードフォワードを通ります。各層の出力から同じ予測ヘッドが、クエリごとにクラス\n"
        "(または「物体なし」)と箱 (cx, cy, w, h) を予測します。".format(
            N_EMBD, N_QUERIES, N_LAYERS, GRID * GRID
        ),
    )
    n.say(
        "Training matches each layer's predictions to the targets one-to-one with the Hungarian\n"
        f"algorithm (cost = -p(class) + {BOX_WEIGHT:g} x L1 box distance) and adds the losses of\n"
        "all layers (DETR's auxiliary losses). Unmatched queries learn 'no object', weighted like\n"
        "the objects. No anchors, no non-maximum suppression. As in DETR, each block's output\n"
        f"passes dropout (p = {DROPOUT:g}) during training.",
        "訓練では、各層の予測と正解をハンガリアン法で 1 対 1 に対応づけ(コスト = -p(クラス) + "
        f"{BOX_WEIGHT:g} x 箱の L1 距離)、\n全層の損失を足し合わせます(DETR の補助損失)。"
        "対応づけられなかったクエリは「物体なし」を学び、\nその重みは物体と同じです。"
        "アンカーも非最大値抑制(NMS)も使いません。\nDETR と同じく、訓練中は各ブロックの出力に"
        f"ドロップアウト(p = {DROPOUT:g})をかけます。",
    )
    loss_text = " ".join(format_number(v, 3) for v in losses)
    n.say(
        f"{STEPS} Adam steps in float32, batches of {BATCH}, the learning rate warmed up over\n"
        f"{WARMUP} steps to {LR:g}, then decayed along a cosine.\n"
        f"loss every 100 steps: {loss_text}",
        f"float32 の Adam で {STEPS} ステップ、バッチ {BATCH}。学習率は {WARMUP} ステップかけて "
        f"{LR:g} まで上げ、\nその後コサインに沿って下げます。\n"
        f"100 ステップごとの損失: {loss_text}",
    )
    n.heading("A test image with three objects", "物体が 3 つあるテスト画像")
    for t in range(len(classes)):
        box = _fmt_box(targets[t])
        n.say(
            f"target {t}: {_class_name(classes[t], 'en'):<5} box {box}",
            f"正解 {t}: {_class_name(classes[t], 'ja')} 箱 {box}",
        )
    n.show("cost", cost, precision=2)
    pairs_en = ", ".join(f"query {q} -> target {t}" for q, t in zip(rows, cols, strict=True))
    pairs_ja = "、".join(f"クエリ {q} -> 正解 {t}" for q, t in zip(rows, cols, strict=True))
    n.say(
        f"cost = matching cost (queries x targets), last layer. Hungarian assignment: {pairs_en}",
        f"cost は最終層の対応づけコスト(クエリ x 正解)です。ハンガリアン法の割り当て: {pairs_ja}",
    )
    n.value("hungarian_total_cost", m["showcase_hungarian_cost"], 3)
    n.value("brute_force_total_cost", m["showcase_brute_force_cost"], 3)


VERDICTS = {
    "hits": ("hit", "的中"),
    "duplicates": ("DUPLICATE", "重複"),
    "false_alarms": ("false alarm", "誤検出"),
}


def _narrate_showcase_verdicts(
    n: Narrator, probs: np.ndarray, boxes: np.ndarray, verdicts: dict[str, list[int]]
) -> None:
    n.say(
        f"Every query of the last layer; a prediction is confident when its top class is an\n"
        f"object with p >= {CONFIDENT}. Confident ones are hits, duplicates or false alarms:",
        f"最終層の全クエリです。最上位のクラスが物体で p >= {CONFIDENT} の予測を「確信あり」とし、\n"
        "的中・重複・誤検出に分けます。",
    )
    verdict_of = {q: key for key, qs in verdicts.items() for q in qs}
    for q in range(N_QUERIES):
        k = int(np.argmax(probs[q]))
        p = format_number(probs[q, k], 2)
        box = f" box {_fmt_box(boxes[q])}" if k != NO_OBJECT else ""
        box_ja = f" 箱 {_fmt_box(boxes[q])}" if k != NO_OBJECT else ""
        en, ja = VERDICTS[verdict_of[q]] if q in verdict_of else ("silent", "沈黙")
        n.say(
            f"query {q}: {_class_name(k, 'en'):<9} p = {p}{box}  -> {en}",
            f"クエリ {q}: {_class_name(k, 'ja')} p = {p}{box_ja}  -> {ja}",
        )


def _trend(values: list[float], ja_up: tuple[str, str], ja_down: tuple[str, str]) -> dict:
    """Words for how ``values`` go from the first layer to the last, picked from the data.

    ``ja_up`` and ``ja_down`` are a Japanese verb's continuing and closing forms
    (上がり, 上がっています).
    """
    first, last = values[0], values[-1]
    if abs(last - first) < 1e-12:
        return {"en": "stay the same", "en_s": "stays the same", "ja": "変わらず",
                "ja_end": "変わっていません"}  # fmt: skip
    cont, end = ja_down if last < first else ja_up
    en = "fall" if last < first else "rise"
    return {"en": en, "en_s": en + "s", "ja": cont, "ja_end": end}


UP, DOWN = ("上がり", "上がっています"), ("下がり", "下がっています")


def _narrate_layers(n: Narrator, m: dict) -> None:
    n.heading(
        f"Over {TEST_IMAGES} test images, layer by layer",
        f"{TEST_IMAGES} 枚のテスト画像での成績(層ごと)",
    )
    header = "layer  precision  recall  duplicates/img  false alarms/img  exact count"
    header_ja = "層     適合率     再現率  重複/枚         誤検出/枚         個数の一致"
    n.say(header, header_ja)
    for i in range(N_LAYERS):
        row = (
            f"{i + 1:<7}{format_number(m['precision_by_layer'][i], 3):<11}"
            f"{format_number(m['recall_by_layer'][i], 3):<8}"
            f"{format_number(m['duplicates_per_image_by_layer'][i], 3):<16}"
            f"{format_number(m['false_alarms_per_image_by_layer'][i], 3):<18}"
            f"{format_number(m['exact_count_accuracy_by_layer'][i], 3)}"
        )
        n.say(row, row)
    n.value("precision", m["precision"])
    n.value("recall", m["recall"])
    n.value("exact_count_accuracy", m["exact_count_accuracy"])
    dup = _trend(
        m["duplicates_per_image_by_layer"], ("増え", "増えています"), ("減り", "減っています")
    )
    prec = _trend(m["precision_by_layer"], UP, DOWN)
    rec = _trend(m["recall_by_layer"], UP, DOWN)
    first_last = {
        key: " -> ".join(format_number(m[key][i], 3) for i in (0, -1))
        for key in ("precision_by_layer", "recall_by_layer", "duplicates_per_image_by_layer")
    }
    n.say(
        f"From the first layer to the last, precision {prec['en_s']} "
        f"({first_last['precision_by_layer']}), recall {rec['en_s']}\n"
        f"({first_last['recall_by_layer']}) and duplicates per image {dup['en']} "
        f"({first_last['duplicates_per_image_by_layer']}).\n"
        "Precision counts every confident prediction, duplicates included: nothing is removed\n"
        "afterwards.",
        f"最初の層から最後の層へ、適合率は{prec['ja']}({first_last['precision_by_layer']})、"
        f"再現率は{rec['ja']}({first_last['recall_by_layer']})、\n"
        f"1 枚あたりの重複は{dup['ja_end']}({first_last['duplicates_per_image_by_layer']})。"
        "適合率は重複も含めた確信ありの予測すべてで\n数えています。後から取り除くものはありません。",
    )
    dups = m["duplicates_per_image_by_layer"]
    if first_layer_duplicates_most(dups):  # said only when this run's numbers show it
        later = ", ".join(format_number(v, 3) for v in dups[1:])
        n.say(
            "The first layer, whose queries cannot see what the others predict, makes the most\n"
            f"duplicates ({format_number(dups[0], 3)} per image); the later layers, whose queries "
            f"can, make fewer ({later}).",
            "互いの予測を見られない最初の層のクエリが、重複を最も多く出しています(1 枚あたり "
            f"{format_number(dups[0], 3)})。\n互いの予測を見られる後の層では減っています({later})。",
        )
    _narrate_ap(n, m)
    n.value("matched_class_accuracy", m["matched_class_accuracy"])
    n.value("matched_mean_iou", m["matched_mean_iou"])
    by_layer = " -> ".join(format_number(v, 3) for v in m["attention_inside_box_by_layer"])
    share = format_number(m["box_area_share"], 3)
    inside = m["attention_inside_box_by_layer"]
    later_look_less = all(v < inside[0] for v in inside[1:])  # said only when the data show it
    n.say(
        "Share of a matched query's cross-attention (mean of the heads) that falls inside its\n"
        f"object's box, layer by layer: {by_layer}; uniform attention would put {share} there.\n"
        "In the first layer a query must find its object by looking"
        + (
            "; later layers already carry\nwhat was found, and their attention looks inside "
            "the box less."
            if later_look_less
            else "."
        ),
        "対応づけられたクエリのクロスアテンション(ヘッド平均)のうち、自分の物体の箱の中に落ちる\n"
        f"割合は、層ごとに {by_layer} です。一様な注意なら {share} です。\n"
        "最初の層のクエリは、見ることで物体を探すしかありません。"
        + (
            "後の層はすでに見つけたものを\n持っているので、箱の中を見る割合は下がっています。"
            if later_look_less
            else ""
        ),
    )
    n.check(
        f"Hungarian vs trying every assignment, {BRUTE_FORCE_IMAGES} images",
        f"ハンガリアン法と全割り当ての総当たりの比較({BRUTE_FORCE_IMAGES} 枚)",
        m["hungarian_vs_brute_force_gap"],
        1e-9,
    )
    n.notice(
        "Each object query is a learned question that reads the whole image through\n"
        "cross-attention; in the first layer its attention gathers on the object it reports. The\n"
        "Hungarian matching makes the output a set: one query per object, the rest learn 'no\n"
        "object', so a duplicate costs loss during training instead of being removed afterwards.\n"
        "The first layer's self-attention sees only the learned queries, the same for every\n"
        "image; from the second layer on, the queries can tell each other what they found.",
        "物体クエリは、学習された「問い」として画像全体をクロスアテンションで読みます。その注意は、\n"
        "最初の層では報告する物体のパッチに集まります。ハンガリアン法の対応づけによって出力は集合になります。\n"
        "1 つの物体に 1 つのクエリが対応し、残りは「物体なし」を学ぶので、重複は後から取り除かれる\n"
        "のではなく、訓練中に損失として罰せられます。最初の層の自己注意が見るのは、どの画像でも同じ\n"
        "学習済みクエリだけです。2 層目からは、クエリどうしが何を見つけたかを伝え合えます。",
    )


def _signed(value: float) -> str:
    text = format_number(value, 3)
    return text if text.startswith("-") else "+" + text


def _narrate_ap(n: Narrator, m: dict) -> None:
    """AP with and without NMS, layer by layer: the DETR paper's measure of duplicates."""
    n.say(
        "Without a threshold: every query is a detection, scored by its most probable object\n"
        f"class. AP at IoU {IOU_HIT} (mean over the three colours) ranks all of them, without and\n"
        f"with non-maximum suppression (NMS: same class, IoU >= {NMS_IOU}):",
        "しきい値なしでも測ります。すべてのクエリを、最も確率の高い物体クラスをスコアとする検出として扱い、\n"
        f"IoU {IOU_HIT} での AP(3 色の平均)で全体を順位づけて評価します。非最大値抑制"
        f"(NMS: 同じクラスで IoU >= {NMS_IOU})\nをかけない場合とかけた場合を比べます。",
    )
    n.say("layer  AP     AP after NMS  NMS gain", "層     AP     NMS 後の AP   NMS の効果")
    for i in range(N_LAYERS):
        row = (
            f"{i + 1:<7}{format_number(m['ap_by_layer'][i], 3):<7}"
            f"{format_number(m['ap_nms_by_layer'][i], 3):<14}"
            f"{_signed(m['nms_ap_gain_by_layer'][i])}"
        )
        n.say(row, row)
    gains = m["nms_ap_gain_by_layer"]
    most = format_number(max(abs(v) for v in gains), 3)
    falls = nms_gain_falls(gains)  # said only when this run's numbers show it
    first = _signed(gains[0])
    n.say(
        "In the DETR paper's study of decoder depth, NMS raised the AP of the first layer's\n"
        "output, whose queries cannot see what the others predict, and helped less with every\n"
        "layer added, until at the last one it cost a little by removing correct boxes. Here\n"
        f"NMS changes AP by at most {most} at any layer"
        + (
            f"; as in the paper it helps the first layer most\n({first}) and less after every "
            "layer."
            if falls
            else "."
        ),
        "DETR の論文でデコーダの深さを調べた実験では、NMS は最初の層の出力の AP を上げました。"
        "その層のクエリは\n互いの予測を見られないからです。層を足すごとに NMS の効果は小さくなり、"
        "最後の層では正しい箱まで\n消して、わずかに AP を下げました。"
        f"ここでは、NMS による AP の変化はどの層でも {most} 以下です。"
        + (
            f"\n論文と同じく、NMS の効果は最初の層で最も大きく({first})、層を重ねるごとに"
            "小さくなっています。"
            if falls
            else ""
        ),
    )


def first_layer_duplicates_most(duplicates: list[float]) -> bool:
    """Whether the first layer makes more duplicates per image than every later layer."""
    return all(v < duplicates[0] for v in duplicates[1:])


def nms_gain_falls(gains: list[float]) -> bool:
    """Whether NMS helps the first layer's output (by 0.001 AP or more) and helps each later
    layer no more than the one before: the DETR paper's finding, checked on each run."""
    return gains[0] >= 0.001 and all(b <= a for a, b in zip(gains, gains[1:], strict=False))


def _fmt_box(box: np.ndarray) -> str:
    return "(" + ", ".join(format_number(v, 2) for v in box) + ")"


def _mass_inside(weights: np.ndarray, box: np.ndarray) -> float:
    """Share of a patch attention vector ``(P,)`` that falls on patches inside ``box``."""
    cx, cy, w, h = box * GRID
    grid = weights.reshape(GRID, GRID)
    r0, r1 = int(round(cy - h / 2)), int(round(cy + h / 2))
    c0, c1 = int(round(cx - w / 2)), int(round(cx + w / 2))
    return float(grid[r0:r1, c0:c1].sum())


def claims(result: DemoResult) -> dict[str, bool]:
    """What the summary, narration and figure text say about the numbers, checked on each run.

    Layer-by-layer changes (precision, recall, duplicates) are narrated with words picked from
    the run's own numbers, so they make no claim here.
    """
    m = result.metrics
    return {
        "hungarian_finds_the_brute_force_minimum": m["hungarian_vs_brute_force_gap"] < 1e-9,
        "showcase_hungarian_cost_is_the_minimum": abs(
            m["showcase_hungarian_cost"] - m["showcase_brute_force_cost"]
        )
        < 1e-9,
        "first_layer_queries_attend_to_their_object": (
            m["attention_inside_box_by_layer"][0] > 3 * m["box_area_share"]
        ),
    }


FIG_TEXT = {
    "image": {"en": "confident predictions (dashed)", "ja": "確信ありの予測(破線)"},
    "layer_n": {"en": "layer {n}", "ja": "第 {n} 層"},
    "query": {"en": "query {q}: {verdict}", "ja": "クエリ {q}: {verdict}"},
    "weight": {"en": "cross-attention weight", "ja": "クロスアテンションの重み"},
    "layer": {"en": "decoder layer", "ja": "デコーダの層"},
    "rates": {"en": "precision and recall", "ja": "適合率と再現率"},
    "precision": {"en": "precision", "ja": "適合率"},
    "recall": {"en": "recall", "ja": "再現率"},
    "per_image": {"en": "per image", "ja": "1 枚あたり"},
    "duplicates": {"en": "duplicates", "ja": "重複"},
    "false_alarms": {"en": "false alarms", "ja": "誤検出"},
}
CLASS_RGB = {0: (0.9, 0.15, 0.15), 1: (0.15, 0.65, 0.2), 2: (0.15, 0.3, 0.9)}


def figures(result: DemoResult, lang: str = "en") -> list[tuple[str, object, dict[str, str]]]:
    """The showcase image with every confident prediction and their attention; scores by layer."""
    return [_queries_figure(result, lang), _layers_figure(result, lang)]


def _confident(result: DemoResult, prefix: str = "") -> list[tuple[int, str]]:
    """``(query, verdict)`` of every confident prediction; ``prefix="first_"``: layer 1's."""
    a = result.arrays
    keys = ("hits", "duplicates", "false_alarms")
    return sorted((int(q), key) for key in keys for q in a[prefix + key])


VERDICT_STYLE: dict[str, dict[str, Any]] = {
    "hits": {"ec": "0.15", "ls": "--"},
    "duplicates": {"ec": "#b000b0", "ls": "--"},
    "false_alarms": {"ec": "#e07000", "ls": "--"},
}


def _queries_figure(result: DemoResult, lang: str) -> tuple[str, object, dict[str, str]]:
    from matplotlib.patches import Rectangle

    from demos.framework.plotting import new_figure

    a = result.arrays
    feats = a["showcase_patches"]
    image = np.ones((GRID * GRID, 3))
    for k, rgb in CLASS_RGB.items():
        image[feats.argmax(-1) == k] = rgb
    confident = _confident(result, "first_")
    att = a["cross_attention"][0].mean(0)  # (Q, P): layer 1, mean of the heads
    panels = 2 + max(len(confident), 1)
    fig = new_figure(2.4 * panels + 0.8, 3.1)
    axes = fig.subplots(1, panels, squeeze=False)[0]
    for ax, layer, prefix in ((axes[0], 0, "first_"), (axes[1], N_LAYERS - 1, "")):
        ax.imshow(image.reshape(GRID, GRID, 3), interpolation="nearest")
        boxes = a["pred_boxes"][layer]
        for cx, cy, w, h in a["showcase_boxes"] * GRID:
            ax.add_patch(
                Rectangle((cx - w / 2 - 0.5, cy - h / 2 - 0.5), w, h, fill=False, lw=1.5, ec="k")
            )
        for q, key in _confident(result, prefix):
            cx, cy, w, h = boxes[q] * GRID
            ax.add_patch(
                Rectangle(
                    (cx - w / 2 - 0.5, cy - h / 2 - 0.5), w, h, fill=False, lw=1.5,
                    **VERDICT_STYLE[key],
                )
            )  # fmt: skip
            word = "" if key == "hits" else " " + VERDICTS[key][0 if lang == "en" else 1]
            ax.text(
                cx - w / 2 - 0.4, cy - h / 2 - 0.1, f"q{q}{word}", fontsize=7,
                color=VERDICT_STYLE[key]["ec"],
            )  # fmt: skip
        title = FIG_TEXT["layer_n"][lang].format(n=layer + 1)
        ax.set_title(title + "\n" + FIG_TEXT["image"][lang], fontsize=8)
        ax.set_xticks([])
        ax.set_yticks([])
    vmax = float(max((att[q].max() for q, _ in confident), default=1.0))
    image_artist = None
    for ax, (q, key) in zip(axes[2:], confident, strict=False):
        image_artist = ax.imshow(
            att[q].reshape(GRID, GRID), cmap="Blues", vmin=0, vmax=vmax, interpolation="nearest"
        )
        verdict = VERDICTS[key][0 if lang == "en" else 1]
        title = FIG_TEXT["layer_n"][lang].format(n=1)
        ax.set_title(
            title + "\n" + FIG_TEXT["query"][lang].format(q=q, verdict=verdict), fontsize=8
        )
        ax.set_xticks([])
        ax.set_yticks([])
    if image_artist is not None:
        fig.colorbar(image_artist, ax=list(axes[2:]), shrink=0.8, label=FIG_TEXT["weight"][lang])
    else:
        axes[2].axis("off")
    m = result.metrics
    keys = ("hits", "duplicates", "false_alarms")
    last = {key: len(a[key]) for key in keys}
    first = {key: len(a["first_" + key]) for key in keys}
    by_layer = " → ".join(format_number(v, 2) for v in m["attention_inside_box_by_layer"])
    share = format_number(m["box_area_share"], 2)
    alt = {
        "ja": (
            "物体が 3 つある合成画像と正解の箱(黒の実線)。左から、第 1 層と最終層(第 "
            f"{N_LAYERS} 層)の確信ありの予測をすべて破線で描いています。第 1 層は的中 "
            f"{first['hits']}、重複 {first['duplicates']}、誤検出 {first['false_alarms']}、"
            f"最終層は的中 {last['hits']}、重複 {last['duplicates']}、誤検出 "
            f"{last['false_alarms']} です。右: 第 1 層で予測を出したクエリの、第 1 層の"
            "クロスアテンション(ヘッド平均、共通の色尺度)。テスト画像全体では、対応づけられた"
            f"クエリの注意のうち自分の物体の箱の中に落ちる割合は、層ごとに {by_layer} で、"
            f"一様な注意なら {share} です。"
        ),
        "en": (
            "A synthetic image with three objects and their target boxes (black, solid). Left to "
            f"right, every confident prediction of layer 1 and of the last layer ({N_LAYERS}), "
            f"dashed: layer 1 has {first['hits']} hits, {first['duplicates']} duplicates, "
            f"{first['false_alarms']} false alarms; the last layer {last['hits']} hits, "
            f"{last['duplicates']} duplicates, {last['false_alarms']} false alarms. Right: the "
            "layer-1 cross-attention of each query behind a layer-1 prediction (mean of the heads, "
            "one shared colour scale). Over the test images, the share of a matched query's "
            f"attention inside its object's box is {by_layer} by layer, against {share} for "
            "uniform attention."
        ),
    }
    return "queries", fig, alt


def _layers_figure(result: DemoResult, lang: str) -> tuple[str, object, dict[str, str]]:
    from demos.framework.plotting import new_figure

    m = result.metrics
    layers = np.arange(1, N_LAYERS + 1)
    fig = new_figure(8.0, 3.2)
    left, right = fig.subplots(1, 2)
    width = 0.38
    for ax, keys, ylabel in (
        (left, ("precision_by_layer", "recall_by_layer"), FIG_TEXT["rates"][lang]),
        (
            right,
            ("duplicates_per_image_by_layer", "false_alarms_per_image_by_layer"),
            FIG_TEXT["per_image"][lang],
        ),
    ):
        for i, key in enumerate(keys):
            label_key = key.replace("_by_layer", "").replace("_per_image", "")
            values = m[key]
            bars = ax.bar(
                layers + (i - 0.5) * width, values, width, label=FIG_TEXT[label_key][lang]
            )
            ax.bar_label(bars, labels=[f"{v:.2f}" for v in values], fontsize=7)
        ax.set_xticks(layers)
        ax.set_xlabel(FIG_TEXT["layer"][lang])
        ax.set_ylabel(ylabel)
        ax.legend(fontsize=7, loc="upper left")
    left.set_ylim(0, 1.15)
    right.set_ylim(
        0,
        1.25
        * max(
            max(m["duplicates_per_image_by_layer"]), max(m["false_alarms_per_image_by_layer"]), 0.1
        ),
    )
    nums = {
        key: " → ".join(format_number(v, 2) for v in m[key])
        for key in ("precision_by_layer", "recall_by_layer", "duplicates_per_image_by_layer",
                    "false_alarms_per_image_by_layer")
    }  # fmt: skip
    alt = {
        "ja": (
            f"{TEST_IMAGES} 枚のテスト画像での、デコーダの層ごとの成績。左: 適合率 "
            f"{nums['precision_by_layer']}、再現率 {nums['recall_by_layer']}。右: 1 枚あたりの"
            f"重複 {nums['duplicates_per_image_by_layer']}、誤検出 "
            f"{nums['false_alarms_per_image_by_layer']}。"
        ),
        "en": (
            f"Scores of each decoder layer on {TEST_IMAGES} test images. Left: precision "
            f"{nums['precision_by_layer']}, recall {nums['recall_by_layer']}. Right, per image: "
            f"duplicates {nums['duplicates_per_image_by_layer']}, false alarms "
            f"{nums['false_alarms_per_image_by_layer']}."
        ),
    }
    return "layers", fig, alt

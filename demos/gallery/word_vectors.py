"""Words as vectors: similarity by dot product and cosine, and why that is not attention yet."""

from __future__ import annotations

import numpy as np
import torch
from matplotlib.figure import Figure

from demos.framework.core import (
    DemoResult,
    Explorer,
    Narrator,
    format_number,
    pick,
    seed_everything,
    to_numpy,
)
from demos.framework.plotting import heatmap, new_figure

ID = "word_vectors"
TITLE = {"ja": "単語をベクトルとして扱う", "en": "Words as vectors"}
SUMMARY = {
    "ja": (
        "8つの単語を、意味の軸(王族・男性・女性・動物・果物など)に沿った小さなベクトルで表し、"
        "内積とコサイン類似度で似ている度合いを測ります。king − man + womanがqueenに最も近く"
        "なることを確かめたうえで、生の類似度をsoftmaxにかけただけでは単語が平均して自分自身に"
        "大きな重みを残し、向きも対称で、文脈に応じた注意にはならないことを数値で示します。"
    ),
    "en": (
        "Eight words become small vectors along readable axes (royalty, male, female, animal, "
        "fruit...), and we measure how alike they are with the dot product and the cosine. "
        "After checking that king - man + woman lands nearest to queen, we show in numbers why raw "
        "similarity is not yet attention: put through a softmax, a word keeps a large share "
        "of the weight for itself on average, the scores are symmetric, and nothing depends on the context."
    ),
}

WORDS = ["king", "queen", "man", "woman", "cat", "dog", "apple", "banana"]
AXES = ["royal", "male", "female", "person", "animal", "pet", "fruit", "yellow"]
# Hand-made meanings so the axes can be read; a little seeded noise keeps them from being exact.
FEATURES = np.array(
    [
        [1.0, 1.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0],  # king
        [1.0, 0.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0],  # queen
        [0.0, 1.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0],  # man
        [0.0, 0.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0],  # woman
        [0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 0.0, 0.0],  # cat
        [0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 0.0, 0.2],  # dog
        [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0],  # apple
        [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 1.0],  # banana
    ]
)
NOISE = 0.05


def run(device: str = "cpu", seed: int = 0) -> DemoResult:
    """Compute dot-product and cosine similarities of eight toy word vectors."""
    seed_everything(seed)
    rng = np.random.default_rng(seed)
    emb_np = FEATURES + NOISE * rng.standard_normal(FEATURES.shape)
    emb = torch.tensor(emb_np, dtype=torch.float32, device=device)  # (V, d)
    V, d = emb.shape

    dot = emb @ emb.T  # (V, V)
    norms = emb.norm(dim=1, keepdim=True)  # (V, 1)
    cosine = dot / (norms * norms.T)  # (V, V)
    analogy = emb[0] - emb[2] + emb[3]  # king - man + woman, (d,)
    analogy_cos = (emb @ analogy) / (norms[:, 0] * analogy.norm())  # (V,)
    candidates = [i for i in range(V) if i not in (0, 2, 3)]
    nearest = max(candidates, key=lambda i: float(analogy_cos[i]))
    weights = torch.softmax(dot, dim=-1)  # (V, V): raw similarity used as if it were attention

    dot_n, cos_n, w_n = to_numpy(dot), to_numpy(cosine), to_numpy(weights)
    self_top = float(np.mean(np.argmax(w_n, axis=1) == np.arange(V)))
    self_weight = float(np.mean(np.diag(w_n)))
    asymmetry = float(np.abs(dot_n - dot_n.T).max())
    ki, qu, ap = WORDS.index("king"), WORDS.index("queen"), WORDS.index("apple")

    self_rows = int(round(self_top * V))
    ratio = self_weight * V

    n = Narrator()
    n.heading("Words as vectors", "単語をベクトルで表す")
    n.say(
        f"{V} words, each a vector of d = {d} numbers. Axes: {', '.join(AXES)}.",
        f"{V} 個の単語を、それぞれ d = {d} 個の数のベクトルで表します。軸は {', '.join(AXES)} です。",
    )
    n.show("embeddings E (rows: " + ", ".join(WORDS) + ")", emb, precision=2)
    n.heading("Dot product: E @ E.T", "内積: E @ E.T")
    n.say(
        "Large when two vectors point the same way AND are long.",
        "二つのベクトルが同じ向きを指し、しかも長いときに大きくなります。",
    )
    n.show("dot", dot, precision=2)
    n.heading("Cosine similarity: dot / (|a| |b|)", "コサイン類似度: dot / (|a| |b|)")
    n.say(
        "The same comparison with lengths divided out: 1 = same direction, 0 = unrelated.",
        "長さで割って向きだけを比べます。1 は同じ向き、0 は無関係です。",
    )
    n.show("cosine", cosine, precision=2)
    n.value("cos(king, queen)", cos_n[ki, qu], 3)
    n.value("cos(king, apple)", cos_n[ki, ap], 3)
    n.heading("Arithmetic on meanings", "意味の足し算と引き算")
    n.say(
        "king - man + woman, compared by cosine with the other words:",
        "king - man + woman を、残りの単語とコサインで比べます。",
    )
    for i in candidates:
        n.value(f"  {WORDS[i]:<7}", analogy_cos[i], 3)
    n.say(f"nearest: {WORDS[nearest]}", f"最も近い単語: {WORDS[nearest]}")
    n.heading("Raw similarity is not attention yet", "生の類似度はまだ注意ではない")
    n.say(
        "Try softmax(E @ E.T) as attention weights (each row sums to 1):",
        "softmax(E @ E.T) を注意の重みとして使ってみます(各行の和は 1 です)。",
    )
    n.show("softmax(dot)", weights, precision=3)
    n.say(
        f"rows whose largest weight is the word itself: {self_rows} of {V}",
        f"最大の重みが自分自身に向かう行: {V} 行中 {self_rows} 行",
    )
    n.say(
        f"mean weight a word gives itself: {format_number(self_weight, 3)} "
        f"({ratio:.1f} times the {format_number(1 / V, 3)} of a uniform row)",
        f"自分自身への重みの平均: {format_number(self_weight, 3)}"
        f"(一様な行の {format_number(1 / V, 3)} の {ratio:.1f} 倍)",
    )
    n.say(
        f"dot - dot.T, largest entry: {format_number(asymmetry, 4)} (the scores are symmetric)",
        f"dot - dot.T の最大の成分: {format_number(asymmetry, 4)}(スコアは対称です)",
    )
    n.notice(
        "Similar words get similar vectors, and the cosine tells them apart from unrelated ones.\n"
        f"But raw similarity keeps {ratio:.1f} times a uniform share of each row on the word\n"
        "itself on average, treats 'a looks at b' the same as 'b looks at a', and ignores the\n"
        "sentence. Attention adds learned query and key projections (W_Q, W_K) so that what a\n"
        "word looks for can differ from what it is.",
        "似た単語は似たベクトルになり、コサインを使えば無関係な単語と区別できます。\n"
        f"ただし生の類似度では、各行の重みが平均して一様な場合の {ratio:.1f} 倍も自分自身に\n"
        "残り、「a が b を見る」と「b が a を見る」が同じ値になり、文脈も無視されます。\n"
        "注意では学習されたクエリとキーの射影(W_Q, W_K)を加えるので、単語が探すものと\n"
        "単語そのものを別々に表せるようになります。",
    )
    return DemoResult(
        demo_id=ID,
        device=device,
        seed=seed,
        lines=n.lines,
        arrays={"embeddings": to_numpy(emb), "dot": dot_n, "cosine": cos_n, "weights": w_n},
        metrics={
            "cos_king_queen": float(cos_n[ki, qu]),
            "cos_king_apple": float(cos_n[ki, ap]),
            "analogy_is_queen": int(nearest == qu),
            "self_top_fraction": self_top,
            "self_weight_mean": self_weight,
            "asymmetry": asymmetry,
        },
        explorer=[
            Explorer(
                {"en": "softmax of raw dot products", "ja": "生の内積の softmax"},
                list(WORDS),
                {"raw similarity": w_n},
            )
        ],
    )


def claims(result: DemoResult) -> dict[str, bool]:
    """What the narration and alt text say about the numbers."""
    m = result.metrics
    return {
        "king_nearer_queen_than_apple": m["cos_king_queen"] > m["cos_king_apple"],
        "analogy_lands_on_queen": m["analogy_is_queen"] == 1,
        "self_weight_above_uniform": m["self_weight_mean"] > 1 / len(WORDS),
        "scores_symmetric": m["asymmetry"] < 1e-6,
    }


def figures(result: DemoResult, lang: str = "en") -> list[tuple[str, Figure, dict[str, str]]]:
    """Cosine-similarity heatmap and the softmax of raw dot products."""
    m = result.metrics
    V = len(WORDS)
    rows = int(round(m["self_top_fraction"] * V))
    fig = new_figure(9.0, 4.0)
    left, right = fig.subplots(1, 2)
    heatmap(
        left,
        result.arrays["cosine"],
        WORDS,
        WORDS,
        pick(lang, "cosine similarity", "コサイン類似度"),
        diverging=True,
        vmin=-1,
        vmax=1,
    )
    heatmap(
        right,
        result.arrays["weights"],
        WORDS,
        WORDS,
        pick(lang, "softmax(E E^T): not attention yet", "softmax(E E^T): まだ注意ではない"),
        vmax=1,
    )
    alt = {
        "ja": f"8 単語のコサイン類似度(左、-1 から 1)と内積の softmax(右)。右では {V} 行中 "
        f"{rows} 行で自分自身への重みが最大で、自分自身への重みは平均 "
        f"{m['self_weight_mean']:.2f}(一様なら {1 / V:.3f})。",
        "en": f"Cosine similarity of eight words (left, -1 to 1) and the softmax of their dot "
        f"products (right); on the right {rows} of {V} rows put their largest weight on the word "
        f"itself, and a word keeps {m['self_weight_mean']:.2f} for itself on average "
        f"(uniform: {1 / V:.3f}).",
    }
    return [("similarity", fig, alt)]

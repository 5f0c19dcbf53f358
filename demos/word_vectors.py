"""Words as vectors: similarity by dot product and cosine, and why that is not attention yet."""

from __future__ import annotations

import numpy as np
import torch
from matplotlib.figure import Figure

from demos.core import (
    DemoResult,
    EnglishOnlyNarrator,
    Explorer,
    format_number,
    seed_everything,
    to_numpy,
)
from demos.plotting import heatmap, new_figure

ID = "word_vectors"
TITLE = {"ja": "単語をベクトルとして扱う", "en": "Words as vectors"}
SUMMARY = {
    "ja": (
        "8 つの単語を、意味の軸(王族・男性・女性・動物・果物など)に沿った小さなベクトルで表し、"
        "内積とコサイン類似度で似ている度合いを測ります。king − man + woman が queen に最も近く"
        "なることを確かめたうえで、生の類似度を softmax にかけただけでは各単語が自分自身に"
        "大きな重みを残し、向きも対称で、文脈に応じた注意にはならないことを数値で示します。"
    ),
    "en": (
        "Eight words become small vectors along readable axes (royalty, male, female, animal, "
        "fruit...), and we measure how alike they are with the dot product and the cosine. "
        "After checking that king - man + woman lands nearest to queen, we show in numbers why raw "
        "similarity is not yet attention: put through a softmax, each word keeps a large share "
        "of the weight for itself, the scores are symmetric, and nothing depends on the context."
    ),
}
RESOURCES = ("ydc-nlp-ai-column", "nikkei-robotics-self-attention")

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


def _both(text: str) -> dict[str, str]:
    return {"en": text, "ja": text}


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

    n = EnglishOnlyNarrator()
    n.heading("Words as vectors")
    n.say(f"{V} words, each a vector of d = {d} numbers. Axes: {', '.join(AXES)}.")
    n.show("embeddings E (rows: " + ", ".join(WORDS) + ")", emb, precision=2)
    n.heading("Dot product: E @ E.T")
    n.say("Large when two vectors point the same way AND are long.")
    n.show("dot", dot, precision=2)
    n.heading("Cosine similarity: dot / (|a| |b|)")
    n.say("The same comparison with lengths divided out: 1 = same direction, 0 = unrelated.")
    n.show("cosine", cosine, precision=2)
    n.say(f"cos(king, queen) = {format_number(cos_n[ki, qu], 3)}")
    n.say(f"cos(king, apple) = {format_number(cos_n[ki, ap], 3)}")
    n.heading("Arithmetic on meanings")
    n.say("king - man + woman, compared by cosine with the other words:")
    for i in candidates:
        n.say(f"  {WORDS[i]:<7} {format_number(analogy_cos[i], 3)}")
    n.say(f"nearest: {WORDS[nearest]}")
    n.heading("Raw similarity is not attention yet")
    n.say("Try softmax(E @ E.T) as attention weights (each row sums to 1):")
    n.show("softmax(dot)", weights, precision=3)
    n.say(f"rows whose largest weight is the word itself: {self_top:.0%}")
    n.say(
        f"mean weight a word gives itself: {format_number(self_weight, 3)} "
        f"(a uniform row would give {format_number(1 / V, 3)})"
    )
    n.say(f"dot - dot.T, largest entry: {format_number(asymmetry, 4)} (the scores are symmetric)")
    n.notice(
        "Similar words get similar vectors, and the cosine tells them apart from unrelated ones.\n"
        "But raw similarity makes each word keep much of its weight for itself, treats 'a looks at b' the same\n"
        "as 'b looks at a', and ignores the sentence. Attention adds learned query and key\n"
        "projections (W_Q, W_K) so that what a word looks for can differ from what it is."
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
            "analogy_is_queen": float(nearest == qu),
            "self_top_fraction": self_top,
            "self_weight_mean": self_weight,
            "asymmetry": asymmetry,
        },
        explorer=[
            Explorer(_both("softmax of raw dot products"), list(WORDS), {"raw similarity": w_n})
        ],
    )


def figures(result: DemoResult, lang: str = "en") -> list[tuple[str, Figure, dict[str, str]]]:
    """Cosine-similarity heatmap and the softmax of raw dot products."""
    fig = new_figure(9.0, 4.0)
    left, right = fig.subplots(1, 2)
    heatmap(left, result.arrays["cosine"], WORDS, WORDS, "cosine similarity", vmin=-0.2, vmax=1)
    heatmap(right, result.arrays["weights"], WORDS, WORDS, "softmax(E E^T): not attention yet")
    alt = {
        "ja": "8 単語のコサイン類似度(左)と内積の softmax(右)。右では対角線が最も濃く、"
        "各単語が自分自身に最も重みを置いている。",
        "en": "Cosine similarity of eight words (left) and the softmax of their dot products "
        "(right); on the right the diagonal is darkest: each word weights itself most.",
    }
    return [("similarity", fig, alt)]

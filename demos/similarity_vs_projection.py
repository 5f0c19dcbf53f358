"""With W_Q = W_K = I attention follows raw similarity; with projections it need not."""

from __future__ import annotations

import itertools
import math

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

ID = "similarity_vs_projection"
TITLE = {"ja": "類似度と射影:注意は似たもの探しではない", "en": "Similarity versus projection"}
SUMMARY = {
    "ja": (
        "W_Q = W_K = I(射影なし)の自己注意は、単語ベクトルどうしの生の類似度をなぞるだけで、"
        "色は色に、果物は果物に注意します。ランダムな射影ではその対応が崩れ、学習した射影では"
        "「色の単語は果物を見る」という課題どおりに、似ていない相手へ注意を向けられるように"
        "なります。自己注意を「似た単語を探す仕組み」とだけ捉えると見落とす点を、"
        "3 つの設定の注意の重みと類似度との相関で比べます。"
    ),
    "en": (
        "With W_Q = W_K = I (no projection), self-attention just traces the raw similarity of the "
        "word vectors: colours attend to colours, fruits to fruits. Random projections scramble "
        "that link, and learned projections can point attention at dissimilar words, here "
        "following a task where colour words must look at the fruits. The three settings are "
        "compared by their attention weights and by how well the scores track cosine similarity: "
        "attention is not simply a search for similar words."
    ),
}
RESOURCES = ("nikkei-robotics-self-attention", "ydc-nlp-ai-column")

COLOURS = ["red", "green", "yellow"]
FRUITS = ["apple", "lime", "banana"]
D = 8
STEPS = 150
LR = 0.05
EXAMPLE = ["red", "apple", "green", "lime"]


def _vocabulary(rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Colours share one direction and fruits another, plus a word-specific part."""
    colour_dir, fruit_dir = np.zeros(D), np.zeros(D)
    colour_dir[0], fruit_dir[1] = 2.0, 2.0
    vocab = {}
    for w in COLOURS:
        vocab[w] = colour_dir + 0.6 * rng.standard_normal(D)
    for w in FRUITS:
        vocab[w] = fruit_dir + 0.6 * rng.standard_normal(D)
    return vocab


def _sentences() -> list[list[str]]:
    """Every pair of two colours and two fruits, in a fixed order."""
    out = []
    for cs in itertools.combinations(COLOURS, 2):
        for fs in itertools.combinations(FRUITS, 2):
            out.append([cs[0], fs[0], cs[1], fs[1]])
    return out


def _attention(x: torch.Tensor, w_q: torch.Tensor, w_k: torch.Tensor) -> torch.Tensor:
    """Weights softmax((x W_Q)(x W_K)^T / sqrt(D)) for a batch ``x`` of shape (N, T, D)."""
    q = x @ w_q  # (N, T, D)
    k = x @ w_k  # (N, T, D)
    return torch.softmax(q @ k.transpose(-2, -1) * (1.0 / math.sqrt(D)), dim=-1)  # (N, T, T)


def _scores(x: torch.Tensor, w_q: torch.Tensor, w_k: torch.Tensor) -> torch.Tensor:
    return (x @ w_q) @ (x @ w_k).transpose(-2, -1) * (1.0 / math.sqrt(D))  # (N, T, T)


def _both(text: str) -> dict[str, str]:
    return {"en": text, "ja": text}


def run(device: str = "cpu", seed: int = 0) -> DemoResult:
    """Compare identity, random and learned query/key projections on the same sentences."""
    seed_everything(seed)
    rng = np.random.default_rng(seed)
    vocab = _vocabulary(rng)
    sentences = _sentences()
    x = torch.tensor(
        np.stack([[vocab[w] for w in s] for s in sentences]), dtype=torch.float32, device=device
    )  # (N, T, D)
    is_colour = torch.tensor(
        [[w in COLOURS for w in s] for s in sentences], device=device
    )  # (N, T)
    same = is_colour[:, :, None] == is_colour[:, None, :]  # (N, T, T): same category
    unit = x / x.norm(dim=-1, keepdim=True)
    cosine = unit @ unit.transpose(-2, -1)  # (N, T, T)

    eye = torch.eye(D, device=device)
    random_q = torch.tensor(rng.standard_normal((D, D)) / math.sqrt(D), dtype=torch.float32)
    random_k = torch.tensor(rng.standard_normal((D, D)) / math.sqrt(D), dtype=torch.float32)
    w_q = random_q.clone().to(device).requires_grad_(True)
    w_k = random_k.clone().to(device).requires_grad_(True)
    random_q, random_k = random_q.to(device), random_k.to(device)
    optimiser = torch.optim.Adam([w_q, w_k], lr=LR)
    losses = []
    for _ in range(STEPS):
        optimiser.zero_grad()
        weights = _attention(x, w_q, w_k)
        other_mass = (weights * ~same).sum(dim=-1)  # (N, T)
        loss = -torch.log(other_mass + 1e-9).mean()  # task: look at the other category
        loss.backward()
        optimiser.step()
        losses.append(float(loss.detach()))

    settings = {
        "identity": (eye, eye),
        "random": (random_q, random_k),
        "learned": (w_q.detach(), w_k.detach()),
    }
    mass, corr, example = {}, {}, {}
    ex = sentences.index(EXAMPLE)
    with torch.no_grad():
        for name, (a, b) in settings.items():
            weights = _attention(x, a, b)
            mass[name] = float((weights * same).sum(dim=-1).mean())
            s = to_numpy(_scores(x, a, b)).ravel()
            corr[name] = float(np.corrcoef(s, to_numpy(cosine).ravel())[0, 1])
            example[name] = to_numpy(weights[ex])

    n = EnglishOnlyNarrator()
    n.heading("Words and sentences")
    n.say(f"Colours {COLOURS} share one direction, fruits {FRUITS} another; d = {D}.")
    n.say(f"{len(sentences)} sentences of two colours and two fruits, e.g. '{' '.join(EXAMPLE)}'.")
    n.show("cosine similarity in the example", cosine[ex], precision=2)
    n.heading("Three ways to make queries and keys")
    n.say("identity: W_Q = W_K = I, so score(i, j) = x_i . x_j / sqrt(d), raw similarity")
    n.say("random:   W_Q, W_K drawn at random")
    n.say(f"learned:  W_Q, W_K trained ({STEPS} Adam steps) so each word looks at the OTHER")
    n.say("          category (a colour at the fruits, a fruit at the colours)")
    n.say(f"training loss: {format_number(losses[0], 3)} -> {format_number(losses[-1], 3)}")
    for name in settings:
        n.heading(f"{name} projections")
        n.show(f"weights in '{' '.join(EXAMPLE)}'", example[name], precision=3)
        n.say(
            f"share of weight on the same category (self included): {format_number(mass[name], 3)}"
        )
        n.say(f"correlation of scores with cosine similarity: {format_number(corr[name], 3)}")
    n.notice(
        "Only with W_Q = W_K = I is attention a similarity search. Projections let a word ask for\n"
        "something it does not itself resemble, like a colour looking for the thing it colours:\n"
        "what attention attends to is learned, not given by the embeddings."
    )
    return DemoResult(
        demo_id=ID,
        device=device,
        seed=seed,
        lines=n.lines,
        arrays={f"weights_{k}": v for k, v in example.items()} | {"losses": np.array(losses)},
        metrics={
            **{f"same_category_mass_{k}": v for k, v in mass.items()},
            **{f"cosine_correlation_{k}": v for k, v in corr.items()},
            "final_loss": losses[-1],
        },
        explorer=[
            Explorer(_both(" ".join(EXAMPLE)), list(EXAMPLE), {k: v for k, v in example.items()})
        ],
    )


def figures(result: DemoResult, lang: str = "en") -> list[tuple[str, Figure, dict[str, str]]]:
    """The example sentence's weights under the three projections."""
    fig = new_figure(11.0, 3.6)
    for ax, name in zip(fig.subplots(1, 3), ("identity", "random", "learned"), strict=True):
        heatmap(
            ax,
            result.arrays[f"weights_{name}"],
            EXAMPLE,
            EXAMPLE,
            f"W_Q, W_K: {name}",
            vmax=1,
            colorbar=name == "learned",
        )
    alt = {
        "ja": "「red apple green lime」に対する注意の重み。射影なし(左)では色は色、果物は果物を"
        "見るが、学習した射影(右)では色が果物を、果物が色を見る。",
        "en": "Attention weights in 'red apple green lime'. Without projections (left) colours "
        "look at colours and fruits at fruits; with learned projections (right) colours look at "
        "fruits and fruits at colours.",
    }
    return [("projections", fig, alt)]

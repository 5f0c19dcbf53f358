"""With W_Q = W_K = I attention follows raw similarity; with projections it need not."""

from __future__ import annotations

import itertools
import math

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
from demos.framework.optim import Adam
from demos.framework.plotting import RANDOM_WEIGHTS, heatmap, new_figure

ID = "similarity_vs_projection"
TITLE = {"ja": "類似度と射影:注意は似たもの探しではない", "en": "Similarity versus projection"}
SUMMARY = {
    "ja": (
        "W_Q = W_K = I(射影なし)の自己注意は、単語ベクトルどうしの生の類似度をなぞるだけで、"
        "色は色に、果物は果物に注意します。ランダムな射影ではその対応が崩れ、学習した射影では"
        "「色の単語は果物を見る」という課題どおりに、似ていない相手へ注意を向けられるように"
        "なります。自己注意を「似た単語を探す仕組み」とだけ捉えると見落とす点を、"
        "3つの設定の注意の重みと類似度との相関で比べます。"
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
    optimiser = Adam([w_q, w_k], lr=LR)
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

    names = {
        "identity": ("identity", "恒等写像"),
        "random": ("random", "ランダム"),
        "learned": ("learned", "学習済み"),
    }
    n = Narrator()
    n.heading("Words and sentences", "単語と文")
    n.say(
        f"Colours {COLOURS} share one direction, fruits {FRUITS} another; d = {D}.",
        f"色 {COLOURS} は共通の一方向を、果物 {FRUITS} は別の方向を持ちます。d = {D} です。",
    )
    n.say(
        f"{len(sentences)} sentences of two colours and two fruits, e.g. '{' '.join(EXAMPLE)}'.",
        f"色二つと果物二つからなる文が {len(sentences)} 個あります(例: '{' '.join(EXAMPLE)}')。",
    )
    n.show("cosine similarity in the example", cosine[ex], precision=2)
    n.heading("Three ways to make queries and keys", "クエリとキーの作り方を三通り試す")
    n.say(
        "identity: W_Q = W_K = I, so score(i, j) = x_i . x_j / sqrt(d), raw similarity\n"
        "random:   W_Q, W_K drawn at random (untrained)\n"
        f"learned:  W_Q, W_K trained ({STEPS} Adam steps) so each word looks at the OTHER\n"
        "          category (a colour at the fruits, a fruit at the colours)",
        "恒等写像: W_Q = W_K = I。score(i, j) = x_i . x_j / sqrt(d) で、生の類似度そのものです\n"
        "ランダム: W_Q, W_K を乱数で決めます(学習なし)\n"
        f"学習済み: 各単語が「もう一方の」カテゴリを見るように W_Q, W_K を Adam で {STEPS} ステップ\n"
        "          学習します(色は果物を、果物は色を見る課題です)",
    )
    n.say(
        f"training loss: {format_number(losses[0], 3)} -> {format_number(losses[-1], 3)}",
        f"学習の損失: {format_number(losses[0], 3)} → {format_number(losses[-1], 3)}",
    )
    for name in settings:
        en, ja = names[name]
        n.heading(f"{en} projections", f"{ja}の射影")
        n.show(f"weights in '{' '.join(EXAMPLE)}'", example[name], precision=3)
        n.say(
            f"share of weight on the same category (self included): {format_number(mass[name], 3)}",
            f"同じカテゴリに置かれた重みの割合(自分自身を含む): {format_number(mass[name], 3)}",
        )
        n.say(
            f"correlation of scores with cosine similarity: {format_number(corr[name], 3)}",
            f"スコアとコサイン類似度の相関: {format_number(corr[name], 3)}",
        )
    n.notice(
        "With W_Q = W_K = I attention is a similarity search: its scores track the cosine\n"
        f"(correlation {format_number(corr['identity'], 2)}). Nothing forces projections to keep "
        "that. Random ones\n"
        f"loosen the link (correlation {format_number(corr['random'], 2)}), and learned ones can "
        "turn it around\n"
        f"(correlation {format_number(corr['learned'], 2)}): a word asks for something it does "
        "not itself resemble,\nlike a colour looking for the thing it colours. What attention "
        "attends to is learned,\nnot given by the embeddings.",
        "W_Q = W_K = I の注意は類似度の検索そのもので、スコアはコサインに沿います\n"
        f"(相関 {format_number(corr['identity'], 2)})。しかし射影がこの性質を保つ必要は"
        "ありません。ランダムな射影では\n"
        f"結びつきが弱まり(相関 {format_number(corr['random'], 2)})、学習した射影では逆向きにも"
        f"なります(相関 {format_number(corr['learned'], 2)})。\n"
        "単語は自分と似ていないもの、たとえば色が自分の色をまとう物を探せるのです。\n"
        "何に注意するかは埋め込みで決まるのではなく、学習で決まります。",
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
            "first_loss": losses[0],
            "final_loss": losses[-1],
        },
        explorer=[
            Explorer(
                {"en": " ".join(EXAMPLE), "ja": " ".join(EXAMPLE)},
                list(EXAMPLE),
                {k: v for k, v in example.items()},
            )
        ],
    )


def claims(result: DemoResult) -> dict[str, bool]:
    """What the summary, narration and alt text say about the numbers."""
    m = result.metrics
    return {
        "identity_tracks_similarity": m["cosine_correlation_identity"] > 0.9,
        "identity_stays_in_category": m["same_category_mass_identity"] > 0.8,
        "random_loosens_the_link": abs(m["cosine_correlation_random"]) < 0.5
        and m["same_category_mass_random"] < m["same_category_mass_identity"],
        "learned_turns_it_around": m["cosine_correlation_learned"] < -0.5,
        "learned_looks_at_other_category": m["same_category_mass_learned"] < 0.05,
        "training_lowers_the_loss": m["final_loss"] < m["first_loss"],
    }


def figures(result: DemoResult, lang: str = "en") -> list[tuple[str, Figure, dict[str, str]]]:
    """The example sentence's weights under the three projections, on one colour scale."""
    m = result.metrics
    fig = new_figure(11.0, 3.6)
    titles = {
        "identity": pick(lang, "W_Q = W_K = I", "W_Q = W_K = I"),
        "random": "W_Q, W_K: " + RANDOM_WEIGHTS[lang],
        "learned": pick(lang, "W_Q, W_K: learned", "W_Q, W_K: 学習済み"),
    }
    for ax, name in zip(fig.subplots(1, 3), ("identity", "random", "learned"), strict=True):
        heatmap(
            ax,
            result.arrays[f"weights_{name}"],
            EXAMPLE,
            EXAMPLE,
            titles[name],
            vmin=0,
            vmax=1,
            colorbar=name == "learned",
        )
    mass = {k: m[f"same_category_mass_{k}"] for k in ("identity", "random", "learned")}
    alt = {
        "ja": "「red apple green lime」に対する注意の重み(3 枚とも 0〜1 の同じ色の尺度)。"
        f"射影なし(左)では重みの {mass['identity']:.0%} が同じカテゴリに向かい、"
        f"ランダムな重みの射影(中)では {mass['random']:.0%}、学習した射影(右)では "
        f"{mass['learned']:.0%} で、色が果物を、果物が色を見る。",
        "en": "Attention weights in 'red apple green lime', all three on one 0-1 colour scale. "
        f"Without projections (left) {mass['identity']:.0%} of the weight stays in the same "
        f"category, with random-weight projections (middle) {mass['random']:.0%}, and with "
        f"learned projections (right) {mass['learned']:.0%}: colours look at fruits and fruits "
        "at colours.",
    }
    return [("projections", fig, alt)]

"""Attention is learned: how "The" comes to attend to its noun in layer 1.

The source list's third question asks how, in the first layer of the Illustrated Transformer's
notebook, "The" can already attend to "animal". This demo trains a one-layer, one-head model on a
task where that attention is needed: English noun phrases joined by "and", where each "the" must
become the German article der, die or das. The article depends on the gender of its own noun
(das Tier, die Straße), which only the noun's embedding holds, and 0 to 2 words stand between
article and noun. Most phrases with such a word end it with a noun used as a modifier
("the garden door"): in German that is a compound (Gartentür), whose gender is the gender of its
last noun, so the modifier points to the wrong article. Word and learned position embeddings
feed the single attention layer; the query of "the" is built from the word "the" and its
position only. Training shapes W_Q, W_K and the embeddings until that query matches the key of
its own noun.
"""

from __future__ import annotations

import math

import numpy as np
import torch
from matplotlib.figure import Figure
from torch import nn

from demos.attention.torch_attention import MultiHeadSelfAttention
from demos.framework.core import (
    DemoResult,
    Explorer,
    Narrator,
    cpu_threads,
    format_number,
    generator,
    precise_dtype,
    seed_everything,
    to_numpy,
)
from demos.framework.optim import Adam
from demos.framework.plotting import heatmap, new_figure

ID = "learned_attention"
TITLE = {
    "ja": "注意は学習される: 「The」が自分の名詞を見るようになるまで",
    "en": "Attention is learned: how 'The' comes to attend to its noun",
}
SUMMARY = {
    "ja": (
        "元記事の3つ目の疑問「1層目のTheがなぜanimalに注目できるのか」に答えます。"
        "英語の名詞句をandでつないだ文で、各theをドイツ語の冠詞der・die・dasに訳す課題です。"
        "どれになるかは自分の名詞の性で決まり、冠詞と名詞のあいだには0〜2語が入ります。"
        "その語が修飾語の名詞(the garden door = die Gartentür)のときは、合成語の性は最後の名詞で"
        "決まるので、修飾語の名詞は間違った冠詞を指します。単語の埋め込みと学習される位置の埋め込み、"
        "1層・1ヘッドの自己注意、線形の出力層からなるモデルをCPUで数秒訓練すると、"
        "訓練に使っていない文でも"
        "theの重みのほぼすべてが自分の名詞に乗ります。"
    ),
    "en": (
        "An answer to the source list's third question: how can 'The' attend to 'animal' "
        "already in layer 1? English noun phrases joined by 'and'; each 'the' must become the "
        "German article der, die or das, decided by the gender of its own noun, with 0 to 2 "
        "words in between. When that word is a noun used as a modifier ('the garden door', "
        "German 'die Gartentür'), it points to the wrong article, because a German compound "
        "takes the gender of its last noun. A model with word and learned position embeddings, "
        "one self-attention layer with one head and a linear read-out, trained for a few "
        "seconds on the CPU, "
        "puts almost all of the article's weight on its own noun in sentences it never saw."
    ),
}
CODE = {
    "model": "demos.gallery.learned_attention:ArticleModel",
    "training": "demos.gallery.learned_attention:train",
}

# German grammatical gender of each noun's translation (der Hund, die Katze, das Tier, ...).
NOUNS: dict[str, tuple[str, ...]] = {
    "der": ("dog", "man", "tree", "table", "garden", "chair"),
    "die": ("cat", "woman", "street", "door", "flower", "city"),
    "das": ("animal", "house", "child", "book", "car", "horse"),
}
ARTICLES = tuple(NOUNS)
ADJECTIVES = ("big", "small", "old", "young", "red", "tired", "long", "new")
ALL_NOUNS = tuple(n for nouns in NOUNS.values() for n in nouns)
GENDER = {n: g for g, nouns in NOUNS.items() for n in nouns}
PAD = "<pad>"
VOCAB = (PAD, "the", "and", *sorted(ADJECTIVES), *sorted(ALL_NOUNS))
INDEX = {w: i for i, w in enumerate(VOCAB)}
MAX_BETWEEN = 2
T = 2 * (MAX_BETWEEN + 2) + 1  # the A A N and the A A N
MODIFIER_NOUN_RATE = 0.7  # of the phrases with a word between article and noun
# Held-out sentences: never seen in training. Each is ``(first phrase, second phrase)``.
SHOWCASE = (
    (("the", "animal"), ("the", "street")),
    (("the", "tired", "animal"), ("the", "old", "house")),
    (("the", "old", "street", "dog"), ("the", "big", "garden", "door")),
)
N_EMBD = 32
STEPS = 300
BATCH = 64
LR = 0.02
TEST_SIZE = 500


def _held_out_pairs() -> frozenset[tuple[str, str]]:
    """(first noun, second noun) pairs kept out of training: about one in five, and the
    showcase's. Every noun still appears in training with other partners."""
    pairs = {
        (a, b)
        for i, a in enumerate(ALL_NOUNS)
        for j, b in enumerate(ALL_NOUNS)
        if (7 * i + 3 * j) % 5 == 0
    }
    pairs |= {(first[-1], second[-1]) for first, second in SHOWCASE}
    return frozenset(pairs)


HELD_OUT = _held_out_pairs()


def phrase(rng: np.random.Generator, modifier_nouns: bool) -> list[str]:
    """``the``, 0 to 2 words, a noun; with ``modifier_nouns`` the last word may be a noun."""
    noun = ALL_NOUNS[rng.integers(len(ALL_NOUNS))]
    between = [ADJECTIVES[rng.integers(len(ADJECTIVES))] for _ in range(rng.integers(3))]
    if modifier_nouns and between and rng.random() < MODIFIER_NOUN_RATE:
        between[-1] = ALL_NOUNS[rng.integers(len(ALL_NOUNS))]
    return ["the", *between, noun]


def encode(first: list[str] | tuple[str, ...], second: list[str] | tuple[str, ...]) -> dict:
    """One sentence as ids ``(T,)`` (padded), the two article and noun positions, targets."""
    words = [*first, "and", *second]
    ids = np.zeros(T, dtype=np.int64)
    ids[: len(words)] = [INDEX[w] for w in words]
    return {
        "words": words,
        "ids": ids,
        "articles": np.array([0, len(first) + 1]),
        "nouns": np.array([len(first) - 1, len(words) - 1]),
        "targets": np.array(
            [ARTICLES.index(GENDER[first[-1]]), ARTICLES.index(GENDER[second[-1]])]
        ),
    }


def sample(
    rng: np.random.Generator, count: int, held_out: bool, modifier_nouns: bool = True
) -> dict[str, np.ndarray]:
    """``count`` sentences whose noun pair is (``held_out``) or is not in :data:`HELD_OUT`.

    Returns arrays ``ids (count, T)``, ``articles``, ``nouns``, ``targets`` (each
    ``(count, 2)``) and ``modifier`` ``(count, 2)``: the position of a modifier noun, or -1.
    """
    rows: list[dict] = []
    while len(rows) < count:
        first, second = phrase(rng, modifier_nouns), phrase(rng, modifier_nouns)
        if ((first[-1], second[-1]) in HELD_OUT) != held_out:
            continue
        row = encode(first, second)
        start = [0, len(first) + 1]
        row["modifier"] = np.array(
            [
                s + len(p) - 2 if len(p) > 2 and p[-2] in GENDER else -1
                for s, p in zip(start, (first, second), strict=True)
            ]
        )
        rows.append(row)
    return {
        k: np.stack([r[k] for r in rows])
        for k in ("ids", "articles", "nouns", "targets", "modifier")
    }


class ArticleModel(nn.Module):
    """Word and learned position embeddings, ONE self-attention layer with one head, a read-out.

    The read-out sees ``x + attention(x)`` at each article. Only the nouns' embeddings say which
    article is right, so the model must move that information to the article through attention.
    """

    def __init__(self, vocab_size: int = len(VOCAB), n_embd: int = N_EMBD):
        super().__init__()
        self.tok = nn.Embedding(vocab_size, n_embd)
        self.pos = nn.Embedding(T, n_embd)
        self.attn = MultiHeadSelfAttention(n_embd, n_head=1)
        self.head = nn.Linear(n_embd, len(ARTICLES))
        # Small embeddings keep the first scores near zero: attention starts spread out.
        nn.init.normal_(self.tok.weight, std=0.1)
        nn.init.normal_(self.pos.weight, std=0.1)

    def forward(
        self, idx: torch.Tensor, articles: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """``idx`` ``(B, T)``, ``articles`` ``(B, 2)`` positions ->
        ``(logits (B, 2, 3), attention (B, T, T))``."""
        B, T_ = idx.shape
        positions = torch.arange(T_, device=idx.device)  # (T,)
        x = self.tok(idx) + self.pos(positions)[None]  # (B, T, C)
        padding_mask = idx != INDEX[PAD]  # (B, T): True for real tokens
        y, att = self.attn(x, padding_mask=padding_mask)  # (B, T, C), (B, 1, T, T)
        h = x + y  # (B, T, C)
        rows = torch.arange(B, device=idx.device)[:, None]  # (B, 1)
        return self.head(h[rows, articles]), att[:, 0]  # (B, 2, 3), (B, T, T)


def _tensors(batch: dict[str, np.ndarray], device: str) -> tuple[torch.Tensor, ...]:
    return tuple(torch.tensor(batch[k], device=device) for k in ("ids", "articles", "targets"))


def train(
    model: ArticleModel,
    rng: np.random.Generator,
    device: str,
    steps: int = STEPS,
    modifier_nouns: bool = True,
) -> list[float]:
    """Adam on fresh training sentences each step; returns the loss every 50 steps."""
    opt = Adam(model.parameters(), lr=LR)
    losses = []
    for step in range(steps):
        ids, articles, targets = _tensors(sample(rng, BATCH, False, modifier_nouns), device)
        logits, _ = model(ids, articles)
        loss = nn.functional.cross_entropy(logits.reshape(-1, len(ARTICLES)), targets.reshape(-1))
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 50 == 0 or step == steps - 1:
            losses.append(float(loss.detach()))
    return losses


@torch.no_grad()
def evaluate(model: ArticleModel, test: dict[str, np.ndarray], device: str) -> dict[str, float]:
    """Accuracy of both articles, their mean weight on their own noun and on modifier nouns."""
    ids, articles, targets = _tensors(test, device)
    logits, att = model(ids, articles)
    att = to_numpy(att)  # (B, T, T)
    rows = np.arange(len(ids))[:, None]  # (B, 1)
    on_noun = att[rows, test["articles"], test["nouns"]]  # (B, 2)
    has_mod = test["modifier"] >= 0
    on_mod = att[rows, test["articles"], np.maximum(test["modifier"], 0)][has_mod]
    return {
        "accuracy": float((logits.argmax(-1) == targets).double().mean()),
        "noun_weight": float(on_noun.mean()),
        "modifier_weight": float(on_mod.mean()) if on_mod.size else 0.0,
    }


def run(device: str = "cpu", seed: int = 0) -> DemoResult:
    """Train the one-layer model and measure where the articles look, before and after."""
    with cpu_threads(1):
        return _run(device, seed)


@torch.no_grad()
def score_parts(model: ArticleModel, first: tuple[str, ...], second: tuple[str, ...]) -> dict:
    """Split each article's raw scores ``q . k_j / sqrt(C)`` into a word and a position part.

    ``k_j = W_K (word_j + position_j) + b_K``, so the score is
    ``q . W_K word_j / sqrt(C)`` (word part) plus ``q . (W_K position_j + b_K) / sqrt(C)``
    (position part). The query ``q`` of an article is made from "the" and its position alone.

    Returns:
        ``words``, ``articles``, ``nouns`` and the parts ``word``, ``position``, each ``(2, T')``.
    """
    s = encode(first, second)
    L = len(s["words"])
    C = model.attn.n_embd
    w_q, w_k, _ = model.attn.c_attn.weight.split(C, dim=0)  # 3 x (C, C)
    b_q, b_k, _ = model.attn.c_attn.bias.split(C, dim=0)  # 3 x (C,)
    ids = torch.tensor(s["ids"][:L], device=w_q.device)
    word = model.tok(ids)  # (T', C)
    place = model.pos.weight[:L]  # (T', C)
    q = (word + place)[torch.tensor(s["articles"], device=w_q.device)] @ w_q.T + b_q  # (2, C)
    return {
        "words": s["words"],
        "articles": s["articles"],
        "nouns": s["nouns"],
        "word": to_numpy(q @ (word @ w_k.T).T) / C**0.5,  # (2, T')
        "position": to_numpy(q @ (place @ w_k.T + b_k).T) / C**0.5,  # (2, T')
    }


def _attention_rows(
    model: ArticleModel, device: str
) -> list[tuple[list[str], np.ndarray, np.ndarray, np.ndarray, np.ndarray]]:
    """For each showcase sentence: words, attention ``(T', T')``, article positions, logits
    ``(2, 3)``, noun positions."""
    out = []
    for first, second in SHOWCASE:
        s = encode(first, second)
        ids = torch.tensor(s["ids"][None], device=device)
        art = torch.tensor(s["articles"][None], device=device)
        with torch.no_grad():
            logits, att = model(ids, art)
        L = len(s["words"])
        out.append(
            (s["words"], to_numpy(att[0])[:L, :L], s["articles"], to_numpy(logits[0]), s["nouns"])
        )
    return out


def _run(device: str, seed: int) -> DemoResult:
    seed_everything(seed)
    dtype = precise_dtype(device)
    test = sample(generator(seed + 1), TEST_SIZE, held_out=True)

    torch.manual_seed(seed)
    model = ArticleModel().to(dtype).to(device)
    before = evaluate(model, test, device)
    rows_before = _attention_rows(model, device)
    losses = train(model, generator(seed), device)
    after = evaluate(model, test, device)
    rows_after = _attention_rows(model, device)
    parts = score_parts(model, *SHOWCASE[-1])
    function_words = [i for i, w in enumerate(parts["words"]) if w in ("the", "and")]
    noun_slots = [i for i, w in enumerate(parts["words"]) if w in GENDER]

    word_part_gap = float(
        parts["word"][0, noun_slots].min() - parts["word"][0, function_words].max()
    )
    metrics: dict[str, float | int | list] = {
        "article_noun_weight": after["noun_weight"],
        "heldout_accuracy": after["accuracy"],
        "article_noun_weight_init": before["noun_weight"],
        "heldout_accuracy_init": before["accuracy"],
        "article_modifier_noun_weight": after["modifier_weight"],
        "position_part_peak_is_own_noun": [
            int(np.argmax(parts["position"][i]) == parts["nouns"][i]) for i in range(2)
        ],
        "first_article_word_part_gap": word_part_gap,
        "showcase_noun_weight_min": float(
            min(
                att[a, k]
                for _, att, arts, _, nouns in rows_after
                for a, k in zip(arts, nouns, strict=True)
            )
        ),
        "final_loss": losses[-1],
    }
    f3 = lambda x: format_number(x, 3)  # noqa: E731

    n = Narrator()
    n.heading("The question", "疑問")
    n.say(
        "In the first layer of a Transformer, the query of 'The' is built from the word 'The'\n"
        "and its position only: no other layer has mixed the sentence into it yet. So how can\n"
        "it attend to 'animal'? Here a model learns such a pattern, and we watch it happen.",
        "Transformer の 1 層目では、The のクエリは The という単語とその位置だけから作られます。\n"
        "まだ他の層が文の情報を混ぜていないからです。では、なぜ animal に注目できるのでしょうか。\n"
        "ここではモデルにそのような注意を学ばせ、その様子を数値で確かめます。",
    )
    n.heading("The task", "課題")
    n.say(
        "Two English noun phrases joined by 'and'; each 'the' must become der, die or das,\n"
        "the German article of its own noun (das Tier, die Straße, der Hund). Between article\n"
        f"and noun stand 0 to {MAX_BETWEEN} words: adjectives, and in "
        f"{format_number(100 * MODIFIER_NOUN_RATE, 0)} % of the phrases that have them\n"
        "the last one is a noun used as a modifier ('the garden door'). A German compound\n"
        "takes the gender of its last noun (die Gartentür), so the modifier points to the\n"
        f"wrong article. {len(ALL_NOUNS)} nouns, {len(ADJECTIVES)} adjectives; "
        f"{len(HELD_OUT)} of the {len(ALL_NOUNS) ** 2} pairs of nouns are held out of\n"
        f"training, and every number below is measured on {TEST_SIZE} held-out sentences.",
        "英語の名詞句 2 つを and でつなぎます。各 the を、自分の名詞のドイツ語の冠詞 der・die・das"
        "\n(das Tier、die Straße、der Hund)に訳すのが課題です。冠詞と名詞のあいだには 0〜"
        f"{MAX_BETWEEN} 語が入ります。\n多くは形容詞ですが、語が入る句の "
        f"{format_number(100 * MODIFIER_NOUN_RATE, 0)} % では最後の語が修飾語の名詞です"
        "(the garden door)。\nドイツ語の合成語は最後の名詞の性をとる(die Gartentür)ので、"
        "修飾語の名詞は間違った冠詞を指します。\n"
        f"名詞は {len(ALL_NOUNS)} 個、形容詞は {len(ADJECTIVES)} 個です。名詞の組 "
        f"{len(ALL_NOUNS) ** 2} 通りのうち {len(HELD_OUT)} 通りは訓練に使わず、\n"
        f"以下の数値はすべて、その組からなる {TEST_SIZE} 文で測ったものです。",
    )
    n.say(
        f"Model: word embeddings + learned position embeddings (C = {N_EMBD}), ONE self-attention\n"
        "layer with one head, and a linear read-out of x + attention(x) at each 'the'.",
        f"モデル: 単語の埋め込み + 学習される位置の埋め込み(C = {N_EMBD})、1 層・1 ヘッドの"
        "自己注意、\n各 the の位置で x + attention(x) を読む線形の出力層です。",
    )
    n.heading("Before training (random weights)", "訓練前(ランダムな重み)")
    n.say(
        f"held-out accuracy {f3(before['accuracy'])}; weight of 'the' on its own noun "
        f"{f3(before['noun_weight'])}",
        f"未知の文での正解率 {f3(before['accuracy'])}、the が自分の名詞に置く重み "
        f"{f3(before['noun_weight'])}",
    )
    n.heading(
        f"Training: {STEPS} Adam steps, batches of {BATCH}, lr {LR}",
        f"訓練: Adam で {STEPS} ステップ、バッチ {BATCH}、学習率 {LR}",
    )
    n.say(
        "cross-entropy every 50 steps: " + " ".join(format_number(x, 4) for x in losses),
        "50 ステップごとの交差エントロピー: " + " ".join(format_number(x, 4) for x in losses),
    )
    n.heading("After training", "訓練後")
    n.say(
        f"held-out accuracy {f3(after['accuracy'])}; weight of 'the' on its own noun "
        f"{f3(after['noun_weight'])}; on a modifier noun {f3(after['modifier_weight'])}",
        f"未知の文での正解率 {f3(after['accuracy'])}、the が自分の名詞に置く重み "
        f"{f3(after['noun_weight'])}、修飾語の名詞に置く重み {f3(after['modifier_weight'])}",
    )
    for words, att, arts, logits, _ in rows_after:
        n.say(" ".join(words), " ".join(words))
        for a, lg in zip(arts, logits, strict=True):
            weights = "  ".join(
                f"{w}:{format_number(x, 2)}" for w, x in zip(words, att[a], strict=True)
            )
            pred = ARTICLES[int(np.argmax(lg))]
            n.say(f"  the@{a} -> {pred}   {weights}", f"  the@{a} → {pred}   {weights}")
    n.heading("How the query of 'the' finds its noun", "the のクエリが名詞を見つけるしくみ")
    n.say(
        "The score of key j is q . k_j / sqrt(C) with k_j = W_K (word_j + position_j) + b_K, so\n"
        "it splits into a word part, q . W_K word_j / sqrt(C), and a position part,\n"
        "q . (W_K position_j + b_K) / sqrt(C). For the third held-out sentence:",
        "キー j のスコアは q . k_j / sqrt(C) で、k_j = W_K (word_j + position_j) + b_K なので、\n"
        "単語の部分 q . W_K word_j / sqrt(C) と位置の部分 q . (W_K position_j + b_K) / sqrt(C) に"
        "分けられます。\n未知の文 3 では次のとおりです:",
    )
    n.say(" ".join(parts["words"]), " ".join(parts["words"]))
    for i, a in enumerate(parts["articles"]):
        for key, label in (("word", "word    "), ("position", "position")):
            row = "  ".join(
                f"{w}:{format_number(x, 1)}"
                for w, x in zip(parts["words"], parts[key][i], strict=True)
            )
            n.say(f"  the@{a} {label} {row}", f"  the@{a} {label} {row}")
    gap = math.floor(10 * word_part_gap) / 10  # "at least": round down
    n.say(
        "For each 'the' the position part is highest at its own noun (positions "
        f"{parts['nouns'][0]} and {parts['nouns'][1]}).\n"
        "For the first 'the' the word part puts every noun above 'the' and 'and' (by at least "
        f"{format_number(gap, 1)}).\nAdded up, they pick the noun that closes the phrase.",
        "どちらの the でも、位置の部分(position)は自分の名詞の位置("
        f"{parts['nouns'][0]} と {parts['nouns'][1]})で最大です。\n"
        "1 つ目の the では、単語の部分(word)がどの名詞も the や and より高くしています"
        f"(差は {format_number(gap, 1)} 以上)。\n2 つを足すと、句を閉じる名詞が選ばれます。",
    )
    n.notice(
        "Nothing in the architecture knows about articles or nouns. The query of 'the' is\n"
        "made from the word and its position alone; training shaped W_Q, W_K and the\n"
        "embeddings so that this query matches the key of the noun that closes its own phrase,\n"
        f"raising the weight from {f3(before['noun_weight'])} to {f3(after['noun_weight'])}. "
        "A modifier noun, whose gender would\npoint to the wrong article, gets "
        f"{f3(after['modifier_weight'])} on average: the key of the noun is matched by "
        "position as well as by word.",
        "アーキテクチャには冠詞や名詞についての知識は何もありません。the のクエリは単語と位置"
        "だけから作られ、\n訓練が W_Q・W_K と埋め込みを形づくって、このクエリが自分の句を閉じる"
        "名詞のキーと合うようにしました。\n"
        f"重みは {f3(before['noun_weight'])} から {f3(after['noun_weight'])} に上がります。"
        "\n性が間違った冠詞を指す修飾語の名詞には、平均で "
        f"{f3(after['modifier_weight'])} しか置きません。名詞のキーは、単語だけでなく位置でも"
        "選ばれているのです。",
    )

    arrays = {
        "losses": np.array(losses),
        **{f"attention_before_{i}": r[1] for i, r in enumerate(rows_before)},
        **{f"attention_after_{i}": r[1] for i, r in enumerate(rows_after)},
    }
    explorer = [
        Explorer(
            {"en": f"held-out sentence {i + 1}, after training", "ja": f"未知の文 {i + 1}(訓練後)"},
            list(words),
            {"head 1": att},
        )
        for i, (words, att, _, _, _) in enumerate(rows_after)
    ] + [
        Explorer(
            {
                "en": "held-out sentence 3, random weights (before training)",
                "ja": "未知の文 3、ランダムな重み(訓練前)",
            },
            list(rows_before[2][0]),
            {"head 1": rows_before[2][1]},
        )
    ]
    return DemoResult(ID, device, seed, n.lines, arrays, metrics, explorer)


def claims(result: DemoResult) -> dict[str, bool]:
    """The statements the narration, summary and alt text make about the numbers."""
    m = result.metrics
    return {
        "untrained_attention_is_spread": m["article_noun_weight_init"] < 0.3,
        "article_weight_on_its_noun_near_one": m["article_noun_weight"] > 0.9,
        "heldout_articles_are_right": m["heldout_accuracy"] > 0.95,
        "modifier_nouns_get_little": m["article_modifier_noun_weight"] < 0.05,
        "showcase_articles_look_mostly_at_their_noun": m["showcase_noun_weight_min"] > 0.5,
        "position_part_peaks_at_the_own_noun": m["position_part_peak_is_own_noun"] == [1, 1],
        "word_part_puts_nouns_above_function_words": m["first_article_word_part_gap"] > 0,
    }


LABELS = {
    "en": {
        "before": "random weights (before training)",
        "after": "after training",
        "sentence": "held-out sentence",
        "weight": "attention weight",
    },
    "ja": {
        "before": "ランダムな重み(訓練前)",
        "after": "訓練後",
        "sentence": "未知の文",
        "weight": "注意の重み",
    },
}


def figures(result: DemoResult, lang: str = "en") -> list[tuple[str, Figure, dict[str, str]]]:
    """The two articles' attention rows in each showcase sentence, before and after training."""
    t = LABELS[lang]
    fig = new_figure(13.0, 4.4)
    axes = fig.subplots(2, len(SHOWCASE))
    image = None
    for j, (first, second) in enumerate(SHOWCASE):
        s = encode(first, second)
        words = s["words"]
        labels = [f"the@{a}" for a in s["articles"]]
        for i, stage in enumerate(("before", "after")):
            att = result.arrays[f"attention_{stage}_{j}"][s["articles"]]  # (2, T')
            image = heatmap(
                axes[i, j],
                att,
                labels,
                words,
                f"{t['sentence']} {j + 1}: {t[stage]}",
                vmin=0.0,
                vmax=1.0,
                colorbar=False,
                annotate=True,
            )
    assert image is not None  # SHOWCASE is not empty
    fig.colorbar(image, ax=axes, shrink=0.8, label=t["weight"])
    m = result.metrics
    f2 = lambda x: format_number(x, 2)  # noqa: E731
    alt = {
        "en": (
            "Attention rows of the two articles in three held-out sentences, before training "
            "(random weights, top) and after (bottom), on one colour scale from 0 to 1. Before "
            "training each 'the' spreads its weight; after training most of it sits on the noun "
            "that closes its phrase, even past a modifier noun as in 'the old street dog'. Over "
            f"{TEST_SIZE} held-out sentences the weight on the own noun goes from "
            f"{f2(m['article_noun_weight_init'])} to {f2(m['article_noun_weight'])}."
        ),
        "ja": (
            "訓練に使っていない 3 文で、2 つの冠詞 the の注意の行を示します。上は訓練前(ランダムな"
            "重み)、下は訓練後で、0 から 1 の同じ色の尺度です。訓練前の the は重みを散らしますが、"
            "訓練後は the old street dog のように修飾語の名詞があっても、重みの大半を自分の句を"
            f"閉じる名詞に置きます。未知の {TEST_SIZE} 文では、自分の名詞への重みが "
            f"{f2(m['article_noun_weight_init'])} から {f2(m['article_noun_weight'])} に"
            "上がります。"
        ),
    }
    return [("article_attention", fig, alt)]

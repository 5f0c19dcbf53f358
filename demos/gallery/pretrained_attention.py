"""A real model's attention: all-MiniLM-L6-v2 (6 layers x 12 heads) read by our own encoder.

The source article's question 3 asks how "The" can attend to "animal" in an early layer of a
trained Transformer. This demo runs a pretrained BERT-style encoder
(:mod:`demos.attention.pretrained_encoder`) and finds its heads by a measured
criterion, never by eye:

* the *pronoun head* maximises the mean weight from "it" to its antecedent over
  :data:`PRONOUN_SET`; the *article head* maximises the mean weight from "the" to its noun over
  :data:`ARTICLE_SET`. Neither set contains the sentences the heads are then reported on.
* Both are then read on minimal pairs (Winograd-style sentences that differ in one word, so the
  antecedent changes) and compared with the same architecture at random initialisation.

The documented similarity matrix (three sentences and their cosine similarities) is a fact from
the sentence-transformers documentation of all-MiniLM-L6-v2; reproducing it shows that the
packaged weights are the published ones and that our forward pass is right.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from demos.attention import pretrained_encoder as pe
from demos.framework.core import (
    DemoError,
    DemoResult,
    Explorer,
    Narrator,
    format_number,
    seed_everything,
)

ID = "pretrained_attention"
TITLE = {
    "ja": "学習済みモデルの注意: MiniLMの6層×12ヘッドを読む",
    "en": "A trained model's attention: reading MiniLM's 6 layers x 12 heads",
}
SUMMARY = {
    "ja": (
        "公開されている学習済みエンコーダall-MiniLM-L6-v2の重みを、このサイト自前のエンコーダ層に"
        "読み込んで動かします。文書に載っている文の類似度を再現して正しさを確かめたうえで、"
        "「it」から先行詞へ、「the」から名詞へ注意を向けるヘッドを、別の文の集合で測った基準で"
        "選びます。最小対の文での重みと、同じ構造をランダムな重みで動かした結果も並べます。"
        '自分の英文はpython -m demos run pretrained_attention --sentence "..."で試せます'
        "(モデルはmake install-pretrainedで入ります)。"
    ),
    "en": (
        "The published weights of the pretrained encoder all-MiniLM-L6-v2 run inside this "
        "site's own encoder layer. After reproducing the similarities its documentation prints, "
        "the demo picks, by a criterion measured on separate sentences, the head that sends "
        '"it" to its antecedent and the head that sends "the" to its noun, reads them on '
        "minimal pairs, and runs the same architecture with random weights beside it. Try "
        'your own English sentence with python -m demos run pretrained_attention --sentence "..." '
        "(make install-pretrained installs the model)."
    ),
}
CODE = {
    "encoder": "demos.attention.pretrained_encoder:BertEncoder",
    "weights": "demos.attention.pretrained_encoder:load_encoder",
}

# Facts from the sentence-transformers documentation of all-MiniLM-L6-v2 (its usage example).
DOCUMENTED_SENTENCES = (
    "The weather is lovely today.",
    "It's so sunny outside!",
    "He drove to the stadium.",
)
DOCUMENTED_SIMILARITY = (
    (1.0000, 0.6660, 0.1046),
    (0.6660, 1.0000, 0.1411),
    (0.1046, 0.1411, 1.0000),
)

SENTENCE = "The animal didn't cross the street because it was too tired."
# (sentence, the noun "it" refers to, the other noun). The pairs differ in their last word.
MINIMAL_PAIRS = (
    ("The animal didn't cross the street because it was too tired.", "animal", "street"),
    ("The animal didn't cross the street because it was too wide.", "street", "animal"),
    ("The trophy didn't fit in the suitcase because it was too big.", "trophy", "suitcase"),
    ("The trophy didn't fit in the suitcase because it was too small.", "suitcase", "trophy"),
)
# Head selection sets: none of these is a minimal-pair sentence.
PRONOUN_SET = (
    ("The dog barked all night because it was hungry.", "dog"),
    ("She bought a new book and read it on the train.", "book"),
    ("The car stopped on the road because it had no fuel.", "car"),
    ("He lost his key and could not find it anywhere.", "key"),
    ("The bridge was closed because it was very old.", "bridge"),
    ("We planted a tree and watered it every day.", "tree"),
    ("The letter arrived late, so nobody read it.", "letter"),
    ("The computer crashed because it was overheating.", "computer"),
)
ARTICLE_SET = (
    ("The dog chased the cat across the garden.", ("dog", "cat", "garden")),
    ("She put the heavy book on the table.", ("book", "table")),
    ("The old man sold the house to the bank.", ("man", "house", "bank")),
    ("We saw the big red car near the station.", ("car", "station")),
    ("The teacher gave the students the answer.", ("teacher", "students", "answer")),
    ("The river runs past the small village.", ("river", "village")),
)
TOP_HEADS = 5
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uff66-\uff9f]")


def _index(tokens: list[str], word: str, nth: int = 0) -> int:
    hits = [i for i, t in enumerate(tokens) if t == word]
    if len(hits) <= nth:
        raise DemoError(f"{word!r} is not a single token in {tokens}")
    return hits[nth]


def _pronoun_scores(maps: dict[str, tuple[list[str], np.ndarray]]) -> np.ndarray:
    """Mean weight ``(n_layer, n_head)`` from "it" to its antecedent over :data:`PRONOUN_SET`."""
    rows = []
    for sentence, antecedent in PRONOUN_SET:
        tokens, att = maps[sentence]
        rows.append(att[:, :, _index(tokens, "it"), _index(tokens, antecedent)])
    return np.mean(rows, axis=0)


def _article_scores(maps: dict[str, tuple[list[str], np.ndarray]]) -> np.ndarray:
    """Mean weight ``(n_layer, n_head)`` from each "the" to its noun over :data:`ARTICLE_SET`."""
    rows = []
    for sentence, nouns in ARTICLE_SET:
        tokens, att = maps[sentence]
        for nth, noun in enumerate(nouns):
            rows.append(att[:, :, _index(tokens, "the", nth), _index(tokens, noun)])
    return np.mean(rows, axis=0)


def _best(scores: np.ndarray) -> tuple[int, int]:
    layer, head = np.unravel_index(int(np.argmax(scores)), scores.shape)
    return int(layer), int(head)


def top_links(tokens: list[str], att: np.ndarray, count: int = TOP_HEADS) -> list[dict[str, Any]]:
    """The heads with the strongest link between two different words of a sentence.

    Special tokens ([CLS], [SEP]) and a token's weight on itself are left out: many heads park
    their weight there, which says nothing about how words relate.

    Returns:
        Up to ``count`` dicts ``{"layer", "head" (1-based), "query", "key", "weight"}``, strongest
        first.
    """
    real = [i for i, t in enumerate(tokens) if t not in ("[CLS]", "[SEP]")]
    links: list[dict[str, Any]] = []
    for layer in range(att.shape[0]):
        for head in range(att.shape[1]):
            best = (-1.0, 0, 0)
            for q in real:
                for k in real:
                    if q != k and att[layer, head, q, k] > best[0]:
                        best = (float(att[layer, head, q, k]), q, k)
            weight, q, k = best
            links.append(
                {
                    "layer": layer + 1,
                    "head": head + 1,
                    "query": tokens[q],
                    "key": tokens[k],
                    "weight": weight,
                }
            )
    links.sort(key=lambda link: (-link["weight"], link["layer"], link["head"]))
    return links[:count]


def run(device: str = "cpu", seed: int = 0, sentence: str | None = None) -> DemoResult:
    """Load the model, check it, find the heads and compare with random weights.

    Args:
        device: Where to run.
        seed: Seeds the randomly initialised twin (the trained model has no randomness).
        sentence: An English sentence of the reader's: its strongest heads are narrated too.

    Raises:
        DemoError: The model is not installed, or ``sentence`` is not English text.
    """
    if sentence is not None:
        if CJK.search(sentence):
            raise DemoError(
                "the model is English and uncased (all-MiniLM-L6-v2): Japanese text is split into "
                "single characters it was hardly trained on; give an English sentence"
            )
        if not sentence.strip() or len(sentence) > 500:
            raise DemoError("--sentence needs an English sentence of 1 to 500 characters")
    seed_everything(seed)
    model = pe.load_encoder().to(device)
    pieces = pe.WordPieces()

    sims = pe.cosine_matrix(
        pe.sentence_embeddings(model, pieces, list(DOCUMENTED_SENTENCES), device)
    )
    sim_error = float(np.max(np.abs(np.array(sims) - np.array(DOCUMENTED_SIMILARITY))))

    texts = [SENTENCE, *(s for s, *_ in MINIMAL_PAIRS), *(s for s, _ in PRONOUN_SET)]
    texts += [s for s, _ in ARTICLE_SET]
    maps = {t: pe.attention_maps(model, pieces, t, device) for t in dict.fromkeys(texts)}
    pronoun_layer, pronoun_head = _best(_pronoun_scores(maps))
    article_layer, article_head = _best(_article_scores(maps))

    tokens, att = maps[SENTENCE]
    it, animal, street = _index(tokens, "it"), _index(tokens, "animal"), _index(tokens, "street")
    the = _index(tokens, "the")
    pronoun_weight = float(att[pronoun_layer, pronoun_head, it, animal])
    article_weight = float(att[article_layer, article_head, the, animal])

    pairs: list[dict[str, Any]] = []
    for text, right, wrong in MINIMAL_PAIRS:
        toks, a = maps[text]
        row = a[pronoun_layer, pronoun_head, _index(toks, "it")]
        pairs.append(
            {
                "sentence": text,
                "right": right,
                "wrong": wrong,
                "right_weight": float(row[_index(toks, right)]),
                "wrong_weight": float(row[_index(toks, wrong)]),
            }
        )

    twin = pe.BertEncoder(model.cfg).init_random(seed).to(device).eval()
    _, random_att = pe.attention_maps(twin, pieces, SENTENCE, device)
    random_max = float(random_att[:, :, it, animal].max())
    uniform = 1.0 / len(tokens)

    own = None
    if sentence is not None:
        own_tokens, own_att = pe.attention_maps(model, pieces, sentence, device)
        own = (own_tokens, top_links(own_tokens, own_att))

    metrics: dict[str, Any] = {
        "documented_similarity_max_error": sim_error,
        "pronoun_head": [pronoun_layer + 1, pronoun_head + 1],
        "pronoun_antecedent_weight": pronoun_weight,
        "pronoun_street_weight": float(att[pronoun_layer, pronoun_head, it, street]),
        "article_head": [article_layer + 1, article_head + 1],
        "article_noun_weight": article_weight,
        "random_init_max_offdiagonal_weight": random_max,
        "uniform_weight": uniform,
        "minimal_pairs_right_over_wrong": sum(p["right_weight"] > p["wrong_weight"] for p in pairs),
        "minimal_pairs": len(pairs),
    }
    for p in pairs:
        key = p["sentence"].split()[-1].strip(".")
        metrics[f"pair_{key}_right_weight"] = p["right_weight"]
        metrics[f"pair_{key}_wrong_weight"] = p["wrong_weight"]

    lines = _narrate(tokens, sims, metrics, pairs, own, model.cfg)
    arrays = {
        "attention": att,
        "random_attention": random_att,
        "similarity": np.array(sims),
    }
    explorer = [
        Explorer(
            name={"en": f"layer {layer + 1}", "ja": f"第{layer + 1}層"},
            tokens=list(tokens),
            heads={f"head {h + 1}": att[layer, h] for h in range(att.shape[1])},
        )
        for layer in range(att.shape[0])
    ]
    # The random twin's view holds the pronoun head only: all 12 would push the explorer's JSON
    # past its 150 KB budget.
    explorer.append(
        Explorer(
            name={"en": "random weights", "ja": "ランダムな重み"},
            tokens=list(tokens),
            heads={
                f"layer {pronoun_layer + 1} head {pronoun_head + 1}": random_att[
                    pronoun_layer, pronoun_head
                ]
            },
        )
    )
    return DemoResult(ID, device, seed, lines, arrays, metrics, explorer)


def claims(result: DemoResult) -> dict[str, bool]:
    """What the narration says about the numbers, as checks."""
    m = result.metrics
    return {
        "reproduces_documented_similarities": m["documented_similarity_max_error"] < 1e-3,
        "pronoun_head_prefers_animal_over_street": (
            m["pronoun_antecedent_weight"] > m["pronoun_street_weight"]
        ),
        "trained_above_random": (
            m["pronoun_antecedent_weight"] > 2 * m["random_init_max_offdiagonal_weight"]
        ),
        "random_near_uniform": m["random_init_max_offdiagonal_weight"] < 3 * m["uniform_weight"],
        "not_a_clean_resolver": m["minimal_pairs_right_over_wrong"] < m["minimal_pairs"],
        "article_head_strong": m["article_noun_weight"] > 0.5,
    }


def _fmt(x: float) -> str:
    return format_number(x, 2)


def _narrate(
    tokens: list[str],
    sims: list[list[float]],
    m: dict[str, Any],
    pairs: list[dict[str, Any]],
    own: tuple[list[str], list[dict[str, Any]]] | None,
    cfg: Any,
) -> dict[str, list[str]]:
    n = Narrator()
    n.heading("The model and the check", "モデルと検算")
    n.say(
        f"all-MiniLM-L6-v2: {cfg.num_hidden_layers} layers, {cfg.num_attention_heads} heads, "
        f"C = {cfg.hidden_size}, head_dim = {cfg.hidden_size // cfg.num_attention_heads}; "
        "weights read by name into our own encoder layers.",
        f"all-MiniLM-L6-v2: {cfg.num_hidden_layers}層、{cfg.num_attention_heads}ヘッド、"
        f"C = {cfg.hidden_size}、head_dim = {cfg.hidden_size // cfg.num_attention_heads}。"
        "重みを名前で対応づけて、このサイト自前のエンコーダ層に読み込みます。",
    )
    n.say(
        "Cosine similarities of the three sentences in the model's documentation "
        "(documented values in brackets):",
        "モデルの文書にある3つの文のコサイン類似度です(括弧内は文書に載っている値):",
    )
    for i, row in enumerate(sims):
        cells = "  ".join(
            f"{format_number(v)} [{format_number(d)}]"
            for v, d in zip(row, DOCUMENTED_SIMILARITY[i], strict=True)
        )
        n.say(
            f"  {DOCUMENTED_SENTENCES[i]:<32} {cells}", f"  {DOCUMENTED_SENTENCES[i]:<32} {cells}"
        )
    err = m["documented_similarity_max_error"]
    same = err < 1e-3
    n.say(
        f"largest difference {err:.1e}: "
        + ("the published weights, computed correctly." if same else "NOT the documented values."),
        f"最大の差は{err:.1e}です。"
        + ("公開された重みを正しく計算できています。" if same else "文書の値と一致しません。"),
    )

    n.heading("Heads chosen by a measured criterion", "測った基準で選んだヘッド")
    pl, ph = m["pronoun_head"]
    al, ah = m["article_head"]
    n.say(
        f'pronoun head: layer {pl}, head {ph} (largest mean weight from "it" to its antecedent '
        f"over {len(PRONOUN_SET)} other sentences)",
        f"代名詞ヘッド: 第{pl}層のヘッド{ph}(別の{len(PRONOUN_SET)}文で「it」から先行詞への"
        "平均の重みが最大のヘッド)",
    )
    n.say(
        f'article head: layer {al}, head {ah} (largest mean weight from "the" to its noun '
        f"over {len(ARTICLE_SET)} other sentences)",
        f"冠詞ヘッド: 第{al}層のヘッド{ah}(別の{len(ARTICLE_SET)}文で「the」から名詞への"
        "平均の重みが最大のヘッド)",
    )
    n.say(f"sentence: {SENTENCE}", f"文: {SENTENCE}")
    n.say(f"tokens: {' '.join(tokens)}", f"トークン: {' '.join(tokens)}")
    n.say(
        f'layer {al} head {ah}: "the" -> "animal" {_fmt(m["article_noun_weight"])}',
        f"第{al}層ヘッド{ah}: 「the」→「animal」{_fmt(m['article_noun_weight'])}",
    )
    n.say(
        f'layer {pl} head {ph}: "it" -> "animal" {_fmt(m["pronoun_antecedent_weight"])}, '
        f'"it" -> "street" {_fmt(m["pronoun_street_weight"])}',
        f"第{pl}層ヘッド{ph}: 「it」→「animal」{_fmt(m['pronoun_antecedent_weight'])}、"
        f"「it」→「street」{_fmt(m['pronoun_street_weight'])}",
    )

    n.heading("Minimal pairs: one word changes the antecedent", "最小対: 1語で先行詞が変わる文")
    for p in pairs:
        n.say(
            f'{p["sentence"]}\n  "it" -> {p["right"]} (meant) {_fmt(p["right_weight"])}, '
            f"-> {p['wrong']} {_fmt(p['wrong_weight'])}",
            f"{p['sentence']}\n  「it」→ {p['right']}(指す語){_fmt(p['right_weight'])}、"
            f"→ {p['wrong']} {_fmt(p['wrong_weight'])}",
        )
    right, total = m["minimal_pairs_right_over_wrong"], m["minimal_pairs"]
    n.say(
        f"the head prefers the meant noun in {right} of {total} sentences.",
        f"このヘッドが指す語のほうに大きな重みを置いたのは{total}文中{right}文です。",
    )

    n.heading("The same architecture with random weights", "同じ構造をランダムな重みで")
    n.say(
        f"largest weight any of the {cfg.num_hidden_layers * cfg.num_attention_heads} heads gives "
        f'from "it" to "animal": {_fmt(m["random_init_max_offdiagonal_weight"])} '
        f"(spread evenly it would be 1/{len(tokens)} = {_fmt(m['uniform_weight'])})",
        f"{cfg.num_hidden_layers * cfg.num_attention_heads}個のどのヘッドでも、「it」から「animal」"
        f"への重みは最大{_fmt(m['random_init_max_offdiagonal_weight'])}です"
        f"(均等に配れば1/{len(tokens)} = {_fmt(m['uniform_weight'])})。",
    )

    if own is not None:
        own_tokens, links = own
        n.heading("Your sentence", "あなたの文")
        n.say(f"tokens: {' '.join(own_tokens)}", f"トークン: {' '.join(own_tokens)}")
        n.say(
            "strongest links between two different words, one per head:",
            "ヘッドごとに、異なる2語のあいだで最も強いつながり:",
        )
        for link in links:
            text = (
                f"  layer {link['layer']} head {link['head']}: "
                f'"{link["query"]}" -> "{link["key"]}" {_fmt(link["weight"])}'
            )
            n.say(
                text,
                f"  第{link['layer']}層ヘッド{link['head']}: "
                f"「{link['query']}」→「{link['key']}」{_fmt(link['weight'])}",
            )

    gap = m["pronoun_antecedent_weight"] / max(m["random_init_max_offdiagonal_weight"], 1e-9)
    n.notice(
        f'With random weights no head links "it" to "animal" (at most '
        f"{_fmt(m['random_init_max_offdiagonal_weight'])}); after training one head gives it "
        f"{_fmt(m['pronoun_antecedent_weight'])}, {gap:.0f} times as much. The multiplication "
        "q·k is the same in both: what the projections learned from text made the pattern. Yet "
        f"the head is no clean resolver: it prefers the meant noun in only {right} of {total} "
        "minimal-pair sentences. Read heads as learned habits, not as reasoning.",
        "ランダムな重みでは「it」と「animal」を結ぶヘッドはありません(最大"
        f"{_fmt(m['random_init_max_offdiagonal_weight'])})。学習後は1つのヘッドが"
        f"{_fmt(m['pronoun_antecedent_weight'])}、{gap:.0f}倍の重みを置きます。掛け算q·kは"
        "どちらも同じで、パターンを作ったのはテキストから学んだ射影です。それでも、このヘッドは"
        f"きれいな照応解析器ではありません。最小対で指す語を選べたのは{total}文中{right}文"
        "だけです。ヘッドは推論ではなく、学習で身についた癖として読んでください。",
    )
    return n.lines


def figures(result: DemoResult, lang: str = "en") -> list[tuple[str, Any, dict[str, str]]]:
    """The model view (every head), trained vs random for the pronoun head, minimal pairs."""
    # matplotlib only when drawing: see demos/framework/plotting.py
    from demos.framework.plotting import new_figure

    m = result.metrics
    att = result.arrays["attention"]
    random_att = result.arrays["random_attention"]
    tokens = result.explorer[0].tokens
    n_layer, n_head = att.shape[:2]
    ja = lang == "ja"
    pl, ph = m["pronoun_head"]
    al, ah = m["article_head"]

    grid = new_figure(1.25 * n_head + 1.0, 1.3 * n_layer + 0.6)
    axes = grid.subplots(n_layer, n_head, squeeze=False)
    image = None
    for layer in range(n_layer):
        for head in range(n_head):
            ax = axes[layer, head]
            image = ax.imshow(att[layer, head], cmap="Blues", vmin=0.0, vmax=1.0)
            ax.set_xticks([])
            ax.set_yticks([])
            if layer == 0:
                ax.set_title(f"H{head + 1}", fontsize=8)
            if head == 0:
                ax.set_ylabel(f"L{layer + 1}", fontsize=8)
            if (layer + 1, head + 1) in ((pl, ph), (al, ah)):
                colour = "#d62728" if (layer + 1, head + 1) == (pl, ph) else "#ff7f0e"
                for spine in ax.spines.values():
                    spine.set_edgecolor(colour)
                    spine.set_linewidth(2.5)
    assert image is not None  # a model has at least one layer and one head
    grid.colorbar(image, ax=axes, shrink=0.6, label="重み" if ja else "weight")
    grid.suptitle(
        f"全ヘッドの注意(赤: 代名詞ヘッドL{pl} H{ph}、橙: 冠詞ヘッドL{al} H{ah})"
        if ja
        else f"Every head (red: pronoun head L{pl} H{ph}, orange: article head L{al} H{ah})",
        fontsize=10,
    )
    grid_alt = {
        "ja": (
            f"6層× 12ヘッドの注意マップ。文は「{SENTENCE}」。代名詞ヘッドは第{pl}層ヘッド{ph}、"
            f"冠詞ヘッドは第{al}層ヘッド{ah}です。"
        ),
        "en": (
            f"Attention maps of all 6 x 12 heads for '{SENTENCE}'. Pronoun head: layer {pl} "
            f"head {ph}; article head: layer {al} head {ah}."
        ),
    }

    it = tokens.index("it")
    compare = new_figure(9.0, 3.6)
    axes = compare.subplots(1, 2, sharey=True)
    trained_row = att[pl - 1, ph - 1, it]
    random_row = random_att[pl - 1, ph - 1, it]
    for ax, row, title in (
        (axes[0], trained_row, "学習済み" if ja else "trained"),
        (axes[1], random_row, "ランダムな重み" if ja else "random weights"),
    ):
        ax.bar(range(len(tokens)), row, color="#1f77b4")
        ax.set_xticks(range(len(tokens)), tokens, rotation=60, ha="right", fontsize=8)
        ax.set_ylim(0, 1)
        ax.set_title(
            f"{title}: L{pl} H{ph}, 「it」の行" if ja else f'{title}: L{pl} H{ph}, row of "it"'
        )
    axes[0].set_ylabel("重み" if ja else "weight")
    compare_alt = {
        "ja": (
            f"第{pl}層ヘッド{ph}で「it」が各トークンに置く重み。学習済みではanimalに"
            f"{_fmt(trained_row[tokens.index('animal')])}、ランダムな重みでは"
            f"{_fmt(random_row[tokens.index('animal')])}です。"
        ),
        "en": (
            f'Weights from "it" in layer {pl} head {ph}: trained, '
            f"{_fmt(trained_row[tokens.index('animal')])} on animal; random weights, "
            f"{_fmt(random_row[tokens.index('animal')])}."
        ),
    }

    pairs_fig = new_figure(7.5, 3.4)
    ax = pairs_fig.add_subplot(1, 1, 1)
    labels, right_w, wrong_w = [], [], []
    for text, right, _wrong in MINIMAL_PAIRS:
        key = text.split()[-1].strip(".")
        labels.append(f"…{key}.\n({right})")
        right_w.append(m[f"pair_{key}_right_weight"])
        wrong_w.append(m[f"pair_{key}_wrong_weight"])
    x = np.arange(len(labels))
    ax.bar(x - 0.2, right_w, 0.4, label="指す語" if ja else "meant noun", color="#2ca02c")
    ax.bar(x + 0.2, wrong_w, 0.4, label="もう一方の語" if ja else "other noun", color="#7f7f7f")
    ax.set_xticks(x, labels, fontsize=8)
    ax.set_ylim(0, 1)
    ax.set_ylabel("重み" if ja else "weight")
    ax.set_title(
        f"最小対での「it」の重み(L{pl} H{ph})" if ja else f'"it" on minimal pairs(L{pl} H{ph})',
        fontsize=10,
    )
    ax.legend(fontsize=8)
    right, total = m["minimal_pairs_right_over_wrong"], m["minimal_pairs"]
    pairs_alt = {
        "ja": f"最小対{total}文で、代名詞ヘッドが指す語に大きな重みを置いたのは{right}文です。",
        "en": f"On {total} minimal-pair sentences the pronoun head prefers the meant noun in {right}.",
    }
    return [
        ("model_view", grid, grid_alt),
        ("trained_vs_random", compare, compare_alt),
        ("minimal_pairs", pairs_fig, pairs_alt),
    ]

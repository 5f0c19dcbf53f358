"""Style warnings for Japanese text: each rule with texts it must flag and texts it must leave alone,
and the real catalogue, which must give none."""

from __future__ import annotations

import dataclasses
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tools.catalog import load
from tools.style import (
    WORD_RULES,
    catalogue_ja_texts,
    catalogue_style_warnings,
    japanese_style_problems,
)


def messages(text: str) -> list[str]:
    return [message for _, message in japanese_style_problems(text)]


# --- register: です・ます調 -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "ending", "fix"),
    [
        ("自己注意は重み付き和である。", "である。", "…です。"),
        ("これは入門向けの記事だ。", "だ。", "…です。"),
        ("以前は無料だった。", "だった。", "…でした。"),
        ("スコアを正規化する。", "する。", "…します。"),
        ("著者は記事を移した。", "した。", "…しました。"),
        ("この資料は位置エンコーディングを扱わない。", "ない。", "…ません / ないです。"),
        ("長さは固定ではない。", "ではない。", "…ではありません。"),
        ("図が明快に示されている。", "いる。", "…います。"),
        ("求められることがある。", "ある。", "…あります。"),
        ("理解の足場になる。", "なる。", "…なります。"),
        ("手を動かして確かめられる。", "られる。", "…られます。"),
        ("行列の形を示す。", "す。", "…ます。"),
        ("初学者に向く。", "く。", "…ます。"),
        ("別の資料で補う。", "う。", "…ます。"),
        ("全体を読む。", "む。", "…ます。"),
        ("順に学ぶ。", "ぶ。", "…ます。"),
        ("情報量が多い。", "多い。", "…多いです。"),
        ("数式が少なく読みやすい。", "やすい。", "…やすいです。"),
        ("英語版を当たってほしい。", "しい。", "…しいです。"),
        ("Mediumに移った。", "った。", "…ました / でした。"),
        ("とても面白い！", "面白い！", "…面白いです！"),
    ],
)
def test_plain_ending_is_flagged_with_its_polite_fix(text: str, ending: str, fix: str) -> None:
    found = messages(text)
    assert len(found) == 1, found
    assert found[0].startswith(f'plain style ending "{ending}" in "…')
    assert found[0].endswith(f"write です・ます調 ({fix})")


@pytest.mark.parametrize(
    "text",
    [
        "自己注意は重み付き和です。",
        "スコアを正規化します。",
        "著者は記事を移しました。",
        "以前は無料でした。",
        "位置エンコーディングは扱いません。",
        "英語版を当たってください。",
        "先に読むとよいでしょう。",
        "なぜ位置の情報が要るのでしょうか。",
        "数式が少なく読みやすいです。",
        # noun phrases (体言止め) in summaries and highlights, including kana nouns that end
        # like verbs or adjectives
        "クロス注意と自己注意の違い。",
        "クエリを問いとして読む説明。",
        "マスクの扱い。",
        "元記事の3つの疑問。",
        "ひとつずつ。",
        "語順が入れ替わる例を含む行列(Sはバッチごとに変わる)。",
        "「注意とは何かを説明する」という節。",
        "Transformerの全体像をつかむ約2時間の動画。",
        "デモは`a = b`。",
        # no sentence end: titles, labels
        "Transformerの中身を深く",
        "注意機構の基本",
        # a plain sentence quoted inside brackets is someone else's words
        "記事は「注意は重み付き和である。」と書いています。",
        "",
    ],
)
def test_polite_text_and_noun_phrases_are_not_flagged(text: str) -> None:
    assert [m for m in messages(text) if m.startswith("plain style")] == []


def test_every_sentence_is_checked_and_lines_are_counted() -> None:
    text = "一文目は丁寧です。二文目は普通体である。\n\n三行目も普通体だ。四つ目は丁寧です。"
    found = japanese_style_problems(text)
    assert [(line, message.split(" in ")[0]) for line, message in found] == [
        (0, 'plain style ending "である。"'),
        (2, 'plain style ending "だ。"'),
    ]


def test_markdown_emphasis_and_code_do_not_hide_or_fake_an_ending() -> None:
    assert messages("**ここが重要である**。")[0].startswith('plain style ending "である。"')
    assert messages("`これはコードである`。") == []
    assert messages("例:\n```\n# 日本語のコメントである。\n```\n説明は以上です。") == []


# --- words ----------------------------------------------------------------------------------


WORD_CASES = [
    ("リソース2を先に読みます。", "リソース", "資料"),
    ("元のリストにあった記事です。", "元のリスト", "元記事"),
    ("元リストの21件です。", "元リスト", "元記事"),
    ("未解決の疑問に答えます。", "未解決の疑問", "元記事の3つの疑問"),
    ("未解決の問いに答えます。", "未解決の問い", "元記事の3つの疑問"),
    ("元記事の質問に答えます。", "元記事の質問", "元記事の3つの疑問"),
    ("元の記事の問いに答えます。", "元の記事の問い", "元記事の3つの疑問"),
    ("記事が挙げた3つの問いです。", "3つの問い", "3つの疑問"),
    ("三つの質問に答えます。", "三つの質問", "3つの疑問"),
    ("質問2の答えです。", "質問2", "疑問2"),
    ("問い3の答えです。", "問い3", "疑問3"),
]


@pytest.mark.parametrize(("text", "fragment", "replacement"), WORD_CASES)
def test_forbidden_word_is_named_with_its_replacement(
    text: str, fragment: str, replacement: str
) -> None:
    found = messages(text)
    assert any(m.startswith(f'"{fragment}": write "{replacement}" (') for m in found), found


@pytest.mark.parametrize(
    "text",
    [
        "元記事の3つの疑問に答えます。",
        "疑問2の答えです。",
        "視覚的質問応答の課題を見渡せます。",
        "問いと答えの形でまとめた記事。",
        "クエリを「何を尋ねるか」という問いとして読む説明。",
        "問い合わせはIssueでお願いします。",
        "よくある質問に答えるページです。",
        "質問10件をまとめた一覧。",
        "元の記事は英語です。",
        "資料を提案してください。",
        "設定は`resources.yaml`の`リソース`キーです。",
    ],
)
def test_ordinary_uses_are_not_flagged(text: str) -> None:
    assert messages(text) == []


def test_every_rule_of_the_word_table_is_exercised() -> None:
    for rule in WORD_RULES:
        assert any(re.fullmatch(rule.pattern, fragment) for _, fragment, _ in WORD_CASES), rule


# --- spacing and width ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "fragment", "fix"),
    [
        ("Transformer の構成です。", "Transformer の構成", "Transformerの構成"),
        ("これは Transformer です。", "これは Transformer です。", "これはTransformerです。"),
        ("モデルは 512 次元です。", "デルは 512 次元で", "デルは512次元で"),
        ("`masks` デモで確かめます。", "`masks` デモで", "`masks`デモで"),
        (
            "ソニーの Neural Network Console チャンネル。",
            "ニーの Neural Network Console チャン",
            "ニーのNeural Network Consoleチャン",
        ),
        (
            "自己注意 (self-attention) の説明。",
            "己注意 (self-attention) の説明",
            "己注意(self-attention)の説明",
        ),
        ("「注意」 Attention です。", "注意」 Attention です。", "注意」Attentionです。"),
    ],
)
def test_space_between_japanese_and_latin_is_flagged(text: str, fragment: str, fix: str) -> None:
    found = [m for m in messages(text) if m.startswith("space")]
    assert len(found) == 1, found
    assert f'in "{fragment}": write "{fix}"' in found[0]


@pytest.mark.parametrize(
    "text",
    [
        "Transformerの構成です。",
        "ソニーのNeural Network Consoleチャンネル。",
        "No.5とNo.12を比べます。",
        "自己注意(self-attention)の説明。",
        "`q @ k.T`を計算します。",
        "「ゼロから作る Deep Learning」の続編です。",
        "『Dive into Deep Learning』の日本語版です。",
        "[The Illustrated Transformer](https://jalammar.github.io/illustrated-transformer/)を読みます。",
        "日本語の行\nEnglish line",
        "O(n²) の計算量。",
    ],
)
def test_unspaced_japanese_and_titles_are_not_flagged(text: str) -> None:
    assert [m for m in messages(text) if m.startswith("space")] == []


@pytest.mark.parametrize(
    ("text", "found", "fix"),
    [
        ("Ｑ１の答えです。", "Ｑ１", "Q1"),
        ("５１２次元です。", "５１２", "512"),
        ("自己注意（self-attention）です。", "（", "("),
        ("ｓｏｆｔｍａｘの出力です。", "ｓｏｆｔｍａｘ", "softmax"),
    ],
)
def test_full_width_letters_and_digits_are_flagged(text: str, found: str, fix: str) -> None:
    assert f'full-width "{found}": write half-width "{fix}"' in messages(text)


def test_half_width_and_japanese_symbols_are_not_flagged_as_full_width() -> None:
    assert messages("Q1は512次元、「」『』・〜も使えます。") == []


# --- the real catalogue ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def catalogue():
    return load()


def test_real_catalogue_gives_no_warning(catalogue) -> None:
    texts = list(catalogue_ja_texts(catalogue))
    assert len(texts) > 300  # every field is walked, not just a few
    found = [(where, m) for where, _, text in texts for m in messages(text)]
    assert found == []
    assert catalogue_style_warnings(catalogue) == []


def test_catalogue_walk_reaches_every_kind_of_text(catalogue) -> None:
    wheres = [where for where, _, _ in catalogue_ja_texts(catalogue)]
    for field in ("summary", "why", "highlights[0]", "caveats[0]"):
        assert any(w.startswith("resources[") and w.endswith(f".{field}") for w in wheres), field
    for prefix in ("topics[", "questions[", "paths[", "extras["):
        assert any(w.startswith(prefix) for w in wheres), prefix
    assert any(".answer" in w for w in wheres)
    assert any(".steps[" in w and w.endswith(".note") for w in wheres)


def test_catalogue_warning_points_at_the_field(catalogue) -> None:
    resource = catalogue.resources[0]
    bad = dataclasses.replace(
        resource,
        why=dataclasses.replace(resource.why, ja="この資料は入門に向く。"),
    )
    edited = dataclasses.replace(catalogue, resources=(bad, *catalogue.resources[1:]))
    warnings = catalogue_style_warnings(edited)
    assert len(warnings) == 1
    assert warnings[0].line == resource.lines["why"]
    assert warnings[0].message.startswith(f"resources[{resource.id}].why.ja: plain style ending")


# --- untrusted input ------------------------------------------------------------------------

_ALPHABET = st.sampled_from(
    list("自己注意はですます。る！だ「」『』()（）`*_ \nAaZ0９ｑリソース質問問い123元記事[]:/<>")
)


@settings(max_examples=300, deadline=None)
@given(st.text(_ALPHABET, max_size=300) | st.text(max_size=200))
def test_any_text_gives_well_formed_warnings(text: str) -> None:
    for line, message in japanese_style_problems(text):
        assert 0 <= line <= text.count("\n")
        assert message


def test_the_sites_japanese_ui_strings_follow_the_guide() -> None:
    # The style guide covers the site's own words too, not only the catalogue.
    from tools.site import i18n

    found = [
        f"{table}[{key}]: {message}"
        for table in dir(i18n)
        if isinstance(getattr(i18n, table), dict)
        for key, value in getattr(i18n, table).items()
        if isinstance(value, tuple) and value and isinstance(value[0], str)
        for _, message in japanese_style_problems(value[0])
    ]
    assert found == []


def test_demo_titles_and_summaries_follow_the_guide() -> None:
    from demos.framework import registry

    found = [
        f"{demo_id}.{name}: {message}"
        for demo_id in registry.DEMO_IDS
        for name in ("TITLE", "SUMMARY")
        for _, message in japanese_style_problems(getattr(registry.get(demo_id), name)["ja"])
    ]
    assert found == []

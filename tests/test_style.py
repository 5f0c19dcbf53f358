"""``tools.style``: conservative warnings for the Japanese voice and words."""

from __future__ import annotations

import pytest

from tools.style import WORDS, plain_ending, sentences, warnings


@pytest.mark.parametrize(
    ("sentence", "ending"),
    [
        ("自己注意は重みを内容から計算する", "する"),
        ("これは入門向けである", "である"),
        ("図が多くて分かりやすい説明だ", "だ"),
        ("学習は並列にできる", "できる"),
        ("前提が足りない場面がある", "ある"),
        ("リンクは確認できていない", "ない"),
        ("考えを改めるきっかけになる", "なる"),
        ("「注意とは何か」を説明している」", "している"),
        ("同じ計算をコードでも確かめられる", "られる"),
    ],
)
def test_plain_endings_are_found(sentence, ending) -> None:
    assert plain_ending(sentence) == ending


@pytest.mark.parametrize(
    "sentence",
    [
        "自己注意は重みを内容から計算します",
        "これは入門向けです",
        "リンクは確認できていません",
        "前提が足りない場面がありました",
        "以前は無料でした",
        "デモで確かめてください",
        "図を追うだけで全体像がつかめる解説",  # a noun ending (体言止め)
        "日本語で読める資料(スライドとみられる)",  # an aside after a noun
        "Attention Is All You Need",
        "詳しくは [デモ](https://example.org/ある) を見てください",  # link targets are not prose
    ],
)
def test_polite_and_noun_endings_pass(sentence) -> None:
    assert plain_ending(sentences(sentence)[-1] if sentences(sentence) else "") is None


def test_sentences_split_on_japanese_and_latin_stops() -> None:
    assert sentences("一つ目です。二つ目です！三つ目?\n四つ目") == [
        "一つ目です",
        "二つ目です",
        "三つ目",
        "四つ目",
    ]


def test_warnings_name_the_sentence_and_the_ending() -> None:
    assert warnings("最初の文です。次の文は並列にできる。") == [
        "「次の文は並列にできる」 ends in 「できる」: write です・ます調 (polite style)"
    ]


def test_forbidden_words_say_what_to_write() -> None:
    found = warnings("このリソースは、元記事の質問に答えます。")
    assert found == [f"「リソース」: {WORDS['リソース']}", f"「質問」: {WORDS['質問']}"]
    assert "資料" in WORDS["リソース"] and "疑問" in WORDS["質問"] and "疑問" in WORDS["問い"]


def test_english_text_gets_no_warning() -> None:
    assert warnings("It shows that attention is a weighted average.") == []

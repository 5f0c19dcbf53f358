"""Style warnings for the catalogue's Japanese text: one polite voice, one word for each thing.

What can be checked mechanically, and only conservatively, so a warning is worth reading:

- **Register**: the Japanese text is written in です・ます調. A sentence that ends in a plain-form
  verb or copula (である, だ, する, した, いる, ある, ない, できる, なる...) is reported. Sentences
  ending in a noun (体言止め, common in a one-line summary) or in です/ます are not.
- **Words**: :data:`WORDS` maps a word we do not use to the one we do (資料, not リソース).

Warnings never change the validator's exit status.
"""

from __future__ import annotations

import re

WORDS: dict[str, str] = {
    "リソース": "「資料」と書きます (resources are 資料)",
    "質問": "元記事の問いかけは「疑問」と呼びます (the article's questions are 疑問)",
    "問い": "元記事の問いかけは「疑問」と呼びます (the article's questions are 疑問)",
}
"""Words the Japanese text does not use, with what to write instead."""

PLAIN_ENDINGS = (
    "である",
    "であった",
    "だった",
    "だろう",
    "だ",
    "している",
    "していた",
    "する",
    "した",
    "いる",
    "いた",
    "ある",
    "あった",
    "ない",
    "なかった",
    "できる",
    "できた",
    "なる",
    "なった",
    "思う",
    "られる",
    "れる",
)
"""Sentence endings of the plain style (である調), longest first where one contains another."""

POLITE_ENDINGS = ("です", "ます", "でした", "ました", "ません", "でしょう", "ましょう", "ください")
"""Endings that are polite even though a plain one is their tail (ました ends in した)."""

_KANA = re.compile(r"[\u3040-\u30ff]")
_SENTENCE_END = re.compile(r"[。！？!?\n]+")
_TRAILING = "」』）)】]〕\"'・… 　*_"
_ASIDE = re.compile(r"(?:\s*[（(][^（()）]*[)）])+\s*$")
_CODE_OR_LINK = re.compile(r"`+[^`]*`+|\]\([^)]*\)|https?://\S+")


def sentences(text: str) -> list[str]:
    """The sentences of Japanese ``text`` (code spans and link targets removed)."""
    prose = _CODE_OR_LINK.sub(" ", text)
    return [s.strip() for s in _SENTENCE_END.split(prose) if s.strip()]


def plain_ending(sentence: str) -> str | None:
    """The plain-style ending ``sentence`` closes with, or None."""
    core = _ASIDE.sub("", sentence).rstrip(_TRAILING)
    if core.endswith(POLITE_ENDINGS):
        return None
    for ending in PLAIN_ENDINGS:
        if core.endswith(ending):
            return ending
    return None


def warnings(text: str) -> list[str]:
    """Every style warning for one Japanese text, in reading order (empty for other text)."""
    if not _KANA.search(text):
        return []
    found = []
    for sentence in sentences(text):
        ending = plain_ending(sentence)
        if ending:
            shown = sentence if len(sentence) <= 30 else "…" + sentence[-30:]
            found.append(f"「{shown}」 ends in 「{ending}」: write です・ます調 (polite style)")
    for word, instead in WORDS.items():
        if word in text:
            found.append(f"「{word}」: {instead}")
    return found

"""Style warnings for the catalogue's Japanese text: what the style guide says that a machine can check.

The guide (CONTRIBUTING.ja.md, 「書き方の決まり」) asks for です・ます調, no space between Japanese and
Latin letters or digits, half-width letters and digits, and a few fixed words. This module finds
the breaches it can be sure of and says how to fix each one; the validator reports them as
warnings, never as errors, because a heuristic must not block a contribution.

The checks are conservative on purpose:

* **Register.** Only a sentence closed by 「。」 or 「！」 outside any bracket is looked at, and only
  its last word. It is flagged when that word is a plain copula (だ, である), a plain verb ending
  (dictionary form such as する or 示す, past form such as した), ない, or an adjective from a short
  list (多い, 難しい, やすい ...). A noun phrase (体言止め, allowed in summaries and highlights) ends
  in a noun, so it passes: kana nouns that end like adjectives (違い, 扱い) or verbs (3つ, ひとつ)
  are left alone, and a sentence ending in a closing bracket or quote is not judged at all. A rare
  kana noun ending in る, く, す ... (e.g. あいだ) would be flagged; none is in the catalogue.
* **Words.** One table, :data:`WORD_RULES`; 質問 and 問い are flagged only where they name the
  source article's questions (質問2, 3つの問い, 元記事の質問), since 視覚的質問応答 and 問いと答え are
  ordinary Japanese.
* **Spacing and width.** A half-width space between a Japanese character and Latin text (a
  letter, a digit, inline code, or a parenthesis opening or closing it), except inside 「」 and
  『』, which hold titles and names in their published form; full-width Latin letters, digits
  and parentheses.

Text inside Markdown code spans, fenced code blocks and link targets is never checked.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tools.errors import Problem
from tools.values import Text, TextList

if TYPE_CHECKING:
    from tools.catalog import Catalogue

__all__ = [
    "WORD_RULES",
    "WordRule",
    "catalogue_ja_texts",
    "catalogue_style_warnings",
    "japanese_style_problems",
]


@dataclass(frozen=True)
class WordRule:
    """A word the guide replaces: where it is found (a regex), what to write instead, and why.

    ``replacement`` may refer to the pattern's groups (``\\1``), as in :meth:`re.Match.expand`.
    """

    pattern: str
    replacement: str
    reason: str


WORD_RULES: tuple[WordRule, ...] = (
    WordRule("リソース", "資料", "a catalogue entry is 資料; computing resources are 計算資源"),
    WordRule("元のリスト|元リスト", "元記事", "the starting article is 元記事"),
    WordRule(
        "未解決の(?:疑問|質問|問い)",
        "元記事の3つの疑問",
        "the article's questions go by one name, and the article answers 疑問1 itself",
    ),
    WordRule(
        "(?:元記事|元の記事)の(?:質問|問い)(?!合わせ|かけ)",
        "元記事の3つの疑問",
        "the article's questions go by one name",
    ),
    WordRule(
        "[3３三]つの(?:質問|問い)(?!合わせ|かけ)",
        "3つの疑問",
        "the article's questions are 元記事の3つの疑問",
    ),
    WordRule(
        "(?:質問|問い) ?([1-3１-３一二三])(?![0-9０-９])",
        "疑問\\1",
        "the article's questions are numbered as 疑問",
    ),
)
"""Forbidden words and their replacements, in one place (CONTRIBUTING.ja.md, 「日本語の用語」)."""

_WORD_PATTERNS = tuple((re.compile(rule.pattern), rule) for rule in WORD_RULES)

_JA = "\u3041-\u309f\u30a0-\u30ff\u3400-\u4dbf\u4e00-\u9fff\u3001\u3002\u300c-\u300f\u3005\u301c"
"""Japanese characters for the spacing rule: kana, kanji, 、。「」『』々〜."""
_LATIN_RUN = re.compile(
    f"(?P<left>(?<=[{_JA}]) +)?(?P<run>[A-Za-z0-9`(](?:[ -~]*[A-Za-z0-9`)])?)(?P<right> +(?=[{_JA}]))?"
)
"""Latin text (words, digits, inline code; spaces between them allowed), with the spaces that
separate it from Japanese on either side."""
_FULL_WIDTH = re.compile("[\uff08\uff09\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]+")
_QUOTED = re.compile("「[^」\n]*」|『[^』\n]*』")
_NEUTRAL = "\ufffc"

_FENCE = re.compile(r"^[ \t]*(```|~~~).*?(?:^[ \t]*\1[^\n]*$|\Z)", re.MULTILINE | re.DOTALL)
_CODE_SPAN = re.compile(r"(`+)(.+?)\1", re.DOTALL)
_LINK_TARGET = re.compile(r"\]\(([^)\s]*)")
_AUTOLINK = re.compile(r"<([A-Za-z][A-Za-z0-9+.\-]*:[^<>\s]*)>")

_OPEN = "「『(（【"
_CLOSE = "」』)）】"
_ENDERS = "。！"
_TRAILING_MARKUP = "*_~ \t"

_KANA_ADJECTIVES = ("ない", "しい", "やすい", "にくい", "よい", "いい", "(?<![いっ])たい")
_KANJI_ADJECTIVES = (
    "多い 高い 低い 近い 遠い 強い 弱い 長い 短い 早い 速い 遅い 良い 悪い 広い 狭い 深い 浅い "
    "重い 軽い 古い 若い 大きい 小さい 細かい 面白い 鋭い 薄い 厚い 濃い 硬い 固い 緩い 太い 細い "
    "暗い 明るい 易い 難い 温かい 柔らかい 賢い 手強い 心強い"
).split()

_PLAIN_ENDING = re.compile(
    r"(?P<ending>"
    r"である|であった|だった|(?<![でま])した|だ"
    r"|(?:" + "|".join(_KANA_ADJECTIVES) + r")"
    r"|(?:" + "|".join(_KANJI_ADJECTIVES) + r")"
    r"|[っれえいけせてねべめげきちにみりびじ]た"
    r"|(?<![ょよ])う"
    r"|(?<![まで])す"
    r"|(?<![0-9０-９一二三四五六七八九十幾とたっくず])つ"
    r"|[くぐぬぶむる]"
    r")$"
)
"""The last word of a sentence in plain style (its 「。」 already removed)."""

_POLITE_FIX = {
    "である": "です",
    "であった": "でした",
    "だった": "でした",
    "だ": "です",
    "した": "しました",
    "する": "します",
    "ある": "あります",
    "いる": "います",
    "なる": "なります",
    "できる": "できます",
    "ではない": "ではありません",
    "ない": "ません / ないです",
    "られる": "られます",
}
_POLITE_FIX_ORDER = sorted(_POLITE_FIX, key=len, reverse=True)


def _masked(text: str) -> str:
    """``text`` with code, link targets and autolinks replaced by ``x`` (same length, same lines)."""
    chars = list(text)

    def blank(start: int, end: int, code: bool) -> None:
        for i in range(start, end):
            if chars[i] != "\n":
                chars[i] = "x"
        if code:  # keep the backticks so a space next to inline code is still seen
            chars[start] = chars[end - 1] = "`"

    for match in _FENCE.finditer(text):
        blank(match.start(), match.end(), code=False)
    masked = "".join(chars)
    for match in _CODE_SPAN.finditer(masked):
        blank(match.start(), match.end(), code=True)
    for pattern in (_LINK_TARGET, _AUTOLINK):
        for match in pattern.finditer(text):
            blank(match.start(1), match.end(1), code=False)
    return "".join(chars)


def _line_of(text: str, index: int) -> int:
    return text.count("\n", 0, index)


def _sentence_ends(masked: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each sentence closed by 「。」/「！」 outside brackets; ``end`` is the mark."""
    spans: list[tuple[int, int]] = []
    depth = 0
    start = 0
    for i, char in enumerate(masked):
        if char in _OPEN:
            depth += 1
        elif char in _CLOSE:
            depth = max(depth - 1, 0)
        elif char == "\n":
            depth = 0
            start = i + 1
        elif char in _ENDERS and depth == 0:
            spans.append((start, i))
            start = i + 1
    return spans


def _register_problems(text: str, masked: str) -> list[tuple[int, str]]:
    problems = []
    for start, end in _sentence_ends(masked):
        body = masked[start:end].rstrip(_TRAILING_MARKUP)
        if not body or body[-1] in _CLOSE:
            continue
        match = _PLAIN_ENDING.search(body)
        if not match:
            continue
        ending = next(
            (key for key in _POLITE_FIX_ORDER if body.endswith(key)), match.group("ending")
        )
        if ending in _POLITE_FIX:
            fix = _POLITE_FIX[ending]
        elif ending.endswith("い"):
            fix = f"{ending}です"
        elif ending.endswith("た"):
            fix = "ました / でした"
        else:
            fix = "ます"
        tail = text[max(start, start + len(body) - 10) : end + 1]
        problems.append(
            (
                _line_of(text, end),
                f'plain style ending "{ending}{text[end]}" in "…{tail}": '
                f"write です・ます調 (…{fix}{text[end]})",
            )
        )
    return problems


def _word_problems(text: str, masked: str) -> list[tuple[int, str]]:
    problems = []
    for pattern, rule in _WORD_PATTERNS:
        for match in pattern.finditer(masked):
            problems.append(
                (
                    _line_of(text, match.start()),
                    f'"{match.group(0)}": write "{match.expand(rule.replacement)}" ({rule.reason})',
                )
            )
    return problems


def _unquoted(masked: str) -> str:
    """``masked`` with the inside of 「」 and 『』 neutralised: titles keep their published spacing."""
    return _QUOTED.sub(
        lambda m: m.group(0)[0] + _NEUTRAL * (len(m.group(0)) - 2) + m.group(0)[-1], masked
    )


def _spacing_problems(text: str, masked: str) -> list[tuple[int, str]]:
    problems = []
    for match in _LATIN_RUN.finditer(_unquoted(masked)):
        if not (match.group("left") or match.group("right")):
            continue
        start, end = match.start(), match.end()
        before = text[max(0, start - 3) : start].split("\n")[-1]
        after = text[end : end + 3].split("\n")[0]
        run = text[match.start("run") : match.end("run")]
        found = before + text[start:end] + after
        problems.append(
            (
                _line_of(text, start),
                f'space between Japanese and "{run}" in "{found}": '
                f'write "{before}{run}{after}" (no space between Japanese and Latin text)',
            )
        )
    for match in _FULL_WIDTH.finditer(masked):
        found = match.group(0)
        problems.append(
            (
                _line_of(text, match.start()),
                f'full-width "{found}": write half-width "{unicodedata.normalize("NFKC", found)}"',
            )
        )
    return problems


def japanese_style_problems(text: str) -> list[tuple[int, str]]:
    """Style problems in one Japanese text (a summary, a note, an answer ...).

    Args:
        text: The text as written in ``resources.yaml`` (Markdown; may span several lines).

    Returns:
        ``(line offset within text (0-based), message)`` for each problem, in order of line.
        Each message names the offending fragment and the fix, e.g.
        ``plain style ending "である。" in "…自己注意である。": write です・ます調 (…です。)``.
    """
    masked = _masked(text)
    problems = (
        _register_problems(text, masked)
        + _word_problems(text, masked)
        + _spacing_problems(text, masked)
    )
    return sorted(problems, key=lambda problem: problem[0])


def catalogue_ja_texts(catalogue: Catalogue) -> Iterator[tuple[str, int, str]]:
    """Every Japanese text of the catalogue, wherever it sits (resources, notes, answers, paths).

    Yields:
        ``(where, line, text)``: ``where`` names the field (``"resources[bertviz].caveats[1]"``),
        ``line`` is where that field starts in the file (or its record, when the field's own line
        is not known), ``text`` is the Japanese text.
    """
    yield from _walk(catalogue, "", 0)


def _walk(node: object, where: str, line: int) -> Iterator[tuple[str, int, str]]:
    if isinstance(node, Text):
        yield where, line, node.ja
    elif isinstance(node, TextList):
        for index, text in enumerate(node.ja):
            yield f"{where}[{index}]", line, text
    elif isinstance(node, (list, tuple)):
        for index, item in enumerate(node):
            yield from _walk(item, f"{where}[{getattr(item, 'id', index)}]", line)
    elif dataclasses.is_dataclass(node) and not isinstance(node, type):
        own = getattr(node, "line", 0) or line
        lines = getattr(node, "lines", {})
        for field in dataclasses.fields(node):
            name = field.name
            inner = f"{where}.{name}" if where else name
            yield from _walk(getattr(node, name), inner, lines.get(name, own))


def catalogue_style_warnings(catalogue: Catalogue) -> list[Problem]:
    """Style warnings for every Japanese text of ``catalogue``, as problems at the field's line.

    The line is where the field starts; a problem further down a multi-line text says which line
    of the text it is on.
    """
    warnings = []
    for where, line, text in catalogue_ja_texts(catalogue):
        for offset, message in japanese_style_problems(text):
            at = f" (line {offset + 1} of the text)" if offset else ""
            warnings.append(Problem(str(catalogue.path), line, f"{where}.ja{at}: {message}"))
    return warnings

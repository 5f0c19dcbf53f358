"""Every catalogue rule, shown with one bad edit of the valid fixture and the exact line reported.

Also the CLI contract: every problem printed as PATH:LINE: message, exit 0/1/2, writes nothing.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from catalogue_helpers import TODAY, VALID, edited, line_of, valid_text

from tools.catalog import CatalogueReadError, check
from tools.validate import main

REPO = Path(__file__).resolve().parent.parent

# (test id, (old, new) edit, [(snippet marking the reported line, message), ...])
RULES = [
    (
        "yaml-syntax",
        ("  - id: seq2seq\n", "  - id: [seq2seq\n"),
        [
            (
                "    label: {ja: 系列変換",
                "YAML syntax error: expected ',' or ']', but got ':' "
                "(while parsing a flow sequence started at line 8)",
            )
        ],
    ),
    (
        "duplicate-key",
        (
            "    url: https://jalammar.github.io/illustrated-transformer/\n",
            "    url: https://jalammar.github.io/illustrated-transformer/\n    title: Again\n",
        ),
        [
            (
                "title: Again",
                "resource 'illustrated-transformer': duplicate key 'title' (first at line 14)",
            )
        ],
    ),
    (
        "missing-field",
        (
            "    why: {ja: 全体の地図として読める。, en: It works as a rough map of the field.}\n",
            "",
        ),
        [("- id: ydc-nlp-ai-column", "resource 'ydc-nlp-ai-column': missing required field 'why'")],
    ),
    (
        "missing-top-level-key",
        ("version: 1\n", ""),
        [("topics:\n  - id: self", "the catalogue: missing required field 'version'")],
    ),
    ("version", ("version: 1\n", "version: 2\n"), [("version: 2", "version must be 1, not 2")]),
    (
        "type-int",
        ("    year: null\n", '    year: "2019"\n'),
        [
            (
                'year: "2019"',
                "resource 'ydc-nlp-ai-column' year must be an integer, null or {approx: YEAR}, not a string '2019'",
            )
        ],
    ),
    (
        "type-bool",
        ("answered_in_article: false", 'answered_in_article: "no"'),
        [
            (
                "answered_in_article",
                "question 'cnn-path-length' answered_in_article must be true or false, "
                "not a string 'no'",
            )
        ],
    ),
    (
        "type-list",
        ("    authors: []\n", "    authors: Someone\n"),
        [
            (
                "authors: Someone",
                "resource 'ydc-nlp-ai-column' authors must be a list, not a string 'Someone'",
            )
        ],
    ),
    (
        "type-text-mapping",
        (
            "    why: {ja: 全体の地図として読める。, en: It works as a rough map of the field.}",
            "    why: It works as a map.",
        ),
        [
            (
                "why: It works",
                "resource 'ydc-nlp-ai-column' why must be a mapping, not a string 'It works as a map.'",
            )
        ],
    ),
    (
        "allowed-type",
        ("    year: null\n    type: blog\n", "    year: null\n    type: podcast\n"),
        [
            (
                "type: podcast",
                "resource 'ydc-nlp-ai-column' type must be one of article, blog, video, paper, "
                "course, slides, wiki, not 'podcast'",
            )
        ],
    ),
    (
        "allowed-lang",
        ("    type: blog\n    lang: ja\n", "    type: blog\n    lang: fr\n"),
        [("lang: fr", "resource 'ydc-nlp-ai-column' lang must be one of ja, en, not 'fr'")],
    ),
    (
        "allowed-access",
        ("    lang: ja\n    access: free\n", "    lang: ja\n    access: paid\n"),
        [
            (
                "access: paid",
                "resource 'ydc-nlp-ai-column' access must be one of free, registration, paywall, unknown, "
                "not 'paid'",
            )
        ],
    ),
    (
        "allowed-level-with-hint",
        (
            "    access: free\n    level: beginner\n    topics: [self",
            "    access: free\n    level: beginer\n    topics: [self",
        ),
        [
            (
                "level: beginer",
                "resource 'ydc-nlp-ai-column' level must be one of beginner, intermediate, "
                "advanced, not 'beginer' (did you mean 'beginner'?)",
            )
        ],
    ),
    (
        "allowed-marks",
        ("marks: [starred, celebrated]", "marks: [starred, favourite]"),
        [
            (
                "favourite",
                "resource 'illustrated-transformer' marks[1] must be one of starred, celebrated, "
                "new, niche, not 'favourite'",
            )
        ],
    ),
    (
        "allowed-alternate-kind",
        ("kind: translation, lang: ja}", "kind: mirror, lang: ja}"),
        [
            (
                "kind: mirror",
                "resource 'illustrated-transformer' alternates[0] kind must be one of translation, "
                "moved, archive, companion, not 'mirror'",
            )
        ],
    ),
    (
        "allowed-extra-kind",
        ("    kind: source\n", "    kind: blog\n"),
        [
            (
                "kind: blog",
                "extra 'source-article' kind must be one of source, translation, explanation, "
                "related-article, not 'blog'",
            )
        ],
    ),
    (
        "unknown-key-suggestion",
        ("    caveats: {ja: [RNN", "    cavaets: {ja: [RNN"),
        [
            (
                "cavaets",
                "resource 'visualizing-nmt': unknown key 'cavaets' (did you mean 'caveats'?)",
            )
        ],
    ),
    (
        "unknown-key-no-suggestion",
        ("    publisher: YDC\n", "    publisher: YDC\n    colour: red\n"),
        [("colour", "resource 'ydc-nlp-ai-column': unknown key 'colour'")],
    ),
    (
        "unknown-top-level-key",
        ("extras:\n", "extra:\n  - 1\nextras:\n"),
        [("extra:\n", "the catalogue: unknown key 'extra' (did you mean 'extras'?)")],
    ),
    (
        "unique-resource-id",
        ("  - id: ydc-nlp-ai-column\n", "  - id: visualizing-nmt\n"),
        [
            (
                "  - id: visualizing-nmt\n    number: 6",
                "resource 'visualizing-nmt': duplicate resource id 'visualizing-nmt' "
                "(first at line 41, resource 'visualizing-nmt')",
            )
        ],
    ),
    (
        "unique-number",
        ("    number: 6\n", "    number: 12\n"),
        [
            (
                "number: 12\n    rank: null",
                "resource 'ydc-nlp-ai-column': duplicate resource number 12 "
                "(first at line 12, resource 'illustrated-transformer')",
            )
        ],
    ),
    (
        "unique-rank",
        ("    rank: null\n", "    rank: 1\n"),
        [
            (
                "rank: 1\n    title: (YDC",
                "resource 'ydc-nlp-ai-column': duplicate resource rank 1 "
                "(first at line 43, resource 'visualizing-nmt')",
            )
        ],
    ),
    (
        "rank-at-least-one",
        ("    rank: null\n", "    rank: 0\n"),
        [("rank: 0", "resource 'ydc-nlp-ai-column' rank must be 1 or more, not 0")],
    ),
    (
        "unique-topic-id",
        ("  - id: seq2seq\n", "  - id: transformer\n"),
        [
            (
                "  - id: transformer\n    label: {ja: 系列",
                "topic 'transformer': duplicate topic id 'transformer' "
                "(first at line 6, topic 'transformer')",
            ),
            (
                "topics: [seq2seq]",
                "resource 'visualizing-nmt' topics: unknown topic 'seq2seq'",
            ),
        ],
    ),
    (
        "unique-extra-id",
        ("  - id: tips-memo-attention\n", "  - id: source-article\n"),
        [
            (
                "  - id: source-article\n    title: Japanese",
                "extra 'source-article': duplicate extra id 'source-article' "
                "(first at line 84, extra 'source-article')",
            )
        ],
    ),
    (
        "duplicate-url-normalised",
        (
            "url: https://qiita.com/enoughspacefor/items/c9810d1065741a7f461c",
            "url: HTTP://JalAmmar.github.io:80/illustrated-transformer?utm_source=x&fbclid=1#top",
        ),
        [
            (
                "HTTP://JalAmmar",
                "extra 'source-article': URL HTTP://JalAmmar.github.io:80/illustrated-transformer"
                "?utm_source=x&fbclid=1#top is already listed at line 15 (resource "
                "'illustrated-transformer': https://jalammar.github.io/illustrated-transformer/)",
            )
        ],
    ),
    (
        "duplicate-url-alternate",
        (
            '{url: "https://tips-memo.com/translation-jayalmmar-transformer"',
            '{url: "https://tips-memo.com/translation-jayalmmar-attention/"',
        ),
        [
            (
                "url: https://tips-memo.com/translation-jayalmmar-attention\n",
                "extra 'tips-memo-attention': URL https://tips-memo.com/translation-jayalmmar-"
                "attention is already listed at line 17 (resource 'illustrated-transformer': "
                "https://tips-memo.com/translation-jayalmmar-attention/)",
            )
        ],
    ),
    (
        "url-javascript",
        ("url: https://jalammar.github.io/illustrated-transformer/", "url: javascript:alert(1)"),
        [
            (
                "javascript:alert",
                "resource 'illustrated-transformer' url 'javascript:alert(1)' is not an absolute "
                "http(s) URL: its scheme is 'javascript:'",
            )
        ],
    ),
    (
        "url-data",
        (
            "url: https://jalammar.github.io/illustrated-transformer/",
            'url: "data:text/html,hello"',
        ),
        [
            (
                "data:text",
                "resource 'illustrated-transformer' url 'data:text/html,hello' is not an absolute "
                "http(s) URL: its scheme is 'data:'",
            )
        ],
    ),
    (
        "url-ftp",
        (
            "url: https://tips-memo.com/translation-jayalmmar-attention",
            "url: ftp://tips-memo.com/x",
        ),
        [
            (
                "ftp://",
                "extra 'tips-memo-attention' url 'ftp://tips-memo.com/x' is not an absolute "
                "http(s) URL: its scheme is 'ftp:'",
            )
        ],
    ),
    (
        "url-relative",
        ("url: https://tips-memo.com/translation-jayalmmar-attention", "url: /translation"),
        [
            (
                "url: /translation",
                "extra 'tips-memo-attention' url '/translation' is not an absolute http(s) URL: "
                "it is relative",
            )
        ],
    ),
    (
        "url-null-needs-reason",
        ("    url_reason:\n", "    status_note:\n"),
        [
            (
                "    url: null",
                "resource 'ydc-nlp-ai-column': url is null, so url_reason is required "
                "(why the link is lost, how readers can help)",
            )
        ],
    ),
    (
        "url-reason-forbidden",
        ("    url: null\n", "    url: https://www.ydc.co.jp/column/\n"),
        [
            (
                "url_reason:",
                "resource 'ydc-nlp-ai-column': url_reason is only allowed when url is null",
            )
        ],
    ),
    (
        "unknown-topic",
        ("topics: [seq2seq]", "topics: [seq2sq]"),
        [
            (
                "[seq2sq]",
                "resource 'visualizing-nmt' topics: unknown topic 'seq2sq' "
                "(did you mean 'seq2seq'?)",
            )
        ],
    ),
    (
        "unknown-related",
        ("related: [visualizing-nmt]", "related: [nowhere]"),
        [("[nowhere]", "resource 'illustrated-transformer' related: unknown resource 'nowhere'")],
    ),
    (
        "related-self",
        ("related: [visualizing-nmt]", "related: [visualizing-nmt, illustrated-transformer]"),
        [
            (
                "related: [visualizing-nmt, illustrated-transformer]",
                "resource 'illustrated-transformer' related: a resource cannot be related to itself",
            )
        ],
    ),
    (
        "unknown-question-about",
        ("about: [illustrated-transformer]", "about: [illustrated-transformer-2]"),
        [
            (
                "about:",
                "question 'cnn-path-length' about: unknown resource 'illustrated-transformer-2' "
                "(did you mean 'illustrated-transformer'?)",
            )
        ],
    ),
    (
        "unknown-step-resource",
        ("      - resource: illustrated-transformer\n", "      - resource: sagan\n"),
        [("resource: sagan", "path 'first-steps' steps[1] resource: unknown resource 'sagan'")],
    ),
    (
        "unknown-extra-resource",
        ("    resource: visualizing-nmt\n", "    resource: visualising-nmt\n"),
        [
            (
                "resource: visualising-nmt",
                "extra 'tips-memo-attention' resource: unknown resource 'visualising-nmt' "
                "(did you mean 'visualizing-nmt'?)",
            )
        ],
    ),
    (
        "unknown-demo",
        ("demos: [seq2seq_attention]\n", "demos: [seq2seq_atention]\n"),
        [
            (
                "seq2seq_atention",
                "resource 'visualizing-nmt' demos: unknown demo 'seq2seq_atention' "
                "(did you mean 'seq2seq_attention'?)",
            )
        ],
    ),
    (
        "unknown-step-demo",
        ("        demo: seq2seq_attention\n", "        demo: rnn\n"),
        [("demo: rnn", "path 'first-steps' steps[0] demo: unknown demo 'rnn'")],
    ),
    (
        "resource-needs-a-demo",
        ("demos: [word_vectors]", "demos: []"),
        [("demos: []", "resource 'ydc-nlp-ai-column' demos must list at least one demo")],
    ),
    (
        "resource-needs-a-topic",
        ("topics: [seq2seq]", "topics: []"),
        [("topics: []", "resource 'visualizing-nmt' topics must list at least one topic")],
    ),
    (
        "bilingual-missing-language",
        ("label: {ja: 系列変換, en: Sequence to sequence}", "label: {ja: 系列変換}"),
        [("label: {ja: 系列変換}", "topic 'seq2seq' label: missing required field 'en'")],
    ),
    (
        "bilingual-empty",
        ("en: First steps}", "en: ''}"),
        [("en: ''}", "path 'first-steps' title.en is empty")],
    ),
    (
        "highlights-equal-length",
        (
            "en: [How the decoder weighs each source word]}",
            "en: [How the decoder weighs each source word, A second point]}",
        ),
        [
            (
                "    highlights: {ja: [デコーダ",
                "resource 'visualizing-nmt' highlights has 1 ja item(s) but 2 en item(s): "
                "each point needs both languages",
            )
        ],
    ),
    (
        "html-script",
        ("en: Get used to the idea of attention first.", "en: 'Get used to <script>x()</script>.'"),
        [
            (
                "<script>",
                "raw HTML in path 'first-steps' steps[0] note.en ('<script>'): "
                "write Markdown instead",
            )
        ],
    ),
    (
        "html-img-onerror",
        ("en: Then look at the whole model.", "en: 'Then <img src=x onerror=alert(1)> look.'"),
        [
            (
                "<img",
                "raw HTML in path 'first-steps' steps[1] note.en ('<img src=x onerror=alert(1)>'): "
                "write Markdown instead",
            )
        ],
    ),
    (
        "html-anchor",
        (
            "en: It works as a rough map of the field.",
            "en: 'See <a href=\"https://example.org\">this</a>.'",
        ),
        [
            (
                "<a href",
                "raw HTML in resource 'ydc-nlp-ai-column' why.en "
                "('<a href=\"https://example.org\">'): write Markdown instead",
            )
        ],
    ),
    (
        "html-comment",
        ("ja: 全体の地図として読める。", "ja: 全体の地図<!-- 隠し -->として読める。"),
        [
            (
                "<!--",
                "raw HTML in resource 'ydc-nlp-ai-column' why.ja ('<!--'): write Markdown instead",
            )
        ],
    ),
    (
        "markdown-javascript-link",
        (
            "en: It works as a rough map of the field.",
            "en: 'A [map](javascript:alert(1)) of the field.'",
        ),
        [
            (
                "javascript:",
                "unsafe link 'javascript:alert(1' in resource 'ydc-nlp-ai-column' why.en: "
                "only http(s) and mailto",
            )
        ],
    ),
    (
        "date-quoted-invalid",
        (
            "    added: 2020-10-27\n    summary: {ja: 注意",
            '    added: "2020-13-40"\n    summary: {ja: 注意',
        ),
        [
            (
                '"2020-13-40"',
                "invalid date '2020-13-40' in resource 'visualizing-nmt' added (expected YYYY-MM-DD)",
            )
        ],
    ),
    (
        "date-plain-invalid",
        ("    added: 2020-10-27\n    summary:\n", "    added: 2020-02-30\n    summary:\n"),
        [
            (
                "2020-02-30",
                "invalid date '2020-02-30' in resource 'illustrated-transformer' added "
                "(expected YYYY-MM-DD)",
            )
        ],
    ),
    (
        "date-future",
        ("    added: 2020-10-27\n    note", "    added: 2026-11-26\n    note"),
        [("2026-11-26", "extra 'source-article' added 2026-11-26 is in the future")],
    ),
    (
        "date-not-a-date",
        ("    added: 2020-10-27\n    note", "    added: 2020\n    note"),
        [
            (
                "added: 2020\n",
                "extra 'source-article' added must be a date (YYYY-MM-DD), not an integer '2020'",
            )
        ],
    ),
    (
        "year-approx-not-int",
        ("    year: null\n", "    year: {approx: soon}\n"),
        [
            (
                "approx: soon",
                "resource 'ydc-nlp-ai-column' year approx must be an integer, not a string 'soon'",
            )
        ],
    ),
    (
        "year-approx-misspelt",
        ("    year: null\n", "    year: {about: 2019}\n"),
        [
            (
                "about: 2019",
                "resource 'ydc-nlp-ai-column' year: unknown key 'about'",
            ),
            ("about: 2019", "resource 'ydc-nlp-ai-column' year: missing required field 'approx'"),
        ],
    ),
    (
        "year-approx-future",
        ("    year: null\n", "    year: {approx: 2030}\n"),
        [("approx: 2030", "resource 'ydc-nlp-ai-column' year approx 2030 is in the future")],
    ),
    (
        "year-too-early",
        ("    year: null\n", "    year: 1850\n"),
        [("year: 1850", "resource 'ydc-nlp-ai-column' year must be 1900 or more, not 1850")],
    ),
    (
        "added-bounds-reversed",
        (
            "    added: 2020-10-27\n    summary: {ja: 自然言語",
            "    added: {on_or_before: 2020-01-01, on_or_after: 2021-01-01}\n    summary: {ja: 自然言語",
        ),
        [
            (
                "on_or_before: 2020-01-01",
                "resource 'ydc-nlp-ai-column' added: on_or_after 2021-01-01 is later than "
                "on_or_before 2020-01-01",
            )
        ],
    ),
    (
        "added-empty-bounds",
        (
            "    added: 2020-10-27\n    summary: {ja: 自然言語",
            "    added: {}\n    summary: {ja: 自然言語",
        ),
        [
            (
                "added: {}",
                "resource 'ydc-nlp-ai-column' added needs on_or_before and/or on_or_after (or use null)",
            )
        ],
    ),
    (
        "added-misspelt-bound",
        (
            "    added: 2020-10-27\n    summary: {ja: 自然言語",
            "    added: {before: 2020-01-01}\n    summary: {ja: 自然言語",
        ),
        [
            (
                "before: 2020-01-01",
                "resource 'ydc-nlp-ai-column' added: unknown key 'before' (did you mean 'on_or_before'?)",
            )
        ],
    ),
    (
        "added-bound-invalid",
        (
            "    added: 2020-10-27\n    summary: {ja: 自然言語",
            "    added: {on_or_before: 2020-02-30}\n    summary: {ja: 自然言語",
        ),
        [
            (
                "on_or_before: 2020-02-30",
                "invalid date '2020-02-30' in resource 'ydc-nlp-ai-column' added on_or_before "
                "(expected YYYY-MM-DD)",
            )
        ],
    ),
    (
        "added-bound-future",
        (
            "    added: 2020-10-27\n    summary: {ja: 自然言語",
            "    added: {on_or_after: 2027-01-01}\n    summary: {ja: 自然言語",
        ),
        [
            (
                "on_or_after: 2027-01-01",
                "resource 'ydc-nlp-ai-column' added on_or_after 2027-01-01 is in the future",
            )
        ],
    ),
    (
        "added-list",
        (
            "    added: 2020-10-27\n    summary: {ja: 自然言語",
            "    added: [2020-10-27]\n    summary: {ja: 自然言語",
        ),
        [
            (
                "added: [2020-10-27]",
                "resource 'ydc-nlp-ai-column' added must be a date, null or a mapping with "
                "on_or_before and/or on_or_after, not a list",
            )
        ],
    ),
    (
        "one-line-field",
        (
            "en: A column giving an overview of language AI.",
            'en: "A column giving\\nan overview."',
        ),
        [
            (
                "an overview.",
                "resource 'ydc-nlp-ai-column' summary.en must be one line (no line breaks)",
            )
        ],
    ),
    (
        "tab-in-title",
        (
            "    title: (YDC Labコラム)分かった気になる自然言語AIの仕組み",
            '    title: "\\t(YDC Labコラム)"',
        ),
        [("(YDC Lab", "resource 'ydc-nlp-ai-column' title must not contain a tab")],
    ),
    (
        "title-too-long",
        ("    title: (YDC Labコラム)分かった気になる自然言語AIの仕組み", "    title: " + "x" * 301),
        [
            (
                "x" * 301,
                "resource 'ydc-nlp-ai-column' title is 301 characters long; the limit is 300",
            )
        ],
    ),
    (
        "id-too-long",
        ("  - id: ydc-nlp-ai-column", "  - id: " + "a" * 65),
        [
            (
                "a" * 65,
                f"resource '{'a' * 65}' id is 65 characters long; the limit is 64",
            )
        ],
    ),
    (
        "control-character",
        ("en: It works as a rough map of the field.", 'en: "It works\\x7f as a map."'),
        [("It works", "a control character U+007F in 'It works\\x7f as a map.'")],
    ),
    (
        "lone-surrogate",
        ("en: It works as a rough map of the field.", 'en: "It works\\ud800 as a map."'),
        [
            (
                "It works",
                "a lone surrogate U+D800 (not a Unicode character) in 'It works\\ud800 as a map.'",
            )
        ],
    ),
    (
        "html-entities",
        (
            "en: It works as a rough map of the field.",
            "en: It works &lt;img src=x onerror=alert(1)&gt;.",
        ),
        [
            (
                "It works",
                "raw HTML in resource 'ydc-nlp-ai-column' why.en ('<img src=x onerror=alert(1)>, "
                "spelt with character references'): write Markdown instead",
            )
        ],
    ),
    (
        "alias",
        ("    publisher: YDC\n", "    publisher: &p YDC\n    series: *p\n"),
        [("publisher: &p", "anchors (&p) are not allowed in the catalogue")],
    ),
    (
        "placeholder",
        ("en: A column giving an overview of language AI.", "en: 'TODO: one line'"),
        [("TODO", "placeholder text left in resource 'ydc-nlp-ai-column' summary.en")],
    ),
    (
        "slug",
        ("  - id: first-steps", "  - id: First_Steps"),
        [
            (
                "First_Steps",
                "path 'First_Steps' id 'First_Steps' must be a slug (a-z, 0-9 and single hyphens)",
            )
        ],
    ),
    (
        "unsupported-tag",
        ("    publisher: YDC\n", "    publisher: !!python/name:os.system YDC\n"),
        [
            (
                "publisher:",
                "unsupported YAML tag '!!python/name:os.system'",
            )
        ],
    ),
    (
        "merge-key",
        ("    publisher: YDC\n", "    <<: {publisher: YDC}\n"),
        [("<<:", "resource 'ydc-nlp-ai-column': merge keys (<<) are not supported")],
    ),
]


@pytest.mark.parametrize(("edit", "expected"), [r[1:] for r in RULES], ids=[r[0] for r in RULES])
def test_each_rule_reports_its_line(tmp_path, edit, expected) -> None:
    path = edited(tmp_path, edit)
    want = [f"{path}:{line_of(path, snippet)}: {message}" for snippet, message in expected]
    assert [str(p) for p in check(path, today=TODAY)] == sorted(
        want, key=lambda s: int(s.split(":")[1])
    )


def test_valid_fixture_has_no_problems() -> None:
    assert check(VALID, today=TODAY) == []


def test_duplicate_keys_report_both_lines(tmp_path) -> None:
    path = edited(tmp_path, ("  - id: visualizing-nmt\n", "  - id: visualizing-nmt\n    id: x\n"))
    first = line_of(path, "  - id: visualizing-nmt")
    assert [str(p) for p in check(path, today=TODAY)] == [
        f"{path}:{first + 1}: resource 'visualizing-nmt': duplicate key 'id' "
        f"(first at line {first})"
    ]


def test_several_problems_are_all_reported_sorted_by_line(tmp_path) -> None:
    path = edited(
        tmp_path,
        ("version: 1\n", "version: 3\n"),
        ("marks: [starred, celebrated]", "marks: [shiny]"),
        ("    summary: {ja: 自然言語", "    sumary: {ja: 自然言語"),
        ("demos: [cnn_vs_attention_path]", "demos: [cnn]"),
        ("en: From attention to the Transformer.}", "en: ''}"),
    )
    lines = [p.line for p in check(path, today=TODAY)]
    messages = [p.message for p in check(path, today=TODAY)]
    assert lines == sorted(lines)
    assert len(messages) == 6
    assert messages[0] == "version must be 1, not 3"
    assert "not 'shiny'" in messages[1]
    assert messages[2] == "resource 'ydc-nlp-ai-column': missing required field 'summary'"
    assert "unknown key 'sumary' (did you mean 'summary'?)" in messages[3]
    assert messages[4] == "question 'cnn-path-length' demos: unknown demo 'cnn'"
    assert messages[5] == "path 'first-steps' description.en is empty"


@pytest.mark.parametrize(
    ("content", "line", "message"),
    [
        ("", 1, "the catalogue is empty"),
        ("- a\n- b\n", 1, "the catalogue must be a mapping, not a list"),
        (
            "version: 1\n---\nversion: 1\n",
            2,
            "YAML syntax error: found another document (expected a single",
        ),
        ("version: 1\ntopics: {\n", 3, "YAML syntax error: expected the node content"),
        ("version: 1\n\tbad: tab\n", 2, "YAML syntax error:"),
    ],
)
def test_whole_file_problems(tmp_path, content, line, message) -> None:
    path = tmp_path / "resources.yaml"
    path.write_text(content, encoding="utf-8")
    problems = check(path, today=TODAY)
    assert problems[0].line == line
    assert problems[0].message.startswith(message)


def test_non_utf8_file_reports_the_line(tmp_path) -> None:
    path = tmp_path / "resources.yaml"
    path.write_bytes(valid_text().encode().replace(b"version: 1", b"version: 1 # \xff", 1))
    assert [str(p) for p in check(path)] == [f"{path}:2: not valid UTF-8 (byte 0xff)"]


def test_unreadable_file_raises_read_error(tmp_path) -> None:
    with pytest.raises(CatalogueReadError) as caught:
        check(tmp_path / "missing.yaml")
    assert "cannot read the catalogue" in str(caught.value)


# -- the CLI --------------------------------------------------------------------------------


def _cli(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-m", "tools.validate", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


def test_cli_valid_exits_0(tmp_path) -> None:
    done = _cli(str(VALID), "--today", TODAY.isoformat())
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout == ""
    assert done.stderr == f"{VALID}: valid (3 resources, 2 extras, 1 question, 1 path)\n"


def test_cli_invalid_prints_every_problem_and_exits_1(tmp_path) -> None:
    path = edited(
        tmp_path,
        ("version: 1\n", "version: 3\n"),
        ("demos: [cnn_vs_attention_path]", "demos: [cnn]"),
    )
    done = _cli("resources.yaml", "--today", TODAY.isoformat(), cwd=tmp_path)
    assert done.returncode == 1
    assert done.stdout.splitlines() == [
        f"resources.yaml:{line_of(path, 'version: 3')}: version must be 1, not 3",
        f"resources.yaml:{line_of(path, 'demos: [cnn]')}: "
        "question 'cnn-path-length' demos: unknown demo 'cnn'",
    ]
    assert done.stderr == "resources.yaml: 2 problems found\n"


def test_cli_defaults_to_resources_yaml_in_the_working_folder(tmp_path) -> None:
    edited(tmp_path, ("version: 1\n", "version: 3\n"))
    done = _cli(cwd=tmp_path)
    assert done.returncode == 1
    assert done.stdout.startswith("resources.yaml:2: version must be 1, not 3")


def test_cli_missing_file_exits_2(tmp_path) -> None:
    assert main([str(tmp_path / "nope.yaml")]) == 2


def test_cli_folder_exits_2(tmp_path, capsys) -> None:
    assert main([str(tmp_path)]) == 2
    assert "cannot read the catalogue" in capsys.readouterr().err


def test_cli_missing_file_wins_over_invalid(tmp_path) -> None:
    bad = edited(tmp_path, ("version: 1\n", "version: 3\n"))
    assert main([str(bad), str(tmp_path / "nope.yaml")]) == 2


def test_cli_several_files(tmp_path, capsys) -> None:
    bad = edited(tmp_path, ("version: 1\n", "version: 3\n"))
    assert main([str(VALID), str(bad), "--today", TODAY.isoformat()]) == 1
    out, err = capsys.readouterr()
    assert out == f"{bad}:2: version must be 1, not 3\n"
    assert err == "1 problem found in 1 of 2 files\n"


def test_cli_github_annotations(tmp_path, capsys) -> None:
    bad = edited(tmp_path, ("version: 1\n", "version: 3\n"))
    assert main([str(bad), "--format", "github"]) == 1
    assert capsys.readouterr().out == f"::error file={bad},line=2::version must be 1, not 3\n"


def test_cli_bad_today_is_a_usage_error(capsys) -> None:
    with pytest.raises(SystemExit) as caught:
        main([str(VALID), "--today", "2026-02-30"])
    assert caught.value.code == 2
    assert "not a date" in capsys.readouterr().err


def test_validation_writes_nothing(tmp_path) -> None:
    bad = edited(tmp_path, ("version: 1\n", "version: 3\n"))
    good = tmp_path / "good.yaml"
    good.write_bytes(VALID.read_bytes())
    past = 1_000_000_000
    for path in (bad, good):
        os.utime(path, (past, past))
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    assert _cli(str(bad), str(good)).returncode == 1
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before
    for path in (bad, good):
        assert path.stat().st_mtime == past


def test_real_catalogue_validates() -> None:
    real = REPO / "resources.yaml"
    done = _cli(str(real))
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize(
    ("data", "code", "out", "err"),
    [
        pytest.param(b"version: 1\n" + b"#" * 6_000_000, 2, "", "larger than", id="5-MB"),
        pytest.param(b"\x00\x01\x02binary", 1, ":1: a NUL byte", "1 problem found", id="binary"),
        pytest.param(b"", 1, ":1: the catalogue is empty", "1 problem found", id="empty"),
        pytest.param(
            b"version: 1\n\xff\n", 1, ":2: not valid UTF-8", "1 problem found", id="latin-1"
        ),
        pytest.param(
            b'"\\ud800": 1\n',
            1,
            ":1: a lone surrogate U+D800",
            "problems found",
            id="surrogate-key",
        ),
        pytest.param(
            b'"\\u202e\\x1b[31m": 1\n', 1, "in '\\u202e\\x1b[31m'", "problems found", id="bidi-key"
        ),
        pytest.param(b"[" * 100_000, 1, ":1: nesting deeper than", "1 problem found", id="deep"),
    ],
)
def test_cli_hostile_files_give_a_message_not_a_traceback(tmp_path, data, code, out, err) -> None:
    path = tmp_path / "resources.yaml"
    path.write_bytes(data)
    done = _cli(str(path))
    assert done.returncode == code, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    assert out in done.stdout and err in done.stderr
    for line in done.stdout.splitlines():
        assert line.startswith(f"{path}:") and line.isprintable()


def test_printed_messages_escape_what_the_file_smuggles(tmp_path, capsys) -> None:
    path = tmp_path / "resources.yaml"
    path.write_bytes(b'"\\ud800\\u202e": 1\n')
    assert main([str(path)]) == 1
    out = capsys.readouterr().out
    assert all(line.isprintable() for line in out.splitlines())
    assert "\ud800" not in out and "\u202e" not in out
    assert "unknown key '\\ud800\\u202e'" in out


def test_style_warnings_are_printed_with_their_lines_and_do_not_fail(tmp_path) -> None:
    path = edited(
        tmp_path,
        ("note: {ja: 次に全体像を見る。", "note: {ja: 次に全体像を見る。この資料は並列にできる。"),
        ("ja: [デコーダが各単語に重みを振る様子]", "ja: [このリソースの図]"),
    )
    done = _cli(str(path), "--today", TODAY.isoformat())
    assert done.returncode == 0, done.stdout + done.stderr
    step = line_of(path, "この資料は並列にできる")
    point = line_of(path, "このリソースの図")
    assert done.stdout.splitlines() == [
        f"{path}:{point}: warning: resource 'visualizing-nmt' highlights.ja[0]: "
        "「リソース」: 「資料」と書きます (resources are 資料)",
        f"{path}:{step}: warning: path 'first-steps' steps[1] note.ja: "
        "「この資料は並列にできる」 ends in 「できる」: write です・ます調 (polite style)",
    ]
    assert done.stderr.endswith(", 2 style warnings\n")


def test_style_warnings_as_github_annotations(tmp_path, capsys) -> None:
    path = edited(tmp_path, ("ja: [デコーダが各単語に重みを振る様子]", "ja: [このリソースの図]"))
    assert main([str(path), "--format", "github", "--today", TODAY.isoformat()]) == 0
    line = line_of(path, "このリソースの図")
    assert capsys.readouterr().out.startswith(f"::warning file={path},line={line}::resource ")


def test_real_catalogue_checks_well_within_a_second() -> None:
    check(REPO / "resources.yaml")  # warm: imports and the demo registry read once
    started = time.perf_counter()
    check(REPO / "resources.yaml")
    assert time.perf_counter() - started < 1

"""Charsets, titles and fingerprints (tools/linkcheck/htmltext.py)."""

from __future__ import annotations

import random

import pytest

from tools.linkcheck.htmltext import decode, distance, hex64, parse, simhash

TITLE = "自己注意機構：画像生成や機械翻訳"


@pytest.mark.parametrize("codec", ["shift_jis", "cp932", "euc_jp", "utf-8"])
def test_japanese_titles_from_meta_header_or_guess(codec):
    body = f"<html><head><title>{TITLE}</title></head><body><p>本文の段落です。</p></body></html>"
    raw = body.encode(codec)
    assert parse(raw, f"text/html; charset={codec.replace('_', '-')}").title == TITLE
    with_meta = f'<meta charset="{codec}">'.encode() + raw
    assert parse(with_meta, "text/html").title == TITLE
    assert parse(raw, "text/html").title == TITLE  # no declaration at all: guessed


def test_http_equiv_meta_and_bom():
    raw = (
        '<meta http-equiv="Content-Type" content="text/html; charset=EUC-JP"><title>'
        + TITLE
        + "</title>"
    ).encode("euc_jp")
    assert parse(raw).title == TITLE
    assert decode(b"\xef\xbb\xbf<title>x</title>")[1] == "utf-8"


def test_cut_in_the_middle_of_a_character_still_decodes():
    raw = f"<title>{TITLE}</title><p>{'あ' * 100}".encode()
    assert parse(raw[:-1]).title == TITLE
    assert parse(f"<title>{TITLE}</title>{'あ' * 100}".encode("euc_jp")[:-1]).title == TITLE


def test_text_skips_scripts_and_keeps_headings():
    p = parse(b"<title> A  title </title><script>var x='hidden';</script><h1>Head</h1><p>Body</p>")
    assert p.title == "A title" and p.headings == ["Head"] and "hidden" not in p.text


def test_simhash_near_for_small_edits_far_for_other_pages():
    rng = random.Random(3)
    words = "attention query key value softmax head layer token model weights".split()
    a = " ".join(rng.choice(words) for _ in range(500))
    b = a + " a small note added at the end"
    other = " ".join(
        rng.choice("cat dog sale domain buy price offer now".split()) for _ in range(500)
    )
    assert distance(simhash(a), simhash(b)) <= 4
    assert distance(simhash(a), simhash(other)) > 18
    ja = "自己注意は系列の各位置が他の全位置を参照する仕組みです" * 10
    assert distance(simhash(ja), simhash(ja + "補足")) <= 4
    assert len(hex64(simhash(a))) == 16 and simhash("") == 0

"""Tests of the NumPy reference implementations (demos.attention.reference), float64, atol 1e-12."""

from __future__ import annotations

import math

import numpy as np
import pytest

from demos.attention import reference

ATOL = 1e-12


@pytest.fixture
def rng():
    return np.random.default_rng(7)


def test_softmax_rows_sum_to_one_and_survive_large_inputs():
    x = np.array([[1000.0, 1001.0, 999.0], [0.0, 0.0, 0.0]])
    s = reference.softmax(x)
    assert np.allclose(s.sum(axis=-1), 1.0, atol=ATOL)
    assert np.allclose(s[1], 1 / 3, atol=ATOL)
    assert np.all(np.isfinite(s))


def test_softmax_of_minus_inf_is_zero_and_all_minus_inf_is_nan():
    s = reference.softmax(np.array([2.0, 1.0, -np.inf]))
    assert s[2] == 0.0 and math.isclose(s[0], math.e / (math.e + 1))
    with np.errstate(invalid="ignore"):
        assert np.isnan(reference.softmax(np.array([-np.inf, -np.inf]))).all()


def test_scaled_dot_product_attention_matches_the_formula(rng):
    q, k, v = rng.standard_normal((4, 3)), rng.standard_normal((5, 3)), rng.standard_normal((5, 2))
    out, w = reference.scaled_dot_product_attention(q, k, v)
    scores = q @ k.T / math.sqrt(3)
    expected_w = np.exp(scores) / np.exp(scores).sum(axis=1, keepdims=True)
    assert np.allclose(w, expected_w, atol=ATOL)
    assert np.allclose(out, expected_w @ v, atol=ATOL)
    assert out.shape == (4, 2) and w.shape == (4, 5)


def test_mask_gives_exactly_zero_weight(rng):
    q = k = v = rng.standard_normal((4, 3))
    _, w = reference.scaled_dot_product_attention(q, k, v, reference.causal_mask(4))
    assert np.all(w[np.triu_indices(4, 1)] == 0.0)
    assert np.allclose(w.sum(axis=-1), 1.0, atol=ATOL)


def test_padding_mask_marks_real_tokens():
    assert reference.padding_mask([3, 1], 3).tolist() == [[True, True, True], [True, False, False]]


def _params(rng, C):
    p = {f"w_{n}": rng.standard_normal((C, C)) / math.sqrt(C) for n in "qkvo"}
    p.update({f"b_{n}": rng.standard_normal(C) * 0.1 for n in "qkvo"})
    return p


def test_multi_head_attention_equals_per_head_attention_by_hand(rng):
    B, T, C, H = 2, 5, 8, 2
    x, p = rng.standard_normal((B, T, C)), _params(rng, C)
    out, w = reference.multi_head_attention(x, p, H)
    hd = C // H
    q, k, v = (x @ p[f"w_{n}"].T + p[f"b_{n}"] for n in "qkv")
    heads = []
    for h in range(H):
        sl = slice(h * hd, (h + 1) * hd)
        o, wh = reference.scaled_dot_product_attention(q[..., sl], k[..., sl], v[..., sl])
        assert np.allclose(w[:, h], wh, atol=ATOL)
        heads.append(o)
    expected = np.concatenate(heads, axis=-1) @ p["w_o"].T + p["b_o"]
    assert out.shape == (B, T, C) and w.shape == (B, H, T, T)
    assert np.allclose(out, expected, atol=ATOL)


def test_multi_head_attention_masks_padding_and_future(rng):
    B, T, C = 2, 4, 8
    x, p = rng.standard_normal((B, T, C)), _params(rng, C)
    keep = reference.padding_mask([4, 2], T)
    out, w = reference.multi_head_attention(
        x, p, 2, causal_mask=reference.causal_mask(T), padding_mask=keep
    )
    assert np.all(w[1][:, :, 2:] == 0.0)
    assert np.all(w[:, :, 0, 1:] == 0.0)
    alone, _ = reference.multi_head_attention(x[1:, :2], p, 2, causal_mask=reference.causal_mask(2))
    assert np.allclose(out[1, :2], alone[0], atol=ATOL)


def test_multi_head_attention_rejects_width_not_divisible(rng):
    with pytest.raises(ValueError, match="C=6 is not divisible by n_head=4"):
        reference.multi_head_attention(rng.standard_normal((1, 2, 6)), _params(rng, 6), 4)


def test_sinusoidal_encoding_values_and_relative_property():
    pe = reference.sinusoidal_positional_encoding(50, 16)
    assert pe.shape == (50, 16)
    assert np.allclose(pe[0, 0::2], 0.0) and np.allclose(pe[0, 1::2], 1.0)
    assert math.isclose(pe[3, 0], math.sin(3)) and math.isclose(
        pe[3, 3], math.cos(3 / 10000 ** (2 / 16))
    )
    gram = pe @ pe.T
    assert np.ptp(np.diag(gram, 7)) < 1e-10
    with pytest.raises(ValueError, match="C=5 must be even"):
        reference.sinusoidal_positional_encoding(4, 5)


def test_additive_attention_matches_the_formula_and_masks(rng):
    keys, query = rng.standard_normal((6, 4)), rng.standard_normal(3)
    w_q, w_k, v = rng.standard_normal((5, 3)), rng.standard_normal((5, 4)), rng.standard_normal(5)
    ctx, w = reference.additive_attention(query, keys, keys, w_q, w_k, v)
    scores = np.array([v @ np.tanh(w_q @ query + w_k @ key) for key in keys])
    expected = np.exp(scores) / np.exp(scores).sum()
    assert np.allclose(w, expected, atol=ATOL) and np.allclose(ctx, expected @ keys, atol=ATOL)
    mask = np.array([True, True, False, True, False, True])
    _, wm = reference.additive_attention(query, keys, keys, w_q, w_k, v, mask)
    assert np.all(wm[~mask] == 0.0) and math.isclose(wm.sum(), 1.0)
    ctx2, w2 = reference.additive_attention(np.stack([query, query]), keys, keys, w_q, w_k, v)
    assert w2.shape == (2, 6) and np.allclose(w2[1], w, atol=ATOL) and ctx2.shape == (2, 4)


@pytest.mark.parametrize("chunk", [1, 7, 64, 200])
def test_chunked_attention_equals_naive(rng, chunk):
    q, k, v = (rng.standard_normal((100, 8)) * 3 for _ in range(3))
    assert np.allclose(
        reference.chunked_attention(q, k, v, chunk), reference.naive_attention(q, k, v), atol=ATOL
    )


def test_chunked_attention_rejects_empty_chunks(rng):
    q = rng.standard_normal((4, 2))
    with pytest.raises(ValueError, match="chunk_size must be at least 1, got 0"):
        reference.chunked_attention(q, q, q, 0)

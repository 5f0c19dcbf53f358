"""Hand-written PyTorch attention against PyTorch's own and the NumPy reference.

Tolerances: float64 atol 1e-10 (same formula, different summation order); float32 atol 1e-5
(single precision with inputs of unit scale).
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn

from demos.attention import reference
from demos.attention.torch_attention import (
    MultiHeadSelfAttention,
    TransformerEncoderLayer,
    causal_mask,
    chunked_attention,
    naive_attention,
    padding_mask,
    scaled_dot_product_attention,
)

ATOL64 = 1e-10
ATOL32 = 1e-5


def _qkv(B=2, H=3, T=7, D=8, dtype=torch.float64, seed=0):
    g = torch.Generator().manual_seed(seed)
    return tuple(torch.randn(B, H, T, D, generator=g, dtype=dtype) for _ in range(3))


def test_mask_helpers():
    assert causal_mask(3).tolist() == [
        [True, False, False],
        [True, True, False],
        [True, True, True],
    ]
    assert padding_mask([2, 3], 3).tolist() == [[True, True, False], [True, True, True]]


@pytest.mark.parametrize("dtype,atol", [(torch.float64, ATOL64), (torch.float32, ATOL32)])
def test_sdpa_matches_torch_without_masks(dtype, atol):
    q, k, v = _qkv(dtype=dtype)
    y, att = scaled_dot_product_attention(q, k, v)
    torch.testing.assert_close(y, F.scaled_dot_product_attention(q, k, v), atol=atol, rtol=0)
    torch.testing.assert_close(att.sum(-1), torch.ones_like(att.sum(-1)), atol=atol, rtol=0)


def test_sdpa_matches_torch_with_causal_and_padding_masks():
    q, k, v = _qkv()
    T = q.size(-2)
    causal, keep = causal_mask(T), padding_mask([7, 4], T)
    y, att = scaled_dot_product_attention(q, k, v, causal_mask=causal)
    torch.testing.assert_close(
        y, F.scaled_dot_product_attention(q, k, v, is_causal=True), atol=ATOL64, rtol=0
    )
    y, att = scaled_dot_product_attention(q, k, v, causal, keep)
    both = causal[None, None] & keep[:, None, None, :]  # (B, 1, T, T)
    torch.testing.assert_close(
        y, F.scaled_dot_product_attention(q, k, v, attn_mask=both), atol=ATOL64, rtol=0
    )
    assert torch.all(att[1, :, :, 4:] == 0)
    assert torch.all(att.masked_select(~causal) == 0)


def test_sdpa_matches_numpy_reference():
    q, k, v = _qkv()
    y, att = scaled_dot_product_attention(q, k, v, causal_mask(7))
    ref_y, ref_att = reference.scaled_dot_product_attention(
        q.numpy(), k.numpy(), v.numpy(), reference.causal_mask(7)
    )
    np.testing.assert_allclose(y.numpy(), ref_y, atol=ATOL64, rtol=0)
    np.testing.assert_allclose(att.numpy(), ref_att, atol=ATOL64, rtol=0)


def _pair(C=16, H=4, dtype=torch.float32, bias=True):
    torch.manual_seed(1)
    mine = MultiHeadSelfAttention(C, H, bias=bias).to(dtype)
    theirs = nn.MultiheadAttention(C, H, batch_first=True, bias=bias).to(dtype)
    return mine, theirs


@pytest.mark.parametrize("dtype,atol", [(torch.float64, ATOL64), (torch.float32, ATOL32)])
def test_mhsa_equals_nn_multiheadattention(dtype, atol):
    mine, theirs = _pair(dtype=dtype)
    mine.copy_into_torch(theirs)
    x = torch.randn(3, 6, 16, generator=torch.Generator().manual_seed(2), dtype=dtype)
    keep = padding_mask([6, 3, 1], 6)
    causal = causal_mask(6)
    with torch.no_grad():
        y, att = mine(x, causal_mask=causal, padding_mask=keep)
        y_t, att_t = theirs(
            x, x, x, key_padding_mask=~keep, attn_mask=~causal, average_attn_weights=False
        )
    torch.testing.assert_close(y, y_t, atol=atol, rtol=0)
    torch.testing.assert_close(att, att_t, atol=atol, rtol=0)
    with torch.no_grad():
        y, _ = mine(x)
        y_t, _ = theirs(x, x, x)
    torch.testing.assert_close(y, y_t, atol=atol, rtol=0)


def test_mhsa_without_bias_equals_nn_multiheadattention():
    mine, theirs = _pair(bias=False)
    mine.copy_into_torch(theirs)
    x = torch.randn(2, 5, 16)
    with torch.no_grad():
        torch.testing.assert_close(mine(x)[0], theirs(x, x, x)[0], atol=ATOL32, rtol=0)


def test_mhsa_equals_numpy_reference():
    torch.manual_seed(3)
    mine = MultiHeadSelfAttention(16, 4).double()
    x = torch.randn(2, 5, 16, dtype=torch.float64)
    keep = padding_mask([5, 2], 5)
    with torch.no_grad():
        y, att = mine(x, causal_mask=causal_mask(5), padding_mask=keep)
    ref_y, ref_att = reference.multi_head_attention(
        x.numpy(), mine.params_numpy(), 4, reference.causal_mask(5), keep.numpy()
    )
    np.testing.assert_allclose(y.numpy(), ref_y, atol=ATOL64, rtol=0)
    np.testing.assert_allclose(att.numpy(), ref_att, atol=ATOL64, rtol=0)


def test_mhsa_refuses_mismatched_modules():
    with pytest.raises(
        ValueError, match=r"embed_dim=16, num_heads=2\) does not match .*n_embd=16, n_head=4"
    ):
        MultiHeadSelfAttention(16, 4).copy_into_torch(nn.MultiheadAttention(16, 2))
    with pytest.raises(ValueError, match="n_embd=10 is not divisible by n_head=4"):
        MultiHeadSelfAttention(10, 4)


def test_encoder_layer_equals_nn_transformer_encoder_layer():
    torch.manual_seed(4)
    mine = TransformerEncoderLayer(16, 4).double().eval()
    theirs = (
        nn.TransformerEncoderLayer(
            16, 4, dim_feedforward=64, dropout=0.0, activation="gelu", batch_first=True
        )
        .double()
        .eval()
    )
    mine.attn.copy_into_torch(theirs.self_attn)
    with torch.no_grad():
        theirs.linear1.load_state_dict(mine.mlp[0].state_dict())
        theirs.linear2.load_state_dict(mine.mlp[2].state_dict())
        theirs.norm1.load_state_dict(mine.ln_1.state_dict())
        theirs.norm2.load_state_dict(mine.ln_2.state_dict())
        x = torch.randn(2, 5, 16, dtype=torch.float64)
        keep = padding_mask([5, 3], 5)
        y, att = mine(x, padding_mask=keep)
        y_t = theirs(x, src_key_padding_mask=~keep)
    assert att.shape == (2, 4, 5, 5)
    torch.testing.assert_close(y[:, :3], y_t[:, :3], atol=ATOL64, rtol=0)
    torch.testing.assert_close(y[0], y_t[0], atol=ATOL64, rtol=0)


@pytest.mark.parametrize("causal", [False, True])
@pytest.mark.parametrize("chunk", [1, 5, 16, 64])
def test_chunked_attention_equals_sdpa_float64(causal, chunk):
    q, k, v = _qkv(T=37, dtype=torch.float64)
    expected = F.scaled_dot_product_attention(q, k, v, is_causal=causal)
    torch.testing.assert_close(
        chunked_attention(q, k, v, chunk, causal), expected, atol=ATOL64, rtol=0
    )
    torch.testing.assert_close(naive_attention(q, k, v, causal), expected, atol=ATOL64, rtol=0)


def test_chunked_attention_float32_large_scores_stay_exact():
    q, k, v = _qkv(B=1, H=1, T=300, D=64, dtype=torch.float32)
    q = q * 4  # large scores: the online softmax must rescale its running sums correctly
    expected = naive_attention(q, k, v)
    torch.testing.assert_close(chunked_attention(q, k, v, 32), expected, atol=ATOL32, rtol=0)
    np.testing.assert_allclose(
        chunked_attention(q[0, 0], k[0, 0], v[0, 0], 32).numpy(),
        reference.naive_attention(
            q[0, 0].double().numpy(), k[0, 0].double().numpy(), v[0, 0].double().numpy()
        ),
        atol=ATOL32,
    )


def test_chunked_attention_rejects_empty_chunks():
    q, k, v = _qkv()
    with pytest.raises(ValueError, match="chunk_size must be at least 1, got 0"):
        chunked_attention(q, k, v, 0)

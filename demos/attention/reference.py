"""NumPy reference implementations of attention: the plain formulas, no framework.

Shapes follow the PyTorch code: ``T`` tokens, ``C`` model width, ``n_head`` heads of
``head_dim = C // n_head``. Masks are boolean with True meaning "may attend".
"""

from __future__ import annotations

import math

import numpy as np


def softmax(x: np.ndarray, axis: int = -1) -> np.ndarray:
    """Numerically stable softmax along ``axis``; a row of only ``-inf`` gives NaN.

    Args:
        x: Scores of any shape.
        axis: The axis that sums to 1.
    """
    shifted = x - np.max(x, axis=axis, keepdims=True)
    e = np.exp(shifted)
    return e / np.sum(e, axis=axis, keepdims=True)


def scaled_dot_product_attention(
    q: np.ndarray, k: np.ndarray, v: np.ndarray, mask: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """softmax(q k^T / sqrt(d_k)) v.

    Args:
        q: Queries, shape ``(..., T_q, d_k)``.
        k: Keys, shape ``(..., T_k, d_k)``.
        v: Values, shape ``(..., T_k, d_v)``.
        mask: Boolean, broadcastable to ``(..., T_q, T_k)``; False positions get weight 0.

    Returns:
        ``(output (..., T_q, d_v), weights (..., T_q, T_k))``.
    """
    d_k = q.shape[-1]
    scores = q @ np.swapaxes(k, -1, -2) / math.sqrt(d_k)  # (..., T_q, T_k)
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)
    weights = softmax(scores, axis=-1)
    return weights @ v, weights


def causal_mask(T: int) -> np.ndarray:
    """Boolean ``(T, T)`` mask: token i may attend to tokens 0..i."""
    return np.tril(np.ones((T, T), dtype=bool))


def padding_mask(lengths: list[int] | np.ndarray, T: int) -> np.ndarray:
    """Boolean ``(B, T)`` mask: True for real tokens, False for padding."""
    return np.arange(T)[None, :] < np.asarray(lengths)[:, None]


def multi_head_attention(
    x: np.ndarray,
    params: dict[str, np.ndarray],
    n_head: int,
    causal_mask: np.ndarray | None = None,
    padding_mask: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Multi-head self-attention with weights laid out like ``torch.nn.Linear`` (out, in).

    Args:
        x: Input, shape ``(B, T, C)``.
        params: ``w_q, w_k, w_v, w_o`` of shape ``(C, C)`` and ``b_q, b_k, b_v, b_o`` of shape
            ``(C,)``; ``y = x @ w.T + b``.
        n_head: Number of heads; must divide ``C``.
        causal_mask: Boolean ``(T, T)``, True where a query may see a key.
        padding_mask: Boolean ``(B, T)``, True for real tokens (keys that may be attended).

    Returns:
        ``(output (B, T, C), weights (B, n_head, T, T))``.
    """
    B, T, C = x.shape
    if C % n_head:
        raise ValueError(f"model width C={C} is not divisible by n_head={n_head}")
    head_dim = C // n_head

    def project(name: str) -> np.ndarray:
        y = x @ params[f"w_{name}"].T + params[f"b_{name}"]  # (B, T, C)
        return y.reshape(B, T, n_head, head_dim).transpose(0, 2, 1, 3)  # (B, n_head, T, head_dim)

    q, k, v = project("q"), project("k"), project("v")
    mask = np.ones((B, 1, T, T), dtype=bool)
    if causal_mask is not None:
        mask = mask & causal_mask[None, None, :, :]
    if padding_mask is not None:
        mask = mask & padding_mask[:, None, None, :]
    out, weights = scaled_dot_product_attention(q, k, v, mask)  # (B, n_head, T, head_dim)
    out = out.transpose(0, 2, 1, 3).reshape(B, T, C)  # (B, T, C)
    return out @ params["w_o"].T + params["b_o"], weights


def sinusoidal_positional_encoding(T: int, C: int) -> np.ndarray:
    """The Transformer's sinusoidal encoding, shape ``(T, C)``.

    ``PE[pos, 2i] = sin(pos / 10000^(2i/C))`` and ``PE[pos, 2i+1] = cos(...)``.
    """
    if C % 2:
        raise ValueError(f"positional encoding width C={C} must be even")
    position = np.arange(T)[:, None]  # (T, 1)
    div = np.exp(np.arange(0, C, 2) * (-math.log(10000.0) / C))  # (C/2,)
    pe = np.zeros((T, C))
    pe[:, 0::2] = np.sin(position * div)
    pe[:, 1::2] = np.cos(position * div)
    return pe


def additive_attention(
    query: np.ndarray,
    keys: np.ndarray,
    values: np.ndarray,
    w_query: np.ndarray,
    w_key: np.ndarray,
    v: np.ndarray,
    mask: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Additive (Bahdanau) attention: score_j = v . tanh(W_q query + W_k key_j).

    Args:
        query: Decoder state, shape ``(d_q,)`` or ``(T_q, d_q)``.
        keys: Encoder states, shape ``(T_k, d_k)``.
        values: What is averaged, shape ``(T_k, d_v)`` (often the keys themselves).
        w_query: Shape ``(d_a, d_q)``.
        w_key: Shape ``(d_a, d_k)``.
        v: Shape ``(d_a,)``.
        mask: Boolean ``(T_k,)`` or ``(T_q, T_k)``; False positions get weight 0.

    Returns:
        ``(context (..., d_v), weights (..., T_k))``.
    """
    q = np.atleast_2d(query) @ w_query.T  # (T_q, d_a)
    kk = keys @ w_key.T  # (T_k, d_a)
    scores = np.tanh(q[:, None, :] + kk[None, :, :]) @ v  # (T_q, T_k)
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)
    weights = softmax(scores, axis=-1)
    context = weights @ values  # (T_q, d_v)
    if query.ndim == 1:
        return context[0], weights[0]
    return context, weights


def naive_attention(q: np.ndarray, k: np.ndarray, v: np.ndarray) -> np.ndarray:
    """softmax(q k^T / sqrt(d)) v holding the whole ``(T, T)`` score matrix at once."""
    return scaled_dot_product_attention(q, k, v)[0]


def chunked_attention(
    q: np.ndarray, k: np.ndarray, v: np.ndarray, chunk_size: int = 128
) -> np.ndarray:
    """The same result as :func:`naive_attention`, one ``(chunk, chunk)`` block at a time.

    Uses the online softmax: per query row a running maximum ``m``, a running denominator and
    a running weighted sum, rescaled by ``exp(m_old - m_new)`` whenever the maximum grows.

    Args:
        q: ``(T, d)``.
        k: ``(T, d)``.
        v: ``(T, d_v)``.
        chunk_size: Block length for queries and keys.
    """
    if chunk_size < 1:
        raise ValueError(f"chunk_size must be at least 1, got {chunk_size}")
    T, d = q.shape
    scale = 1.0 / math.sqrt(d)
    out = np.empty((T, v.shape[1]), dtype=np.result_type(q, v))
    for q0 in range(0, T, chunk_size):
        q_blk = q[q0 : q0 + chunk_size] * scale  # (Tq, d)
        m = np.full((q_blk.shape[0], 1), -np.inf, dtype=out.dtype)  # (Tq, 1)
        denom = np.zeros_like(m)  # (Tq, 1)
        acc = np.zeros((q_blk.shape[0], v.shape[1]), dtype=out.dtype)  # (Tq, d_v)
        for k0 in range(0, k.shape[0], chunk_size):
            s = q_blk @ k[k0 : k0 + chunk_size].T  # (Tq, Tk)
            m_new = np.maximum(m, s.max(axis=1, keepdims=True))
            p = np.exp(s - m_new)  # (Tq, Tk)
            correction = np.exp(m - m_new)
            denom = denom * correction + p.sum(axis=1, keepdims=True)
            acc = acc * correction + p @ v[k0 : k0 + chunk_size]
            m = m_new
        out[q0 : q0 + chunk_size] = acc / denom
    return out

"""Hand-written attention in PyTorch, in the style of nanoGPT.

Conventions: ``B`` batch, ``T`` tokens, ``C`` model width, ``n_head`` heads of
``head_dim = C // n_head``. Boolean masks mean "may attend" (True = keep):
``causal_mask`` is ``(T_q, T_k)`` and ``padding_mask`` is ``(B, T_k)`` with True for real tokens.
PyTorch's own modules use the opposite convention for ``key_padding_mask`` (True = ignore):
pass them ``~padding_mask``.
"""

from __future__ import annotations

import math

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn


def causal_mask(T: int, device: str | torch.device = "cpu") -> torch.Tensor:
    """Boolean ``(T, T)`` mask: query i may attend to keys 0..i."""
    return torch.ones(T, T, dtype=torch.bool, device=device).tril()


def padding_mask(lengths: list[int], T: int, device: str | torch.device = "cpu") -> torch.Tensor:
    """Boolean ``(B, T)`` mask: True for the first ``lengths[b]`` tokens of sequence b."""
    positions = torch.arange(T, device=device)  # (T,)
    return positions[None, :] < torch.tensor(lengths, device=device)[:, None]  # (B, T)


def scaled_dot_product_attention(
    q: torch.Tensor,
    k: torch.Tensor,
    v: torch.Tensor,
    causal_mask: torch.Tensor | None = None,
    padding_mask: torch.Tensor | None = None,
) -> tuple[torch.Tensor, torch.Tensor]:
    """softmax(q k^T / sqrt(head_dim)) v, returning the weights too.

    Args:
        q: ``(B, n_head, T_q, head_dim)``.
        k: ``(B, n_head, T_k, head_dim)``.
        v: ``(B, n_head, T_k, head_dim)``.
        causal_mask: Boolean ``(T_q, T_k)``, True where a query may see a key.
        padding_mask: Boolean ``(B, T_k)``, True for real (non-padding) keys.

    Returns:
        ``(y (B, n_head, T_q, head_dim), att (B, n_head, T_q, T_k))``.
    """
    head_dim = q.size(-1)
    att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(head_dim))  # (B, n_head, T_q, T_k)
    if causal_mask is not None:
        att = att.masked_fill(~causal_mask[None, None, :, :], float("-inf"))
    if padding_mask is not None:
        att = att.masked_fill(~padding_mask[:, None, None, :], float("-inf"))
    att = F.softmax(att, dim=-1)
    y = att @ v  # (B, n_head, T_q, head_dim)
    return y, att


class MultiHeadSelfAttention(nn.Module):
    """Multi-head self-attention written out by hand.

    The parameters are laid out like ``nn.MultiheadAttention``'s (``c_attn`` is its
    ``in_proj`` with queries, keys and values stacked; ``c_proj`` is its ``out_proj``), so
    :meth:`copy_into_torch` gives both the same weights.
    """

    def __init__(self, n_embd: int, n_head: int, bias: bool = True):
        super().__init__()
        if n_embd % n_head:
            raise ValueError(f"n_embd={n_embd} is not divisible by n_head={n_head}")
        self.n_embd = n_embd
        self.n_head = n_head
        self.head_dim = n_embd // n_head
        self.c_attn = nn.Linear(n_embd, 3 * n_embd, bias=bias)
        self.c_proj = nn.Linear(n_embd, n_embd, bias=bias)

    def forward(
        self,
        x: torch.Tensor,
        causal_mask: torch.Tensor | None = None,
        padding_mask: torch.Tensor | None = None,
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Attend within ``x`` of shape ``(B, T, C)``.

        Returns:
            ``(y (B, T, C), att (B, n_head, T, T))`` (weights per head, not averaged).
        """
        B, T, C = x.size()
        q, k, v = self.c_attn(x).split(self.n_embd, dim=2)  # 3 x (B, T, C)
        q = q.view(B, T, self.n_head, self.head_dim).transpose(1, 2)  # (B, n_head, T, head_dim)
        k = k.view(B, T, self.n_head, self.head_dim).transpose(1, 2)  # (B, n_head, T, head_dim)
        v = v.view(B, T, self.n_head, self.head_dim).transpose(1, 2)  # (B, n_head, T, head_dim)
        y, att = scaled_dot_product_attention(q, k, v, causal_mask, padding_mask)
        y = y.transpose(1, 2).contiguous().view(B, T, C)  # (B, T, C): heads side by side again
        return self.c_proj(y), att

    @torch.no_grad()
    def copy_into_torch(self, mha: nn.MultiheadAttention) -> nn.MultiheadAttention:
        """Copy these weights into an ``nn.MultiheadAttention`` with the same width and heads."""
        self._check_compatible(mha)
        mha.in_proj_weight.copy_(self.c_attn.weight)
        mha.out_proj.weight.copy_(self.c_proj.weight)
        if self.c_attn.bias is not None:
            mha.in_proj_bias.copy_(self.c_attn.bias)
            mha.out_proj.bias.copy_(self.c_proj.bias)
        return mha

    def _check_compatible(self, mha: nn.MultiheadAttention) -> None:
        if mha.embed_dim != self.n_embd or mha.num_heads != self.n_head:
            raise ValueError(
                f"nn.MultiheadAttention(embed_dim={mha.embed_dim}, num_heads={mha.num_heads}) "
                f"does not match MultiHeadSelfAttention(n_embd={self.n_embd}, n_head={self.n_head})"
            )
        if mha.in_proj_weight is None:
            raise ValueError("nn.MultiheadAttention with separate q/k/v widths is not supported")
        if (mha.in_proj_bias is None) != (self.c_attn.bias is None):
            raise ValueError("bias setting differs between the two modules")

    def params_numpy(self) -> dict[str, np.ndarray]:
        """The weights as float64 NumPy arrays in the layout of
        :func:`demos.attention.reference.multi_head_attention` (zero biases when the module has
        none)."""
        C = self.n_embd

        def grab(t: torch.Tensor | None, shape: tuple[int, ...]) -> np.ndarray:
            return (
                np.zeros(shape) if t is None else t.detach().cpu().double().numpy().reshape(shape)
            )

        w_q, w_k, w_v = grab(self.c_attn.weight, (3, C, C))  # (3C, C) -> 3 x (C, C)
        b_q, b_k, b_v = grab(self.c_attn.bias, (3, C))  # (3C,) -> 3 x (C,)
        return {
            "w_q": w_q, "w_k": w_k, "w_v": w_v, "w_o": grab(self.c_proj.weight, (C, C)),
            "b_q": b_q, "b_k": b_k, "b_v": b_v, "b_o": grab(self.c_proj.bias, (C,)),
        }  # fmt: skip


class TransformerEncoderLayer(nn.Module):
    """A tiny post-norm encoder layer: self-attention and a feed-forward block, each residual."""

    def __init__(self, n_embd: int, n_head: int, ff_mult: int = 4, dropout: float = 0.0):
        super().__init__()
        self.attn = MultiHeadSelfAttention(n_embd, n_head)
        self.ln_1 = nn.LayerNorm(n_embd)
        self.mlp = nn.Sequential(
            nn.Linear(n_embd, ff_mult * n_embd), nn.GELU(), nn.Linear(ff_mult * n_embd, n_embd)
        )
        self.ln_2 = nn.LayerNorm(n_embd)
        self.dropout = nn.Dropout(dropout)

    def forward(
        self,
        x: torch.Tensor,
        causal_mask: torch.Tensor | None = None,
        padding_mask: torch.Tensor | None = None,
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Encode ``x`` of shape ``(B, T, C)``; returns ``(y (B, T, C), att (B, n_head, T, T))``."""
        a, att = self.attn(x, causal_mask, padding_mask)
        x = self.ln_1(x + self.dropout(a))  # (B, T, C)
        x = self.ln_2(x + self.dropout(self.mlp(x)))  # (B, T, C)
        return x, att


def naive_attention(
    q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, causal: bool = False
) -> torch.Tensor:
    """Attention that materialises the full ``(..., T, T)`` score matrix (the O(T^2) way)."""
    T_q, T_k = q.size(-2), k.size(-2)
    mask = causal_mask(T_k, q.device)[-T_q:] if causal else None
    if q.dim() == 3:
        y, _ = scaled_dot_product_attention(q[None], k[None], v[None], mask)
        return y[0]
    return scaled_dot_product_attention(q, k, v, mask)[0]


def chunked_attention(
    q: torch.Tensor,
    k: torch.Tensor,
    v: torch.Tensor,
    chunk_size: int = 128,
    causal: bool = False,
) -> torch.Tensor:
    """Exact attention computed block by block with an online softmax (the FlashAttention idea).

    Queries are taken ``chunk_size`` at a time and keys ``chunk_size`` at a time, so at most a
    ``(..., chunk_size, chunk_size)`` block of scores exists at once: the extra memory grows
    linearly with T instead of quadratically. For each query row we keep the running maximum
    ``m``, the running sum of exponentials ``denom`` and the running weighted sum ``acc``; when
    a new block raises the maximum, the old sums are rescaled by ``exp(m_old - m_new)``.

    Args:
        q: ``(..., T, head_dim)``.
        k: ``(..., T, head_dim)``.
        v: ``(..., T, head_dim)``.
        chunk_size: Block length for queries and keys.
        causal: Query i sees keys 0..i only.

    Returns:
        ``(..., T, head_dim)``, equal to softmax(q k^T / sqrt(head_dim)) v up to rounding.
    """
    if chunk_size < 1:
        raise ValueError(f"chunk_size must be at least 1, got {chunk_size}")
    T, head_dim = q.size(-2), q.size(-1)
    scale = 1.0 / math.sqrt(head_dim)
    out = torch.empty_like(q)
    for q0 in range(0, T, chunk_size):
        q_blk = q[..., q0 : q0 + chunk_size, :] * scale  # (..., Tq, head_dim)
        Tq = q_blk.size(-2)
        m = torch.full((*q_blk.shape[:-1], 1), float("-inf"), dtype=q.dtype, device=q.device)
        denom = torch.zeros_like(m)  # (..., Tq, 1)
        acc = torch.zeros_like(q_blk)  # (..., Tq, head_dim)
        k_end = min(q0 + Tq, k.size(-2)) if causal else k.size(-2)
        for k0 in range(0, k_end, chunk_size):
            k_blk = k[..., k0 : k0 + chunk_size, :]  # (..., Tk, head_dim)
            v_blk = v[..., k0 : k0 + chunk_size, :]  # (..., Tk, head_dim)
            s = q_blk @ k_blk.transpose(-2, -1)  # (..., Tq, Tk)
            if causal and k0 + k_blk.size(-2) > q0:
                rows = torch.arange(q0, q0 + Tq, device=q.device)[:, None]  # (Tq, 1)
                cols = torch.arange(k0, k0 + k_blk.size(-2), device=q.device)[None, :]  # (1, Tk)
                s = s.masked_fill(cols > rows, float("-inf"))
            m_new = torch.maximum(m, s.amax(dim=-1, keepdim=True))  # (..., Tq, 1)
            p = torch.exp(s - m_new)  # (..., Tq, Tk)
            correction = torch.exp(m - m_new)  # (..., Tq, 1): rescales the old sums
            denom = denom * correction + p.sum(dim=-1, keepdim=True)
            acc = acc * correction + p @ v_blk
            m = m_new
        out[..., q0 : q0 + Tq, :] = acc / denom
    return out

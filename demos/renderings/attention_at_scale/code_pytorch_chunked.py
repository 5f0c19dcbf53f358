# demos.attention.torch_attention.chunked_attention
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

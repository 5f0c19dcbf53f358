# demos.attention.reference.chunked_attention
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

# demos.attention.reference.scaled_dot_product_attention
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

# demos.attention.reference.additive_attention
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

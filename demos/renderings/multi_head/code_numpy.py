# demos.attention.reference.multi_head_attention
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

# demos.attention.torch_attention.scaled_dot_product_attention
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

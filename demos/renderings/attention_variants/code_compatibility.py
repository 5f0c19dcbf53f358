# demos.gallery.attention_variants.compatibility
def compatibility(
    name: str, q: torch.Tensor, k: torch.Tensor, params: dict[str, torch.Tensor]
) -> torch.Tensor:
    """Score every query against every key.

    Args:
        name: One of :data:`COMPATIBILITIES`.
        q: Queries, shape ``(T_q, d)``.
        k: Keys, shape ``(T_k, d)``.
        params: ``W`` ``(d, d)`` for "general"; ``W_q``, ``W_k`` ``(d_a, d)`` and ``v``
            ``(d_a,)`` for "additive".

    Returns:
        Energies, shape ``(T_q, T_k)``.

    Raises:
        ValueError: ``name`` is not a known compatibility function.
    """
    d = q.shape[-1]
    if name == "dot":
        return q @ k.T  # (T_q, T_k)
    if name == "scaled dot":
        return q @ k.T / math.sqrt(d)
    if name == "general":
        return q @ params["W"] @ k.T  # q^T W k for every pair
    if name == "additive":
        qa = q @ params["W_q"].T  # (T_q, d_a)
        ka = k @ params["W_k"].T  # (T_k, d_a)
        return torch.tanh(qa[:, None, :] + ka[None, :, :]) @ params["v"]  # (T_q, T_k)
    if name == "cosine":
        qn = q / q.norm(dim=-1, keepdim=True)
        kn = k / k.norm(dim=-1, keepdim=True)
        return qn @ kn.T
    raise ValueError(f"unknown compatibility function {name!r} (choose from {COMPATIBILITIES})")

# demos.gallery.attention_variants.sparsemax
def sparsemax(scores: torch.Tensor) -> torch.Tensor:
    """Sparsemax along the last dimension: the Euclidean projection onto the simplex.

    Martins and Astudillo (2016): sort the scores, find the largest support size ``k`` with
    ``1 + k z_(k) > sum_{j<=k} z_(j)``, set the threshold ``tau`` so the kept scores sum to one.

    Args:
        scores: Any shape ``(..., T)``.

    Returns:
        Weights of the same shape, non-negative, summing to one along the last dimension,
        with exact zeros for scores below the threshold.
    """
    z, _ = torch.sort(scores, dim=-1, descending=True)  # (..., T)
    T = scores.shape[-1]
    k = torch.arange(1, T + 1, device=scores.device, dtype=scores.dtype)  # (T,)
    cumsum = torch.cumsum(z, dim=-1)  # (..., T)
    in_support = 1 + k * z > cumsum  # (..., T), True for a prefix of the sorted scores
    support = in_support.sum(dim=-1, keepdim=True)  # (..., 1)
    tau = (torch.gather(cumsum, -1, support - 1) - 1) / support.to(scores.dtype)  # (..., 1)
    return torch.clamp(scores - tau, min=0)

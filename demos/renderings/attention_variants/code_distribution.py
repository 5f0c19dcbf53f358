# demos.gallery.attention_variants.distribution
def distribution(name: str, energies: torch.Tensor) -> torch.Tensor:
    """Turn energies into attention weights along the last dimension.

    Args:
        name: One of :data:`DISTRIBUTIONS`.
        energies: Shape ``(..., T_k)``.

    Raises:
        ValueError: ``name`` is not a known distribution function.
    """
    if name == "softmax":
        return torch.softmax(energies, dim=-1)
    if name == "sparsemax":
        return sparsemax(energies)
    if name == "sigmoid":
        return torch.sigmoid(energies)
    raise ValueError(f"unknown distribution function {name!r} (choose from {DISTRIBUTIONS})")

# demos.gallery.cnn_vs_attention_path.formula_layers
def formula_layers(kind: str, n: int, k: int = KERNEL) -> int:
    """Layers a convolution stack needs so that output n-1 depends on input 0.

    Causal: each layer reaches k-1 further back, so ``ceil((n-1)/(k-1))``. Centred: only
    (k-1)/2 of that is on the left, so ``ceil((n-1)/((k-1)/2))``. Dilated by ``k**l``: after L
    layers the reach is ``(k-1)(1 + k + ... + k**(L-1)) = k**L - 1``, so ``ceil(log_k n)``.
    """
    if kind == "causal":
        return -(-(n - 1) // (k - 1))
    if kind == "centred":
        return -(-(n - 1) // ((k - 1) // 2))
    if kind == "dilated":
        layers = 0
        while k**layers < n:
            layers += 1
        return layers
    raise ValueError(f"unknown convolution kind {kind!r} (choose from {KINDS})")

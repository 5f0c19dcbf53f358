# demos.gallery.cnn_vs_attention_path.layers_to_connect
def layers_to_connect(stack: ConvStack, n: int, device: str, dtype: torch.dtype) -> int:
    """Smallest depth whose output at n-1 has a non-zero derivative w.r.t. the input at 0.

    Once a path exists it stays (every later layer keeps it), so the depth is found by
    bisection: about log2(depth) backward passes instead of one per layer.

    Returns:
        The depth (1-based), or 0 when even the full stack does not connect them.
    """
    x = torch.randn(1, CHANNELS, n, device=device, dtype=dtype, requires_grad=True)
    outs = stack(x)

    def connected(depth: int) -> bool:
        out = outs[depth - 1]  # (1, C, n)
        (grad,) = torch.autograd.grad(out[0, :, n - 1].sum(), x, retain_graph=True)
        return bool((grad[0, :, 0] != 0).any())

    lo, hi = 1, len(outs)
    if not connected(hi):
        return 0
    while lo < hi:
        mid = (lo + hi) // 2
        if connected(mid):
            hi = mid
        else:
            lo = mid + 1
    return lo

# demos.cnn_vs_attention_path.layers_to_connect
def layers_to_connect(stack: ConvStack, n: int, device: str, dtype: torch.dtype) -> int:
    """Smallest depth whose output at n-1 has a non-zero derivative w.r.t. the input at 0.

    Returns:
        The depth (1-based), or 0 when even the full stack does not connect them.
    """
    x = torch.randn(1, CHANNELS, n, device=device, dtype=dtype, requires_grad=True)
    outs = stack(x)
    for depth, out in enumerate(outs, start=1):
        (grad,) = torch.autograd.grad(out[0, :, n - 1].sum(), x, retain_graph=True)
        if bool((grad[0, :, 0] != 0).any()):
            return depth
    return 0

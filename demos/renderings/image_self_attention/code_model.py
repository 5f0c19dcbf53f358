# demos.gallery.image_self_attention.SelfAttention2d
class SelfAttention2d(nn.Module):
    """The attention of SAGAN (Zhang et al.) over a ``(B, C, H, W)`` feature map.

    ``f`` (keys) and ``g`` (queries) are 1 x 1 convolutions; the scores are their raw dot
    products, as in SAGAN. SAGAN reduces the channels to C/8 on its wide feature maps; this map
    has only ``C`` = 5 channels, so ``f`` and ``g`` keep 5. The values here are the noisy
    colours themselves (SAGAN's ``h`` is the identity and there is no residual ``gamma``): the
    output is the denoised image.
    """

    def __init__(self, channels: int, inner: int):
        super().__init__()
        self.f = nn.Conv2d(channels, inner, 1)
        self.g = nn.Conv2d(channels, inner, 1)

    def forward(self, x: torch.Tensor, values: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Attend over pixels.

        Args:
            x: Features ``(B, C, H, W)`` that give queries and keys.
            values: What is averaged, ``(B, C_v, H, W)``.

        Returns:
            ``(o (B, C_v, H, W), beta (B, N, N))`` with ``N = H * W``; ``beta[b, j, i]`` is how
            much output pixel ``j`` takes from pixel ``i`` (rows sum to 1, ``beta[b, j, j] = 0``).
        """
        B, C, H, W = x.shape
        N = H * W
        key = self.f(x).view(B, -1, N)  # (B, C', N)
        query = self.g(x).view(B, -1, N)  # (B, C', N)
        scores = query.transpose(1, 2) @ key  # (B, N, N): SAGAN uses the raw dot product
        self_mask = torch.eye(N, dtype=torch.bool, device=x.device)  # (N, N): a pixel and itself
        scores = scores.masked_fill(self_mask, float("-inf"))  # no copying of its own noise
        beta = torch.softmax(scores, dim=-1)  # (B, N, N): row j sums to 1 over pixels i
        flat = values.view(B, values.shape[1], N)  # (B, C_v, N)
        o = (flat @ beta.transpose(1, 2)).view(values.shape)  # (B, C_v, H, W): sum_i beta_ji v_i
        return o, beta

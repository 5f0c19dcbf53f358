# demos.image_self_attention.SelfAttention2d
class SelfAttention2d(nn.Module):
    """The self-attention block of SAGAN (Zhang et al. 2019) over a ``(B, C, H, W)`` map.

    ``f`` (keys) and ``g`` (queries) are 1 x 1 convolutions to ``inner`` channels (SAGAN uses
    C/8), ``h`` (values) keeps ``C``; the block returns ``x + gamma * v(o)``, where SAGAN
    starts ``gamma`` at 0 so that the network learns how much attention to use.
    """

    def __init__(self, channels: int, inner: int):
        super().__init__()
        self.f = nn.Conv2d(channels, inner, 1)
        self.g = nn.Conv2d(channels, inner, 1)
        self.h = nn.Conv2d(channels, channels, 1)
        self.v = nn.Conv2d(channels, channels, 1)
        self.gamma = nn.Parameter(torch.zeros(1))

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Return ``(y (B, C, H, W), o (B, C, H, W), beta (B, N, N))`` with ``N = H * W``.

        ``beta[b, j, i]`` is how much output pixel ``j`` takes from pixel ``i``; rows sum to 1.
        """
        B, C, H, W = x.shape
        N = H * W
        key = self.f(x).view(B, -1, N)  # (B, C', N)
        query = self.g(x).view(B, -1, N)  # (B, C', N)
        value = self.h(x).view(B, C, N)  # (B, C, N)
        scores = query.transpose(1, 2) @ key  # (B, N, N): SAGAN uses the raw dot product
        beta = torch.softmax(scores, dim=-1)  # (B, N, N): row j sums to 1 over pixels i
        o = (value @ beta.transpose(1, 2)).view(B, C, H, W)  # (B, C, H, W): o_j = sum_i beta_ji h_i
        return x + self.gamma * self.v(o), o, beta

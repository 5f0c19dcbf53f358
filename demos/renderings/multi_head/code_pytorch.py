# demos.attention.torch_attention.MultiHeadSelfAttention
class MultiHeadSelfAttention(nn.Module):
    """Multi-head self-attention written out by hand.

    The parameters are laid out like ``nn.MultiheadAttention``'s (``c_attn`` is its
    ``in_proj`` with queries, keys and values stacked; ``c_proj`` is its ``out_proj``), so
    :meth:`copy_into_torch` gives both the same weights.
    """

    def __init__(self, n_embd: int, n_head: int, bias: bool = True):
        super().__init__()
        if n_embd % n_head:
            raise ValueError(f"n_embd={n_embd} is not divisible by n_head={n_head}")
        self.n_embd = n_embd
        self.n_head = n_head
        self.head_dim = n_embd // n_head
        self.c_attn = nn.Linear(n_embd, 3 * n_embd, bias=bias)
        self.c_proj = nn.Linear(n_embd, n_embd, bias=bias)

    def forward(
        self,
        x: torch.Tensor,
        causal_mask: torch.Tensor | None = None,
        padding_mask: torch.Tensor | None = None,
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Attend within ``x`` of shape ``(B, T, C)``.

        Returns:
            ``(y (B, T, C), att (B, n_head, T, T))`` (weights per head, not averaged).
        """
        B, T, C = x.size()
        q, k, v = self.c_attn(x).split(self.n_embd, dim=2)  # 3 x (B, T, C)
        q = q.view(B, T, self.n_head, self.head_dim).transpose(1, 2)  # (B, n_head, T, head_dim)
        k = k.view(B, T, self.n_head, self.head_dim).transpose(1, 2)  # (B, n_head, T, head_dim)
        v = v.view(B, T, self.n_head, self.head_dim).transpose(1, 2)  # (B, n_head, T, head_dim)
        y, att = scaled_dot_product_attention(q, k, v, causal_mask, padding_mask)
        y = y.transpose(1, 2).contiguous().view(B, T, C)  # (B, T, C): heads side by side again
        return self.c_proj(y), att

    @torch.no_grad()
    def copy_into_torch(self, mha: nn.MultiheadAttention) -> nn.MultiheadAttention:
        """Copy these weights into an ``nn.MultiheadAttention`` with the same width and heads."""
        self._check_compatible(mha)
        mha.in_proj_weight.copy_(self.c_attn.weight)
        mha.out_proj.weight.copy_(self.c_proj.weight)
        if self.c_attn.bias is not None:
            mha.in_proj_bias.copy_(self.c_attn.bias)
            mha.out_proj.bias.copy_(self.c_proj.bias)
        return mha

    def _check_compatible(self, mha: nn.MultiheadAttention) -> None:
        if mha.embed_dim != self.n_embd or mha.num_heads != self.n_head:
            raise ValueError(
                f"nn.MultiheadAttention(embed_dim={mha.embed_dim}, num_heads={mha.num_heads}) "
                f"does not match MultiHeadSelfAttention(n_embd={self.n_embd}, n_head={self.n_head})"
            )
        if mha.in_proj_weight is None:
            raise ValueError("nn.MultiheadAttention with separate q/k/v widths is not supported")
        if (mha.in_proj_bias is None) != (self.c_attn.bias is None):
            raise ValueError("bias setting differs between the two modules")

    def params_numpy(self) -> dict[str, np.ndarray]:
        """The weights as float64 NumPy arrays in the layout of
        :func:`demos.attention.reference.multi_head_attention` (zero biases when the module has
        none)."""
        C = self.n_embd

        def grab(t: torch.Tensor | None, shape: tuple[int, ...]) -> np.ndarray:
            return (
                np.zeros(shape) if t is None else t.detach().cpu().double().numpy().reshape(shape)
            )

        w_q, w_k, w_v = grab(self.c_attn.weight, (3, C, C))  # (3C, C) -> 3 x (C, C)
        b_q, b_k, b_v = grab(self.c_attn.bias, (3, C))  # (3C,) -> 3 x (C,)
        return {
            "w_q": w_q, "w_k": w_k, "w_v": w_v, "w_o": grab(self.c_proj.weight, (C, C)),
            "b_q": b_q, "b_k": b_k, "b_v": b_v, "b_o": grab(self.c_proj.bias, (C,)),
        }  # fmt: skip

# demos.gallery.seq2seq_attention.AdditiveAttention
class AdditiveAttention(nn.Module):
    """Bahdanau attention: ``e_j = v . tanh(W_s s + W_h h_j)``, weights = softmax over j."""

    def __init__(self, dec_dim: int, enc_dim: int, attn_dim: int):
        super().__init__()
        self.W_s = nn.Linear(dec_dim, attn_dim, bias=False)
        self.W_h = nn.Linear(enc_dim, attn_dim, bias=False)
        self.v = nn.Linear(attn_dim, 1, bias=False)

    def forward(
        self, s: torch.Tensor, h: torch.Tensor, padding_mask: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Attend from decoder state ``s`` ``(B, dec_dim)`` over encoder states ``h``.

        Args:
            s: The decoder's previous state, ``(B, dec_dim)``.
            h: Encoder annotations, ``(B, T_src, enc_dim)``.
            padding_mask: ``(B, T_src)``, True for real source tokens.

        Returns:
            ``(context (B, enc_dim), weights (B, T_src))``.
        """
        energies = self.v(torch.tanh(self.W_s(s)[:, None, :] + self.W_h(h)))  # (B, T_src, 1)
        energies = energies.squeeze(-1).masked_fill(~padding_mask, float("-inf"))  # (B, T_src)
        weights = torch.softmax(energies, dim=-1)  # (B, T_src)
        context = (weights[:, :, None] * h).sum(dim=1)  # (B, enc_dim)
        return context, weights

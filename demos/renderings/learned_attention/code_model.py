# demos.learned_attention.PronounModel
class PronounModel(nn.Module):
    """Token embeddings, one self-attention layer (one head), a linear read-out.

    The read-out sees ``x + attention(x)`` at the pronoun, so the only way to name the
    antecedent is to attend to it and copy its value. There are no position embeddings: the
    nouns come in random order, so position carries no answer, and without it the pronoun's
    query depends on the word alone. (With learned positions the same model also learns, but
    some seeds stall on a pattern that ignores the nouns.)
    """

    def __init__(self, vocab_size: int, n_embd: int = N_EMBD):
        super().__init__()
        self.tok = nn.Embedding(vocab_size, n_embd)
        self.attn = MultiHeadSelfAttention(n_embd, n_head=1)
        self.head = nn.Linear(n_embd, vocab_size)
        # Small embeddings keep the initial scores near zero, so attention starts spread out
        # instead of saturating on an arbitrary token before the task has been seen.
        nn.init.normal_(self.tok.weight, std=0.1)

    def forward(self, idx: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """``idx`` ``(B, T)`` -> ``(logits at the pronoun (B, V), attention (B, T, T))``."""
        x = self.tok(idx)  # (B, T, C)
        y, att = self.attn(x)  # (B, T, C), (B, 1, T, T)
        h = x + y  # (B, T, C)
        return self.head(h[:, PRON]), att[:, 0]

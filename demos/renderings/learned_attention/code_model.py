# demos.gallery.learned_attention.ArticleModel
class ArticleModel(nn.Module):
    """Word and learned position embeddings, ONE self-attention layer with one head, a read-out.

    The read-out sees ``x + attention(x)`` at each article. Only the nouns' embeddings say which
    article is right, so the model must move that information to the article through attention.
    """

    def __init__(self, vocab_size: int = len(VOCAB), n_embd: int = N_EMBD):
        super().__init__()
        self.tok = nn.Embedding(vocab_size, n_embd)
        self.pos = nn.Embedding(T, n_embd)
        self.attn = MultiHeadSelfAttention(n_embd, n_head=1)
        self.head = nn.Linear(n_embd, len(ARTICLES))
        # Small embeddings keep the first scores near zero: attention starts spread out.
        nn.init.normal_(self.tok.weight, std=0.1)
        nn.init.normal_(self.pos.weight, std=0.1)

    def forward(
        self, idx: torch.Tensor, articles: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """``idx`` ``(B, T)``, ``articles`` ``(B, 2)`` positions ->
        ``(logits (B, 2, 3), attention (B, T, T))``."""
        B, T_ = idx.shape
        positions = torch.arange(T_, device=idx.device)  # (T,)
        x = self.tok(idx) + self.pos(positions)[None]  # (B, T, C)
        padding_mask = idx != INDEX[PAD]  # (B, T): True for real tokens
        y, att = self.attn(x, padding_mask=padding_mask)  # (B, T, C), (B, 1, T, T)
        h = x + y  # (B, T, C)
        rows = torch.arange(B, device=idx.device)[:, None]  # (B, 1)
        return self.head(h[rows, articles]), att[:, 0]  # (B, 2, 3), (B, T, T)

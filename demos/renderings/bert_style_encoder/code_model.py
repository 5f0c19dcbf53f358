# demos.gallery.bert_style_encoder.TinyBert
class TinyBert(nn.Module):
    """Token + position + segment embeddings, ``N_LAYER`` encoder layers, a word predictor."""

    def __init__(self) -> None:
        super().__init__()
        self.tok = nn.Embedding(len(VOCAB), N_EMBD)
        self.pos = nn.Embedding(T, N_EMBD)
        self.seg = nn.Embedding(2, N_EMBD)
        self.layers = nn.ModuleList(
            TransformerEncoderLayer(N_EMBD, N_HEAD, ff_mult=2) for _ in range(N_LAYER)
        )
        self.head = nn.Linear(N_EMBD, len(VOCAB))
        for emb in (self.tok, self.pos, self.seg):
            nn.init.normal_(emb.weight, std=0.3)

    def forward(
        self, idx: torch.Tensor, causal: torch.Tensor | None = None
    ) -> tuple[torch.Tensor, list[torch.Tensor]]:
        """``idx`` ``(B, T)`` -> ``(logits (B, T, V), [attention (B, n_head, T, T)] per layer)``.

        Args:
            idx: Token ids.
            causal: A ``causal_mask`` ``(T, T)`` to turn the encoder into a left-to-right model,
                or None for BERT's bidirectional attention.
        """
        positions = torch.arange(idx.shape[1], device=idx.device)
        segments = torch.as_tensor(SEGMENTS, device=idx.device)
        x = self.tok(idx) + self.pos(positions) + self.seg(segments)  # (B, T, C)
        maps = []
        for layer in self.layers:
            x, att = layer(x, causal_mask=causal)  # (B, T, C), (B, n_head, T, T)
            maps.append(att)
        return self.head(x), maps

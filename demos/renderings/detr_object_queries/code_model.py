# demos.detr_object_queries.MiniDETR
class MiniDETR(nn.Module):
    """Patch embedding + positions, learned object queries, one decoder layer, two heads.

    The decoder layer is DETR's: self-attention among the queries (so they can avoid
    predicting the same object twice), cross-attention from queries to patches, a feed-forward
    block; positions are added to the keys only, as DETR adds them at every attention.
    """

    def __init__(self) -> None:
        super().__init__()
        self.embed = nn.Linear(len(CLASSES) + 1, N_EMBD)
        self.register_buffer("pos", torch.tensor(positional_grid(N_EMBD)))
        self.queries = nn.Parameter(torch.randn(N_QUERIES, N_EMBD) * 0.5)
        self.self_attn = MultiHeadSelfAttention(N_EMBD, N_HEAD)
        self.cross_attn = CrossAttention(N_EMBD, N_HEAD)
        self.mlp = nn.Sequential(
            nn.Linear(N_EMBD, 2 * N_EMBD), nn.ReLU(), nn.Linear(2 * N_EMBD, N_EMBD)
        )
        self.ln = nn.ModuleList(nn.LayerNorm(N_EMBD) for _ in range(3))
        self.class_head = nn.Linear(N_EMBD, len(CLASSES) + 1)
        self.box_head = nn.Sequential(nn.Linear(N_EMBD, N_EMBD), nn.ReLU(), nn.Linear(N_EMBD, 4))

    def forward(self, patches: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """``patches`` ``(B, P, K+1)`` -> ``(class logits (B, Q, K+1), boxes (B, Q, 4), att)``.

        ``att`` is the cross-attention ``(B, n_head, Q, P)``.
        """
        B = patches.shape[0]
        memory = self.embed(patches)  # (B, P, C)
        pos = self.pos.to(memory.dtype)  # (P, C)
        x = self.queries.to(memory.dtype).expand(B, N_QUERIES, N_EMBD)  # (B, Q, C)
        a, _ = self.self_attn(x)
        x = self.ln[0](x + a)
        a, att = self.cross_attn(x, memory + pos, memory)
        x = self.ln[1](x + a)
        x = self.ln[2](x + self.mlp(x))
        return self.class_head(x), torch.sigmoid(self.box_head(x)), att

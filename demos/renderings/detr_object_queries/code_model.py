# demos.gallery.detr_object_queries.MiniDETR
class MiniDETR(nn.Module):
    """Patch embedding + positions, learned object queries, a stack of decoder layers.

    The same class and box heads read the output of every layer (DETR's auxiliary decoding
    losses), so each layer's predictions can be trained, scored and compared.
    """

    pos: torch.Tensor

    def __init__(self) -> None:
        super().__init__()
        # A 3 x 3 convolution stands in for DETR's CNN backbone: each patch learns about its
        # neighbours, so it can tell that it sits on an object's edge or corner.
        self.backbone = nn.Conv2d(len(CLASSES) + 1, N_EMBD, kernel_size=3, padding=1)
        self.register_buffer("pos", torch.tensor(positional_grid(N_EMBD)))
        self.queries = nn.Parameter(torch.randn(N_QUERIES, N_EMBD) * 0.5)
        self.layers = nn.ModuleList(DecoderLayer() for _ in range(N_LAYERS))
        self.ln_out = nn.LayerNorm(N_EMBD)
        self.class_head = nn.Linear(N_EMBD, len(CLASSES) + 1)
        self.box_head = nn.Sequential(nn.Linear(N_EMBD, N_EMBD), nn.ReLU(), nn.Linear(N_EMBD, 4))

    def forward(
        self, patches: torch.Tensor, need_weights: bool = True
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """``patches`` ``(B, P, K+1)`` -> per layer: class logits, boxes, cross-attention.

        Returns:
            ``(logits (L, B, Q, K+1), boxes (L, B, Q, 4), att (L, B, n_head, Q, P))``; without
            ``need_weights`` (training) ``att`` is empty.
        """
        B = patches.shape[0]
        pos = self.pos.to(patches.dtype)[None]  # (1, P, C)
        # No backbone or encoder mixes the positions into our patches, so the values carry
        # them too: an attention-weighted average of patches then says where they are.
        image = patches.transpose(1, 2).reshape(B, -1, GRID, GRID)  # (B, K+1, GRID, GRID)
        feats = torch.relu(self.backbone(image)).flatten(2).transpose(1, 2)  # (B, P, C)
        memory = feats + pos  # (B, P, C)
        query_pos = self.queries.to(memory.dtype).expand(B, N_QUERIES, N_EMBD)  # (B, Q, C)
        x = torch.zeros_like(query_pos)  # (B, Q, C): DETR starts the decoder from zeros
        outs, atts = [], []
        for layer in self.layers:
            x, att = layer(x, query_pos, memory, need_weights)
            outs.append(self.ln_out(x))
            atts += [] if att is None else [att]
        y = torch.stack(outs)  # (L, B, Q, C)
        att_all = torch.stack(atts) if atts else x.new_empty(0)  # (L, B, n_head, Q, P)
        return self.class_head(y), torch.sigmoid(self.box_head(y)), att_all

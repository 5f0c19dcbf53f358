# demos.attention.pretrained_encoder.BertEncoder
class BertEncoder(nn.Module):
    """Embeddings (word + position + segment, then LayerNorm) and a stack of encoder layers."""

    def __init__(self, cfg: BertConfig):
        super().__init__()
        self.cfg = cfg
        C = cfg.hidden_size
        self.wte = nn.Embedding(cfg.vocab_size, C)
        self.wpe = nn.Embedding(cfg.max_position_embeddings, C)
        self.wse = nn.Embedding(cfg.type_vocab_size, C)
        self.ln_emb = nn.LayerNorm(C, eps=cfg.layer_norm_eps)
        layers = [
            TransformerEncoderLayer(C, cfg.num_attention_heads, cfg.intermediate_size // C)
            for _ in range(cfg.num_hidden_layers)
        ]
        for layer in layers:
            # BERT's LayerNorms use eps 1e-12, ours default to 1e-5.
            layer.ln_1.eps = cfg.layer_norm_eps
            layer.ln_2.eps = cfg.layer_norm_eps
        self.layers = nn.ModuleList(layers)

    def init_random(self, seed: int) -> BertEncoder:
        """Re-initialise every weight as BERT does before training (normal, std 0.02)."""
        gen = torch.Generator().manual_seed(seed)
        with torch.no_grad():
            for module in self.modules():
                if isinstance(module, nn.Linear | nn.Embedding):
                    module.weight.copy_(torch.randn(module.weight.shape, generator=gen) * 0.02)
                    bias = getattr(module, "bias", None)
                    if bias is not None:
                        bias.zero_()
                elif isinstance(module, nn.LayerNorm):
                    module.weight.fill_(1.0)
                    module.bias.zero_()
        return self

    def forward(
        self, input_ids: torch.Tensor, padding_mask: torch.Tensor | None = None
    ) -> tuple[list[torch.Tensor], list[torch.Tensor]]:
        """Encode ``input_ids`` of shape ``(B, T)`` (one segment).

        Returns:
            ``(hidden, attentions)``: ``hidden`` holds the embeddings' output then every layer's
            ``(B, T, C)``; ``attentions`` every layer's ``(B, n_head, T, T)`` weights.
        """
        B, T = input_ids.shape
        positions = torch.arange(T, device=input_ids.device)  # (T,)
        x = self.wte(input_ids) + self.wpe(positions)[None] + self.wse.weight[0]  # (B, T, C)
        x = self.ln_emb(x)
        hidden, attentions = [x], []
        for layer in self.layers:
            x, att = layer(x, padding_mask=padding_mask)
            hidden.append(x)
            attentions.append(att)
        return hidden, attentions

# demos.gallery.seq2seq_attention.Seq2Seq.decode_step
def decode_step(
    self,
    prev: torch.Tensor,
    s: torch.Tensor,
    h: torch.Tensor,
    summary: torch.Tensor,
    padding_mask: torch.Tensor,
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor | None]:
    """One output word: attend with the previous state, update the state, predict.

    Args:
        prev: Previous target word ids, ``(B,)``.
        s: Previous decoder state ``s_{i-1}``, ``(B, HIDDEN)``.
        h: Encoder annotations, ``(B, T_src, 2 * ENC_HIDDEN)``.
        summary: Encoder summary, ``(B, 2 * ENC_HIDDEN)`` (used without attention).
        padding_mask: ``(B, T_src)``, True for real source tokens.

    Returns:
        ``(logits (B, tgt_vocab), new state (B, HIDDEN), weights (B, T_src) or None)``.
    """
    e = self.tgt_emb(prev)  # (B, EMBED)
    if self.attention is None:
        context, weights = summary, None  # (B, 2 * ENC_HIDDEN)
    else:
        context, weights = self.attention(s, h, padding_mask)  # (B, 2 * ENC_HIDDEN)
    s = self.cell(torch.cat([e, context], dim=-1), s)  # (B, HIDDEN)
    logits = self.out(context) + self.out_state(s)  # (B, tgt_vocab)
    return logits, s, weights

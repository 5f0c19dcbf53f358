# demos.seq2seq_attention.Seq2Seq.decode_step
def decode_step(
    self, prev: torch.Tensor, s: torch.Tensor, h: torch.Tensor, padding_mask: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """One output word: attend with the old state, update the state, predict.

    Args:
        prev: Previous target word ids, ``(B,)``.
        s: Previous decoder state, ``(B, HIDDEN)``.
        h: Encoder annotations, ``(B, T_src, HIDDEN)``.
        padding_mask: ``(B, T_src)``, True for real source tokens.

    Returns:
        ``(logits (B, tgt_vocab), new state (B, HIDDEN), weights (B, T_src))``.
    """
    e = self.tgt_emb(prev)  # (B, EMBED)
    context, weights = self.attention(s, h, padding_mask)  # (B, HIDDEN), (B, T_src)
    s = self.cell(torch.cat([e, context], dim=-1), s)  # (B, HIDDEN)
    logits = self.out(context) + self.out_state(s)  # (B, tgt_vocab)
    return logits, s, weights

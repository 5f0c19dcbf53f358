# demos.gallery.bert_style_encoder.make_batch
def make_batch(rng: np.random.Generator, count: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Random examples: ``(token ids (count, T), masked position (count,), answer id (count,))``.

    Segment A is ``SEG_LEN`` random words, segment B repeats it, one word of either is masked.
    """
    index = {w: i for i, w in enumerate(VOCAB)}
    words = rng.integers(len(SPECIAL), len(VOCAB), size=(count, SEG_LEN))
    ids = np.empty((count, T), dtype=np.int64)
    ids[:, 0] = index["[CLS]"]
    ids[:, A_START : A_START + SEG_LEN] = words
    ids[:, A_START + SEG_LEN] = index["[SEP]"]
    ids[:, B_START : B_START + SEG_LEN] = words
    ids[:, -1] = index["[SEP]"]
    offset = rng.integers(SEG_LEN, size=count)
    in_b = rng.integers(2, size=count).astype(bool)
    masked = np.where(in_b, B_START, A_START) + offset
    answers = ids[np.arange(count), masked].copy()
    ids[np.arange(count), masked] = index["[MASK]"]
    return ids, masked, answers

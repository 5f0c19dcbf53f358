# demos.attention.reference.sinusoidal_positional_encoding
def sinusoidal_positional_encoding(T: int, C: int) -> np.ndarray:
    """The Transformer's sinusoidal encoding, shape ``(T, C)``.

    ``PE[pos, 2i] = sin(pos / 10000^(2i/C))`` and ``PE[pos, 2i+1] = cos(...)``.
    """
    if C % 2:
        raise ValueError(f"positional encoding width C={C} must be even")
    position = np.arange(T)[:, None]  # (T, 1)
    div = np.exp(np.arange(0, C, 2) * (-math.log(10000.0) / C))  # (C/2,)
    pe = np.zeros((T, C))
    pe[:, 0::2] = np.sin(position * div)
    pe[:, 1::2] = np.cos(position * div)
    return pe

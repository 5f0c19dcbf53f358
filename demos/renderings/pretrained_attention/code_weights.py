# demos.attention.pretrained_encoder.load_encoder
def load_encoder(path: Path | None = None, dtype: torch.dtype = torch.float32) -> BertEncoder:
    """Build the encoder from ``config.json`` and fill it from ``model.safetensors`` by name.

    Every checkpoint tensor must be used (or listed in :data:`UNUSED`) and every parameter
    filled, with the same shape: a mismatch raises :class:`DemoError` naming the tensor.
    """
    from safetensors.torch import load_file

    path = path or model_dir()
    cfg = BertConfig.from_file(path / "config.json")
    model = BertEncoder(cfg)
    weights = load_file(str(path / "model.safetensors"))
    mapping = {
        "wte.weight": "embeddings.word_embeddings.weight",
        "wpe.weight": "embeddings.position_embeddings.weight",
        "wse.weight": "embeddings.token_type_embeddings.weight",
        "ln_emb.weight": "embeddings.LayerNorm.weight",
        "ln_emb.bias": "embeddings.LayerNorm.bias",
    }
    stacked: dict[str, tuple[str, ...]] = {}
    for i in range(cfg.num_hidden_layers):
        mapping.update(_layer_map(i))
        qkv = f"encoder.layer.{i}.attention.self."
        for part in ("weight", "bias"):
            # c_attn stacks queries, keys and values along its output rows, in that order.
            stacked[f"layers.{i}.attn.c_attn.{part}"] = tuple(
                f"{qkv}{name}.{part}" for name in ("query", "key", "value")
            )
    params = dict(model.named_parameters())
    used: set[str] = set()
    state: dict[str, torch.Tensor] = {}
    for ours, theirs in mapping.items():
        state[ours] = _take(weights, theirs, used)
    for ours, parts in stacked.items():
        state[ours] = torch.cat([_take(weights, name, used) for name in parts], dim=0)
    for name, tensor in state.items():
        if tuple(params[name].shape) != tuple(tensor.shape):
            raise DemoError(
                f"model.safetensors: {name} has shape {tuple(tensor.shape)}, "
                f"expected {tuple(params[name].shape)}"
            )
    left = sorted(set(weights) - used - set(UNUSED))
    missing = sorted(set(params) - set(state))
    if left or missing:
        raise DemoError(f"model.safetensors: unused tensors {left}, unfilled parameters {missing}")
    model.load_state_dict(state)
    return model.to(dtype).eval()

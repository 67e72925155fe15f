"""The network: a Hugging Face encoder, a BIO span tagger and a span technique classifier,
and the checkpoint folder it is saved in."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import torch
from tokenizers import Tokenizer
from torch import nn

from .._errors import TrainingError
from .._pipeline import N_FEATURES, prepare_tokenizer
from .._techniques import TECHNIQUE_NAMES
from ._frozen import top_states


class SpanHead(nn.Module):
    """Technique probabilities from a pooled span vector and its features."""

    def __init__(self, hidden: int, n_features: int, n_labels: int, width: int = 256) -> None:
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(3 * hidden + n_features, width),
            nn.GELU(),
            nn.Dropout(0.1),
            nn.Linear(width, n_labels),
        )

    def forward(self, pooled: torch.Tensor) -> torch.Tensor:
        logits: torch.Tensor = self.net(pooled)
        return logits


class Tagger(nn.Module):
    """Encoder plus BIO head; returns tag logits and the token states."""

    def __init__(self, encoder: Any) -> None:
        super().__init__()
        self.encoder = encoder
        hidden = encoder.config.hidden_size
        self.dropout = nn.Dropout(0.1)
        self.bio = nn.Linear(hidden, 3)

    def forward(
        self, input_ids: torch.Tensor, attention_mask: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        states = self.encoder(input_ids=input_ids, attention_mask=attention_mask)
        return self._tagged(states.last_hidden_state)

    def from_states(
        self,
        prefix: torch.Tensor,
        first_layer: int,
        input_ids: torch.Tensor,
        attention_mask: torch.Tensor,
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """As :meth:`forward`, from the cached output of the first ``first_layer`` layers."""
        return self._tagged(
            top_states(self.encoder, first_layer, prefix, input_ids, attention_mask)
        )

    def _tagged(self, hidden: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """The BIO logits of the encoder's last states, and those states."""
        return self.bio(self.dropout(hidden)), hidden


def load_encoder(path: Path, layers: int | None) -> Any:
    """Load a local Hugging Face encoder, keeping its first ``layers`` layers."""
    from transformers import AutoModel

    try:
        encoder = AutoModel.from_pretrained(str(path), local_files_only=True)
    except (OSError, ValueError) as exc:
        raise TrainingError(
            f"{path}: not a loadable Hugging Face model directory ({exc})"
        ) from None
    stack = getattr(getattr(encoder, "encoder", None), "layer", None)
    if layers is not None and stack is not None and layers < len(stack):
        encoder.encoder.layer = stack[:layers]
        encoder.config.num_hidden_layers = layers
    return encoder


def pool_spans(
    hidden: torch.Tensor,
    mask: torch.Tensor,
    rows: list[int],
    bounds: list[tuple[int, int]],
) -> torch.Tensor:
    """Torch twin of :func:`spinscope._pipeline._features.pool_span` for a batch of spans."""
    out = []
    for row, (a, b) in zip(rows, bounds, strict=True):
        span = hidden[row, a:b]
        valid = mask[row].bool()
        context = hidden[row][valid].mean(dim=0)
        out.append(torch.cat([span.mean(dim=0), span.max(dim=0).values, context]))
    return torch.stack(out)


def save_checkpoint(
    ckpt: Path, tagger: Tagger, head: SpanHead, hf_tok: Any, meta: dict[str, Any]
) -> None:
    """Save a fitted network where :func:`load_checkpoint` reads it: the encoder and its
    tokenizer in Hugging Face format, the two heads, and ``meta`` as ``train.json``."""
    ckpt.mkdir(parents=True, exist_ok=True)
    tagger.encoder.save_pretrained(ckpt / "encoder")
    hf_tok.save_pretrained(ckpt / "encoder")
    torch.save({"bio": tagger.bio.state_dict(), "span": head.state_dict()}, ckpt / "heads.pt")
    (ckpt / "train.json").write_text(json.dumps(meta, indent=2), encoding="utf-8")


def load_tokenizer(folder: Path) -> Tokenizer:
    """The fast tokenizer of a Hugging Face model folder, truncation and padding off."""
    from transformers import AutoTokenizer

    hf_tok = AutoTokenizer.from_pretrained(str(folder), local_files_only=True)
    return prepare_tokenizer(hf_tok.backend_tokenizer)


def load_checkpoint(ckpt: Path) -> tuple[Tagger, SpanHead, dict[str, Any]]:
    """Load what :func:`fit` saved, in eval mode."""
    meta: dict[str, Any] = json.loads((ckpt / "train.json").read_text(encoding="utf-8"))
    encoder = load_encoder(ckpt / "encoder", None)
    tagger = Tagger(encoder)
    head = SpanHead(encoder.config.hidden_size, N_FEATURES, len(TECHNIQUE_NAMES))
    state = torch.load(ckpt / "heads.pt", map_location="cpu")
    tagger.bio.load_state_dict(state["bio"])
    head.load_state_dict(state["span"])
    return tagger.eval(), head.eval(), meta

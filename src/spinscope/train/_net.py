"""The network: a Hugging Face encoder, a BIO span tagger and a span technique classifier."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import torch
from torch import nn

from .._errors import TrainingError


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
        hidden = states.last_hidden_state
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

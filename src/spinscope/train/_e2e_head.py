"""The end-to-end head: every technique used in or around a span the tagger finds.

The classification head learns one technique per gold span, but a span the tagger finds
often overlaps gold spans of several techniques (loaded words inside a doubt, a slogan
inside flag-waving). This second stage reads the exported network's own states for the
spans it finds on the training articles, plus the merged gold spans, and learns which
techniques each overlaps, as independent probabilities. The encoder stays frozen, so the
stage takes seconds.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import numpy as np
import numpy.typing as npt
import torch
from torch import nn

from .._pipeline import Model, merge_overlapping
from .._semeval import Corpus
from ._export import export_head


class E2EHead(nn.Module):
    """Per-technique probabilities from span inputs and the classification head's output."""

    def __init__(self, n_inputs: int, n_labels: int, width: int = 256) -> None:
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(n_inputs, width), nn.GELU(), nn.Dropout(0.2), nn.Linear(width, n_labels)
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        logits: torch.Tensor = self.net(x)
        return logits


def stage_data(
    model: Model, corpus: Corpus, ids: list[str]
) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]]:
    """Inputs and targets: found and merged gold spans of ``ids``; a target is 1 for each
    technique with a gold span sharing a character with the span."""
    gold: dict[str, list[tuple[int, int, int]]] = defaultdict(list)
    techniques = model.config.techniques
    for lb in corpus.labels:
        if lb.technique in techniques:
            gold[lb.article_id].append((lb.start, lb.end, techniques.index(lb.technique)))
    xs, ys = [], []
    for aid in ids:
        text = corpus.articles[aid]
        forward = model.forward(text)
        found = {(c.start, c.end) for c in model.candidates(forward)}
        union = merge_overlapping([(s, e) for s, e, _ in gold[aid]])
        spans = [(start, end) for start, end in sorted(found | set(union)) if forward.covers(start)]
        if not spans:
            continue
        x, probs = model.span_inputs(forward, spans)
        y = np.zeros((len(spans), len(techniques)), dtype=np.float32)
        for i, (start, end) in enumerate(spans):
            for s, e, k in gold[aid]:
                if s < end and start < e:
                    y[i, k] = 1.0
        xs.append(np.concatenate([x, probs], axis=1))
        ys.append(y)
    return np.concatenate(xs), np.concatenate(ys)


def fit_e2e_head(
    x: npt.NDArray[np.float32],
    y: npt.NDArray[np.float32],
    seed: int,
    epochs: int = 40,
    head: E2EHead | None = None,
    lr: float = 1e-3,
) -> E2EHead:
    """Train the head with binary cross-entropy (seeded AdamW over minibatches of 256 rows);
    from ``head``'s weights when given (fine-tuning), else from a new head."""
    torch.manual_seed(seed)
    head = head if head is not None else E2EHead(x.shape[1], y.shape[1])
    optimizer = torch.optim.AdamW(head.parameters(), lr=lr, weight_decay=0.01)
    loss_fn = nn.BCEWithLogitsLoss()
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)
    rng = np.random.default_rng(seed)
    head.train()
    for _ in range(epochs):
        order = rng.permutation(len(x))
        for i in range(0, len(order), 256):
            idx = torch.from_numpy(order[i : i + 256])
            loss = loss_fn(head(xt[idx]), yt[idx])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    return head.eval()


class _Graph(nn.Module):
    def __init__(self, head: E2EHead) -> None:
        super().__init__()
        self.head = head

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.sigmoid(self.head(x))


def export_e2e_head(head: E2EHead, n_inputs: int, folder: Path) -> None:
    """Write ``e2e_head.onnx`` (input ``x``, output ``labels``)."""
    export_head(_Graph(head), n_inputs, folder / "e2e_head.onnx", "labels")


def save_e2e_head(head: E2EHead, ckpt: Path) -> None:
    """Keep the torch weights beside the checkpoint (the torch benchmark path reads them)."""
    first = head.net[0]
    torch.save(
        {
            "state": head.state_dict(),
            "n_inputs": first.in_features,
            "n_labels": head.net[-1].out_features,
        },
        ckpt / "e2e_head.pt",
    )


def load_e2e_head(ckpt: Path) -> E2EHead:
    """The head :func:`save_e2e_head` kept, in eval mode."""
    saved = torch.load(ckpt / "e2e_head.pt", map_location="cpu")
    head = E2EHead(saved["n_inputs"], saved["n_labels"])
    head.load_state_dict(saved["state"])
    return head.eval()

"""Training windows as torch tensors: padded batches, and the precision they run in."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import torch

from ._data import IGNORE, WindowExample


@dataclass(frozen=True)
class Batch:
    """Windows padded to the longest, with the spans they hold."""

    ids: torch.Tensor
    mask: torch.Tensor
    tags: torch.Tensor
    rows: list[int]
    bounds: list[tuple[int, int]]
    features: torch.Tensor | None
    targets: torch.Tensor | None
    soft: torch.Tensor | None = None
    prefix: torch.Tensor | None = None
    """The frozen layers' cached states (:mod:`._frozen`), when the fit caches them."""
    unlabelled: torch.Tensor | None = None
    """Per window, whether it is a transfer window without gold tags (None: none is)."""

    @property
    def gold_tags(self) -> torch.Tensor:
        """``tags`` with every position of a transfer window ignored."""
        if self.unlabelled is None:
            return self.tags
        return self.tags.masked_fill(self.unlabelled[:, None], IGNORE)

    def to(self, device: str) -> Batch:
        """The same batch with its tensors on ``device``."""

        def move(t: torch.Tensor | None) -> torch.Tensor | None:
            return None if t is None else t.to(device, non_blocking=True)

        return replace(
            self,
            ids=self.ids.to(device),
            mask=self.mask.to(device),
            tags=self.tags.to(device),
            features=move(self.features),
            targets=move(self.targets),
            soft=move(self.soft),
            prefix=move(self.prefix),
            unlabelled=move(self.unlabelled),
        )


def make_batch(examples: list[WindowExample], cls_id: int, sep_id: int, pad_id: int) -> Batch:
    """Pad ``examples`` to the longest and collect their spans (window positions)."""
    width = max(len(ex.ids) for ex in examples) + 2
    ids = torch.full((len(examples), width), pad_id, dtype=torch.long)
    mask = torch.zeros((len(examples), width), dtype=torch.long)
    tags = torch.full((len(examples), width), IGNORE, dtype=torch.long)
    distilled = all(ex.soft is not None for ex in examples)
    soft = torch.zeros((len(examples), width, 3)) if distilled else None
    rows, bounds, feats, targets = [], [], [], []
    for r, ex in enumerate(examples):
        n = len(ex.ids)
        ids[r, 0], ids[r, n + 1] = cls_id, sep_id
        ids[r, 1 : n + 1] = torch.from_numpy(ex.ids)
        mask[r, : n + 2] = 1
        tags[r, 1 : n + 1] = torch.from_numpy(ex.tags)
        if soft is not None and ex.soft is not None:
            soft[r, 1 : n + 1] = torch.from_numpy(ex.soft)
        for sp in ex.spans:
            rows.append(r)
            bounds.append((sp.start, sp.end))
            feats.append(sp.features)
            targets.append(sp.target)
    unlabelled = None
    if not all(ex.labelled for ex in examples):
        unlabelled = torch.tensor([not ex.labelled for ex in examples], dtype=torch.bool)
    return Batch(
        ids,
        mask,
        tags,
        rows,
        bounds,
        torch.from_numpy(np.stack(feats)) if feats else None,
        torch.from_numpy(np.stack(targets)) if targets else None,
        soft,
        unlabelled=unlabelled,
    )


def autocast(device: str, cpu_bf16: bool = False) -> Any:
    """bf16 autocast on a GPU, and on the CPU when ``cpu_bf16`` (fast only with AMX tiles;
    on AVX-512 BF16 alone it measured slower than fp32); otherwise nothing."""
    if device.startswith("cuda"):
        return torch.autocast("cuda", dtype=torch.bfloat16)
    if cpu_bf16:
        return torch.autocast("cpu", dtype=torch.bfloat16)
    return contextlib.nullcontext()

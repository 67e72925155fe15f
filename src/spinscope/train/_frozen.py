"""The frozen bottom of an encoder run once: its states cached, the layers above replayed.

With ``TrainConfig.freeze_layers`` the embeddings and the first layers keep their loaded
weights, yet every step still runs them forward: for all-mpnet-base-v2 with its top 4 of
12 layers learning, two thirds of each forward pass recomputes what never changes. With
``TrainConfig.cache_frozen`` their output is computed once for every training window
(in eval mode, so without their dropout) and each step runs only the layers above it,
as issue 9 suggests for a 110M encoder on two cores.

The layers above are run through the encoder's own ``forward`` with its embeddings
replaced by the cached states and its layer stack cut, so each model builds its
attention masks (and MPNet its relative position bias) exactly as it does unchanged.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import torch
from torch import nn

from ._batch import autocast, make_batch
from ._data import WindowExample


class _Replay(nn.Module):
    """Stands in for an encoder's embeddings: returns the states it is given."""

    def __init__(self, states: torch.Tensor) -> None:
        super().__init__()
        self.states = states

    def forward(self, *args: Any, **kwargs: Any) -> torch.Tensor:
        return self.states


@contextmanager
def _stack(encoder: Any, keep: slice) -> Iterator[None]:
    """Run ``encoder`` with only the layers ``keep`` selects, restored afterwards."""
    layers = encoder.encoder.layer
    encoder.encoder.layer = nn.ModuleList(list(layers)[keep])
    try:
        yield
    finally:
        encoder.encoder.layer = layers


def frozen_states(
    encoder: Any,
    examples: Sequence[WindowExample],
    layers: int,
    special_ids: tuple[int, int, int],
    bf16: bool = False,
    device: str = "cpu",
    batch_size: int = 32,
) -> list[torch.Tensor]:
    """Each window's states after the embeddings and the first ``layers`` layers.

    Windows are run in batches of similar length; each result is that window's rows
    (``[CLS]`` to ``[SEP]``, no padding) in float32 on the CPU, in ``examples``' order.

    Example:
        >>> # cache = frozen_states(tagger.encoder, examples, 8, special_ids, bf16=True)
    """
    was_training = encoder.training
    encoder.eval()
    order = sorted(range(len(examples)), key=lambda i: len(examples[i].ids))
    states: list[torch.Tensor | None] = [None] * len(examples)
    try:
        with torch.no_grad(), _stack(encoder, slice(0, layers)):
            for start in range(0, len(order), batch_size):
                chunk = order[start : start + batch_size]
                b = make_batch([examples[i] for i in chunk], *special_ids).to(device)
                with autocast(device, bf16):
                    hidden = encoder(input_ids=b.ids, attention_mask=b.mask).last_hidden_state
                for row, i in enumerate(chunk):
                    states[i] = hidden[row, : len(examples[i].ids) + 2].float().cpu()
    finally:
        encoder.train(was_training)
    return [s for s in states if s is not None]


def padded(states: Sequence[torch.Tensor], width: int) -> torch.Tensor:
    """One batch's cached states, zero-padded to ``width`` tokens (the padding is masked).

    Example:
        >>> padded([torch.ones(2, 3), torch.ones(1, 3)], 4).shape
        torch.Size([2, 4, 3])
    """
    batch = torch.zeros(len(states), width, states[0].shape[1])
    for row, s in enumerate(states):
        batch[row, : s.shape[0]] = s
    return batch


def top_states(
    encoder: Any,
    first_layer: int,
    prefix: torch.Tensor,
    input_ids: torch.Tensor,
    attention_mask: torch.Tensor,
) -> torch.Tensor:
    """The encoder's last hidden states, from ``prefix``, the output of its first
    ``first_layer`` layers (:func:`frozen_states`): only the layers above are run.

    Example:
        >>> # hidden = top_states(tagger.encoder, 8, b.prefix, b.ids, b.mask)
    """
    embeddings = encoder.embeddings
    encoder.embeddings = _Replay(prefix)
    try:
        with _stack(encoder, slice(first_layer, None)):
            hidden: torch.Tensor = encoder(
                input_ids=input_ids, attention_mask=attention_mask
            ).last_hidden_state
    finally:
        encoder.embeddings = embeddings
    return hidden

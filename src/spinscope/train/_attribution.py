"""Training the attribution head: PolNeAR articles -> token states -> a small tagger -> ONNX.

The shipped tagger stays frozen. Its token states for every training article are computed
once and cached as float16 ``.npz`` files (resumable: an article already cached is not run
again), so fitting the head takes minutes on a CPU. The head projects each 384-d state to
a narrow width, reads the article's token sequence with one bidirectional GRU layer (or a
stack of convolutions) and scores the seven BIO tags of ``_attribution.TAGS``. It is fitted
on random chunks of articles (many short sequences batch well on a CPU) and exported to
ONNX with a dynamic sequence length, so at run time it reads whole articles.

torch is imported inside the functions that need it, so importing this module is cheap.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from .._attribution import (
    CONFIG_FILE,
    HEAD_FILE,
    ROLES,
    TAGS,
    Decoding,
    Document,
    tag_tokens,
    token_states,
)
from .._pipeline import Model

if TYPE_CHECKING:
    from torch import nn

Example = tuple[npt.NDArray[np.float16], npt.NDArray[np.int64]]
"""One article for the head: its token states and its gold tag per token."""


@dataclass(frozen=True)
class HeadConfig:
    """The head's shape and its fitting.

    The defaults were chosen on PolNeAR train less every 10th article, scored on that
    tenth (``benchmarks/attribution.py --tune``): a GRU of width 128 beat width 64 on
    source accuracy (0.81 against 0.79, content F1 equal) and three convolutions of
    width 64 on everything (content F1 0.84 against 0.875), at about 8 ms per article.

    Attributes:
        kind: ``gru`` (one bidirectional GRU layer) or ``conv`` (three convolutions).
        width: The projected width (and the GRU's or convolutions' width).
        kernel: The convolutions' kernel (``conv`` only).
        epochs, chunk, batch, lr, dropout, seed: The fitting: passes over the data, tokens
            per training sequence, sequences per step, AdamW's rate, dropout, torch seed.
        decoding: How the head's spans are grouped (written to ``attribution.json``).
    """

    kind: str = "gru"
    width: int = 128
    kernel: int = 7
    epochs: int = 12
    chunk: int = 256
    batch: int = 32
    lr: float = 3e-3
    dropout: float = 0.1
    seed: int = 13
    decoding: Decoding = field(default_factory=Decoding)


def states_folder(cache: Path, model: Model, split: str) -> Path:
    """Where the token states of ``split`` under ``model`` are cached.

    Example:
        >>> # states_folder(Path("/root/spinscope-attr/states"), model, "train")
    """
    return cache / model.model_id / split


def extract_states(model: Model, docs: Sequence[Document], folder: Path) -> int:
    """Cache each article's token states (float16) and token offsets; returns how many
    were computed (articles already cached are skipped, so a killed run resumes).

    Example:
        >>> # extract_states(Model.load(), read_split(POLNEAR, "train"), folder)
    """
    folder.mkdir(parents=True, exist_ok=True)
    done = 0
    for doc in docs:
        path = folder / f"{doc.name}.npz"
        if path.is_file():
            continue
        states, offsets = token_states(model.forward(doc.text).pieces)
        # Written under another name and renamed, so a killed run leaves no half file.
        tmp = folder / f"{doc.name}.tmp.npz"
        np.savez(
            tmp,
            states=states.astype(np.float16),
            offsets=np.asarray(offsets, dtype=np.int32).reshape(-1, 2),
        )
        tmp.rename(path)
        done += 1
    return done


def load_cached(folder: Path, name: str) -> tuple[npt.NDArray[np.float16], list[tuple[int, int]]]:
    """The cached states and offsets of article ``name``.

    Example:
        >>> # states, offsets = load_cached(folder, docs[0].name)
    """
    with np.load(folder / f"{name}.npz") as saved:
        offsets = [(int(a), int(b)) for a, b in saved["offsets"]]
        return saved["states"], offsets


def examples(docs: Sequence[Document], folder: Path) -> list[Example]:
    """Token states and gold tags of cached articles (every fragment of every role).

    Example:
        >>> # xs = examples(docs, states_folder(cache, model, "train"))
    """
    found = []
    for doc in docs:
        states, offsets = load_cached(folder, doc.name)
        spans = [
            (role, start, end)
            for a in doc.attributions
            for role in ROLES
            for start, end in getattr(a, role)
        ]
        found.append((states, np.asarray(tag_tokens(offsets, spans), dtype=np.int64)))
    return found


def build_head(n_inputs: int, config: HeadConfig) -> nn.Module:
    """The untrained head: ``(batch, tokens, n_inputs)`` -> ``(batch, tokens, 7)`` logits.

    Example:
        >>> # head = build_head(384, HeadConfig())
    """
    import torch
    from torch import nn

    class Head(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            w = config.width
            self.proj = nn.Sequential(nn.Dropout(config.dropout), nn.Linear(n_inputs, w), nn.GELU())
            if config.kind == "gru":
                self.gru = nn.GRU(w, w, batch_first=True, bidirectional=True)
                self.out = nn.Linear(2 * w, len(TAGS))
            else:
                pad = config.kernel // 2
                self.convs = nn.ModuleList(
                    nn.Conv1d(w, w, config.kernel, padding=pad * d, dilation=d) for d in (1, 2, 4)
                )
                self.out = nn.Linear(w, len(TAGS))

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            h = self.proj(x)
            if config.kind == "gru":
                h, _ = self.gru(h)
            else:
                c = h.transpose(1, 2)
                for conv in self.convs:
                    # Residual, so the token's own state survives the context layers.
                    c = c + torch.nn.functional.gelu(conv(c))
                h = c.transpose(1, 2)
            logits: torch.Tensor = self.out(h)
            return logits

    return Head()


def _chunks(data: Sequence[Example], size: int, rng: np.random.Generator) -> list[Example]:
    """Each article cut into chunks of exactly ``size`` tokens (an article shorter than that
    stays whole), starting at a random phase each epoch so no token always sits at an
    edge; the first chunk is clipped to the article's start and the last aligned to its
    end, so neighbouring chunks may overlap."""
    found = []
    for states, tags in data:
        n = len(tags)
        if n <= size:
            found.append((states, tags))
            continue
        phase = int(rng.integers(0, size))
        for s in range(-phase, n, size):
            a = min(max(0, s), n - size)
            found.append((states[a : a + size], tags[a : a + size]))
    return found


def _batches(chunks: list[Example], batch: int, rng: np.random.Generator) -> list[list[int]]:
    """Batches of chunk indices; chunks of like length share a batch (little padding)."""
    order = sorted(rng.permutation(len(chunks)).tolist(), key=lambda i: len(chunks[i][1]))
    groups = [order[i : i + batch] for i in range(0, len(order), batch)]
    return [groups[i] for i in rng.permutation(len(groups))]


def _stack(chunks: Sequence[Example]) -> tuple[Any, Any]:
    """Padded ``(states, tags)`` tensors; padding is tagged -100, which the loss ignores."""
    import torch

    longest = max(len(t) for _, t in chunks)
    x = np.zeros((len(chunks), longest, chunks[0][0].shape[1]), dtype=np.float32)
    y = np.full((len(chunks), longest), -100, dtype=np.int64)
    for i, (states, tags) in enumerate(chunks):
        x[i, : len(tags)] = states
        y[i, : len(tags)] = tags
    return torch.from_numpy(x), torch.from_numpy(y)


def fit_head(data: Sequence[Example], config: HeadConfig, log: bool = True) -> nn.Module:
    """Fit the head on ``data`` with cross-entropy (AdamW, cosine-decayed rate, seeded).

    Example:
        >>> # head = fit_head(examples(docs, folder), HeadConfig())
    """
    import torch
    from torch import nn

    torch.manual_seed(config.seed)
    rng = np.random.default_rng(config.seed)
    head = build_head(data[0][0].shape[1], config)
    optimizer = torch.optim.AdamW(head.parameters(), lr=config.lr, weight_decay=0.01)
    loss_fn = nn.CrossEntropyLoss(ignore_index=-100)
    head.train()
    for epoch in range(config.epochs):
        for group in optimizer.param_groups:
            group["lr"] = config.lr * 0.5 * (1 + np.cos(np.pi * epoch / config.epochs))
        chunks = _chunks(data, config.chunk, rng)
        started, total = time.perf_counter(), 0.0
        for batch in _batches(chunks, config.batch, rng):
            x, y = _stack([chunks[i] for i in batch])
            loss = loss_fn(head(x).reshape(-1, len(TAGS)), y.reshape(-1))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += float(loss.detach()) * len(batch)
        if log:
            seconds = time.perf_counter() - started
            print(
                f"epoch {epoch + 1}: loss {total / len(chunks):.4f} ({seconds:.0f} s)", flush=True
            )
    return head.eval()


def export_head(head: nn.Module, n_inputs: int, path: Path) -> None:
    """Write the head as ONNX: input ``states`` ``(batch, tokens, n_inputs)``, output
    ``probs`` (softmax over the tags), both axes dynamic.

    Example:
        >>> # export_head(head, 384, folder / HEAD_FILE)
    """
    import warnings

    import torch
    from torch import nn

    class Graph(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.head = head

        def forward(self, states: torch.Tensor) -> torch.Tensor:
            return torch.softmax(self.head(states), dim=-1)

    axes = {0: "batch", 1: "tokens"}
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            Graph().eval(),
            (torch.zeros(1, 16, n_inputs),),
            str(path),
            input_names=["states"],
            output_names=["probs"],
            dynamic_axes={"states": axes, "probs": axes},
            opset_version=17,
            dynamo=False,
        )


def train_attribution(
    model: Model, docs: Sequence[Document], cache: Path, out: Path, config: HeadConfig
) -> dict[str, Any]:
    """Cache states, fit the head on ``docs``, and write ``attribution_head.onnx`` and
    ``attribution.json`` into model directory ``out``; returns what was written there.

    Example:
        >>> # train_attribution(Model.load(), docs, cache, Path("runs/attr"), HeadConfig())
    """
    from ._setup import prepare_torch

    prepare_torch()
    folder = states_folder(cache, model, "train")
    started = time.perf_counter()
    extract_states(model, docs, folder)
    extracted = time.perf_counter()
    data = examples(docs, folder)
    head = fit_head(data, config)
    fitted = time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    export_head(head, data[0][0].shape[1], out / HEAD_FILE)
    settings = {k: v for k, v in asdict(config).items() if k != "decoding"}
    written = {
        "tags": list(TAGS),
        "decoding": asdict(config.decoding),
        "head": settings,
        "n_inputs": int(data[0][0].shape[1]),
        "model_id": model.model_id,
        "trained_on": f"PolNeAR train, {len(docs)} articles, first annotator file by name",
        "states_seconds": round(extracted - started, 1),
        "fit_seconds": round(fitted - extracted, 1),
    }
    text = json.dumps(written, indent=2, sort_keys=True) + "\n"
    (out / CONFIG_FILE).write_text(text, encoding="utf-8")
    return written

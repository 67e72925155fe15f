"""The span-marked technique classifier of ``tc_markers.py``: its inputs, network, fitting,
prediction and int8 export (see that script's docstring for what it measures)."""

from __future__ import annotations

import argparse
import random
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from spinscope import Corpus
from spinscope._semeval import Label
from spinscope._techniques import TECHNIQUE_NAMES

OPEN, CLOSE, CLS, SEP = 1, 2, 101, 102
"""[unused0] and [unused1] of the BERT vocabulary mark the span; [CLS] and [SEP]."""


@dataclass(frozen=True)
class Example:
    """One gold span as the network reads it: token ids, segment ids, where the span is."""

    label: Label
    ids: list[int]
    segments: list[int]
    span: tuple[int, int]


def _marked(
    tokens: list[tuple[int, int, int]], label: Label, budget: int
) -> tuple[list[int], tuple[int, int]]:
    """Context ids with the span's tokens between markers, cut evenly around it."""
    inside = [i for i, (_, a, b) in enumerate(tokens) if a < label.end and b > label.start]
    first, last = (inside[0], inside[-1]) if inside else (0, -1)
    last = min(last, first + budget // 2 - 1)  # a very long span is cut
    span_ids = [t[0] for t in tokens[first : last + 1]]
    room = max(0, budget - len(span_ids) - 2)
    left_n = min(first, room // 2)
    right_n = min(len(tokens) - last - 1, room - left_n)
    left_n = min(first, room - right_n)
    left = [t[0] for t in tokens[first - left_n : first]]
    right = [t[0] for t in tokens[last + 1 : last + 1 + right_n]]
    ids = [*left, OPEN, *span_ids, CLOSE, *right]
    return ids, (len(left) + 1, len(left) + 1 + len(span_ids))


def build_examples(corpus: Corpus, tokenizer: Any, max_tokens: int) -> list[Example]:
    """Every gold span of ``corpus`` marked in its article, with the title after it."""
    by_article: dict[str, list[Label]] = defaultdict(list)
    for lb in corpus.labels:
        by_article[lb.article_id].append(lb)
    out = []
    for art_id, labels in by_article.items():
        text = corpus.articles[art_id]
        enc = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)
        tokens = [
            (i, a, b) for i, (a, b) in zip(enc["input_ids"], enc["offset_mapping"], strict=True)
        ]
        title = tokenizer(text.split("\n", 1)[0], add_special_tokens=False)["input_ids"][:24]
        budget = max_tokens - len(title) - 3
        for lb in labels:
            ids, (a, b) = _marked(tokens, lb, budget)
            full = [CLS, *ids, SEP, *title, SEP]
            segments = [0] * (len(ids) + 2) + [1] * (len(title) + 1)
            out.append(Example(lb, full, segments, (a + 1, b + 1)))
    return out


def _batches(examples: list[Example], size: int, seed: int) -> list[list[Example]]:
    """Shuffled batches of similar length (little padding), in shuffled order."""
    rng = random.Random(seed)
    order = examples[:]
    rng.shuffle(order)
    chunks = [order[i : i + size * 20] for i in range(0, len(order), size * 20)]
    batches = []
    for chunk in chunks:
        chunk.sort(key=lambda e: len(e.ids))
        batches += [chunk[i : i + size] for i in range(0, len(chunk), size)]
    rng.shuffle(batches)
    return batches


def _tensors(batch: list[Example], device: str = "cpu") -> dict[str, Any]:
    import torch

    width = max(len(e.ids) for e in batch)
    ids = torch.zeros((len(batch), width), dtype=torch.long)
    seg = torch.zeros_like(ids)
    mask = torch.zeros_like(ids)
    span = torch.zeros((len(batch), width), dtype=torch.float32)
    marker = torch.zeros((len(batch),), dtype=torch.long)
    for r, e in enumerate(batch):
        n = len(e.ids)
        ids[r, :n] = torch.tensor(e.ids)
        seg[r, :n] = torch.tensor(e.segments)
        mask[r, :n] = 1
        span[r, e.span[0] : max(e.span[1], e.span[0] + 1)] = 1.0
        marker[r] = e.span[0] - 1
    found = {"ids": ids, "seg": seg, "mask": mask, "span": span, "marker": marker}
    return {name: t.to(device) for name, t in found.items()}


def make_net(encoder: Path, layers: int | None, freeze_embeddings: bool) -> Any:
    """The encoder (its first ``layers`` layers; embeddings frozen if asked) with a linear
    layer over [CLS], the opening marker and the span's mean."""
    import torch

    from spinscope.train._net import load_encoder

    class Net(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.encoder = load_encoder(encoder, layers)
            for p in self.encoder.embeddings.parameters():
                p.requires_grad = not freeze_embeddings
            hidden = self.encoder.config.hidden_size
            self.drop = torch.nn.Dropout(0.1)
            self.out = torch.nn.Linear(3 * hidden, len(TECHNIQUE_NAMES))

        def forward(self, t: dict[str, Any]) -> Any:
            h = self.encoder(
                input_ids=t["ids"], attention_mask=t["mask"], token_type_ids=t["seg"]
            ).last_hidden_state
            rows = torch.arange(h.shape[0])
            span = (h * t["span"][..., None]).sum(1) / t["span"].sum(1, keepdim=True)
            pooled = torch.cat([h[:, 0], h[rows, t["marker"]], span], dim=-1)
            return self.out(self.drop(pooled))

    return Net()


def fit(train: list[Example], args: argparse.Namespace) -> tuple[Any, int]:
    """A network fitted on ``train`` (AdamW, linear warm-up and decay); its step count."""
    import torch

    epochs, max_steps, seed = args.epochs, args.max_steps, args.seed
    torch.manual_seed(seed)
    net = make_net(args.encoder, args.layers, args.freeze_embeddings).to(args.device)
    index = {name: i for i, name in enumerate(TECHNIQUE_NAMES)}
    trained = [(n, p) for n, p in net.named_parameters() if p.requires_grad]
    head = [p for n, p in trained if n.startswith("out.")]
    body = [p for n, p in trained if not n.startswith("out.")]
    opt = torch.optim.AdamW([{"params": body, "lr": 5e-5}, {"params": head, "lr": 1e-3}])
    plan = [b for ep in range(epochs) for b in _batches(train, 32, seed + ep)]
    if max_steps:
        plan = plan[:max_steps]
    warm = max(1, len(plan) // 10)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min((s + 1) / warm, max(0.0, (len(plan) - s) / (len(plan) - warm + 1)))
    )
    net.train()
    started = time.perf_counter()
    for step, batch in enumerate(plan):
        gold = torch.tensor([index[e.label.technique or ""] for e in batch]).to(args.device)
        loss: Any = torch.nn.functional.cross_entropy(net(_tensors(batch, args.device)), gold)
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(net.parameters(), 1.0)
        opt.step()
        sched.step()
        if step % 50 == 0:
            took = time.perf_counter() - started
            print(f"  step {step}/{len(plan)} loss {loss.item():.3f} ({took:.0f} s)", flush=True)
    return net, len(plan)


def predict(net: Any, examples: list[Example], device: str) -> npt.NDArray[np.float32]:
    """Technique probabilities of ``examples``, one row each, in their order."""
    import torch

    net.eval()
    order = sorted(range(len(examples)), key=lambda i: len(examples[i].ids))
    out = np.zeros((len(examples), len(TECHNIQUE_NAMES)), dtype=np.float32)
    with torch.no_grad():
        for i in range(0, len(order), 64):
            rows = order[i : i + 64]
            probs = torch.softmax(net(_tensors([examples[r] for r in rows], device)), -1)
            out[rows] = probs.cpu().numpy()
    return out


FEEDS = ("ids", "seg", "mask", "span", "marker")


def export_int8(net: Any, folder: Path) -> Path:
    """``net`` as ONNX with int8 weights (per channel, and the embedding table), as the
    shipped tagger is quantized; the path of the int8 file."""
    import warnings

    import onnx
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic

    class Graph(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.net = net

        def forward(self, *feeds: Any) -> Any:
            return torch.softmax(self.net(dict(zip(FEEDS, feeds, strict=True))), -1)

    net.cpu().eval()
    if hasattr(net.encoder, "set_attn_implementation"):
        net.encoder.set_attn_implementation("eager")
    folder.mkdir(parents=True, exist_ok=True)
    sample = _tensors(
        [Example(Label("1", 0, 1, "Doubt"), [CLS, OPEN, 2000, CLOSE, SEP], [0] * 5, (2, 3))]
    )
    axes = {name: {0: "batch", 1: "tokens"} for name in ("ids", "seg", "mask", "span")}
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            Graph(),
            tuple(sample[name] for name in FEEDS),
            str(folder / "markers.fp32.onnx"),
            input_names=list(FEEDS),
            output_names=["probs"],
            dynamic_axes={**axes, "marker": {0: "batch"}, "probs": {0: "batch"}},
            opset_version=17,
            dynamo=False,
        )
    quantize_dynamic(
        str(folder / "markers.fp32.onnx"),
        str(folder / "markers.int8.onnx"),
        weight_type=QuantType.QInt8,
        per_channel=True,
        op_types_to_quantize=["MatMul", "Gather"],
        extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},
    )
    (folder / "markers.fp32.onnx").unlink()
    return folder / "markers.int8.onnx"


def predict_onnx(path: Path, examples: list[Example]) -> npt.NDArray[np.float32]:
    """:func:`predict` with the exported network on onnxruntime (one batch an example)."""
    from spinscope._pipeline._session import open_session

    session = open_session(path)
    out = np.zeros((len(examples), len(TECHNIQUE_NAMES)), dtype=np.float32)
    for i, e in enumerate(examples):
        t = _tensors([e])
        out[i] = session.run(["probs"], {name: t[name].numpy() for name in FEEDS})[0][0]
    return out

"""Technique classification with the span marked in its context (issue 9's "span markers"
lever), cross-validated over the training articles' five folds.

Each gold span becomes one input: ``[CLS] left context [unused0] span [unused1] right
context [SEP] title [SEP]`` (at most ``--tokens`` tokens, the context cut evenly on both
sides), read by all-MiniLM-L6-v2 fine-tuned with a linear layer over the [CLS] state, the
opening marker's state and the span's mean state. This is how the sixth SemEval-2020 TC
system read its spans; spinscope's shipped path instead pools the tagger's states of the
span, beside article features (``spinscope classify``).

For each fold, a network is fitted on the other four folds' spans and labels the fold's
spans; a span given several techniques gets the network's top distinct ones. Printed:
TC micro-F1 per fold and pooled, per technique, as ``spinscope evaluate`` scores it. The
out-of-fold probabilities go to ``OUT/foldK.npz`` (for stacking with the shipped path),
so a stopped run resumes at the next fold. With ``--onnx`` each fold's network is also
exported with int8 weights, as the shipped tagger is, and scored on onnxruntime.

The TC figures come twice: the network alone, and through the shipped technique stacker's
inputs (its article features: recurrence, the other given spans) with a logistic
regression refitted for each fold on the other folds' out-of-fold probabilities.

    python benchmarks/tc_markers.py --out ~/tc-markers     # 5 folds, 3 epochs, 96 tokens
    python benchmarks/tc_markers.py --out ~/tcm-l2 --layers 2 --freeze-embeddings --onnx
    python benchmarks/tc_markers.py --out /tmp/tcm --max-steps 3       # a smoke run
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from _common import PTC
from spinscope import Corpus
from spinscope._semeval import Label, cv_folds
from spinscope._semeval._scorer import score_tc
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
    import onnxruntime as ort

    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    out = np.zeros((len(examples), len(TECHNIQUE_NAMES)), dtype=np.float32)
    for i, e in enumerate(examples):
        t = _tensors([e])
        out[i] = session.run(["probs"], {name: t[name].numpy() for name in FEEDS})[0][0]
    return out


def labels_from(examples: list[Example], probs: npt.NDArray[np.float32]) -> list[Label]:
    """One label per example; a span given n techniques gets its n most likely distinct."""
    groups: dict[tuple[str, int, int], list[int]] = defaultdict(list)
    for i, e in enumerate(examples):
        groups[(e.label.article_id, e.label.start, e.label.end)].append(i)
    out = []
    for (art, start, end), rows in groups.items():
        best = np.argsort(-probs[rows[0]])[: len(rows)]
        out += [Label(art, start, end, TECHNIQUE_NAMES[int(k)]) for k in best]
    return out


def run_fold(
    args: argparse.Namespace, examples: list[Example], folds: dict[str, int], k: int
) -> Path:
    """Fit on the folds other than ``k``, label fold ``k``, save its probabilities."""
    path: Path = args.out / f"fold{k}.npz"
    if path.is_file():
        return path
    train = [e for e in examples if folds[e.label.article_id] != k]
    test = [e for e in examples if folds[e.label.article_id] == k]
    started = time.perf_counter()
    net, steps = fit(train, args)
    arrays: dict[str, Any] = {
        "probs": predict(net, test, args.device),
        "article": np.array([e.label.article_id for e in test]),
        "start": np.array([e.label.start for e in test]),
        "end": np.array([e.label.end for e in test]),
    }
    if args.onnx:
        arrays["probs_int8"] = predict_onnx(export_int8(net, args.out / f"fold{k}"), test)
    np.savez(path, **arrays)
    took = time.perf_counter() - started
    print(f"fold {k}: {len(train)} spans fitted, {steps} steps, {took:.0f} s", flush=True)
    return path


def _fold_probs(out: Path, k: int) -> dict[str, npt.NDArray[np.float32]]:
    """Fold ``k``'s saved probabilities: ``fp32`` (torch), and ``int8`` when exported."""
    path = out / f"fold{k}.npz"
    if not path.is_file():
        return {}
    with np.load(path) as data:
        found = {"fp32": data["probs"]}
        if "probs_int8" in data:
            found["int8"] = data["probs_int8"]
    return found


def stacker_rows(
    corpus: Corpus, test: list[Example], probs: npt.NDArray[np.float32]
) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.int64]]:
    """The shipped technique stacker's inputs with these probabilities in place of the
    span head's (its article features: recurrence, the other given spans, ...), one row an
    example, and the gold technique indices."""
    from spinscope._pipeline import ArticleIndex, stacker_inputs

    by_article: dict[str, list[int]] = defaultdict(list)
    for i, e in enumerate(test):
        by_article[e.label.article_id].append(i)
    parts: dict[int, npt.NDArray[np.float32]] = {}
    for art, rows in by_article.items():
        spans = [(test[i].label.start, test[i].label.end) for i in rows]
        block = stacker_inputs(ArticleIndex.build(corpus.articles[art]), spans, probs[rows])
        parts.update({i: block[r] for r, i in enumerate(rows)})
    x = np.stack([parts[i] for i in range(len(test))])
    y = np.array([_index(e.label) for e in test], dtype=np.int64)
    return x, y


def report(
    corpus: Corpus,
    examples: list[Example],
    folds: dict[str, int],
    out: Path,
    combine: Path | None = None,
) -> None:
    """TC micro-F1 per fold and pooled, per technique: the network alone, and with the
    technique stacker refitted on the other folds' out-of-fold probabilities (nested); for
    the torch network and, where every fold has it, its int8 export."""
    saved = {k: _fold_probs(out, k) for k in sorted(set(folds.values()))}
    saved = {k: v for k, v in saved.items() if v}
    if not saved:
        return
    tests = {k: [e for e in examples if folds[e.label.article_id] == k] for k in saved}
    kinds = [kind for kind in ("fp32", "int8") if all(kind in v for v in saved.values())]
    head = None if combine is None else head_rows(combine, tests)
    pooled: dict[str, tuple[list[Label], list[Label]]] = {}
    per_fold: dict[str, list[float]] = defaultdict(list)
    for kind in kinds:
        kind_probs = {k: v[kind] for k, v in saved.items()}
        for name, probs in _stacked(corpus, tests, kind_probs, head):
            gold, pred = pooled.setdefault(f"{name} {kind}", ([], []))
            for k, test in tests.items():
                fold_gold, fold_pred = [e.label for e in test], labels_from(test, probs[k])
                per_fold[f"{name} {kind}"].append(score_tc(fold_gold, fold_pred).micro.f1)
                gold.extend(fold_gold)
                pred.extend(fold_pred)
    print(f"folds {sorted(tests)} ({sum(len(t) for t in tests.values())} spans)")
    for name, f1s in per_fold.items():
        spread = f" ± {statistics.stdev(f1s):.4f}" if len(f1s) > 1 else ""
        folds_text = " ".join(f"{f:.4f}" for f in f1s)
        print(f"{name:14s} per fold {folds_text}; mean {statistics.mean(f1s):.4f}{spread}")
    scores = {name: score_tc(g, p) for name, (g, p) in pooled.items()}
    print("pooled TC micro-F1: " + "  ".join(f"{n} {s.micro.f1:.4f}" for n, s in scores.items()))
    for technique in sorted(scores["alone fp32"].per_technique):
        row = [f"  {technique:38s} {scores['alone fp32'].per_technique[technique].n_gold:5d}"]
        for name, s in scores.items():
            found = s.per_technique.get(technique)
            row.append(f"{name} {found.f1 if found else 0.0:.3f}")
        print("  ".join(row))


def head_rows(path: Path, tests: dict[int, list[Example]]) -> dict[int, npt.NDArray[np.float32]]:
    """The span head's out-of-fold stacker inputs (``ROWS_FILE`` of a cross-validation
    folder), one row for each example, matched by article, span and gold technique."""
    with np.load(path) as data:
        x, y = data["x"], data["y"].tolist()
        columns = (data["article"].tolist(), data["start"].tolist(), data["end"].tolist(), y)
        keys = zip(*columns, strict=True)
        where: dict[tuple[str, int, int, int], list[int]] = defaultdict(list)
        for i, key in enumerate(keys):
            where[key].append(i)
    out = {}
    for k, test in tests.items():
        picked = []
        for e in test:
            lb = e.label
            picked.append(where[(lb.article_id, lb.start, lb.end, _index(lb))].pop())
        out[k] = x[picked]
    return out


def _index(label: Label) -> int:
    return TECHNIQUE_NAMES.index(label.technique or "")


def _stacked(
    corpus: Corpus,
    tests: dict[int, list[Example]],
    probs: dict[int, npt.NDArray[np.float32]],
    head: dict[int, npt.NDArray[np.float32]] | None,
) -> list[tuple[str, dict[int, npt.NDArray[np.float32]]]]:
    """The probabilities alone, through a stacker fitted on the other folds' rows, and
    (given the span head's out-of-fold rows) through one that reads both networks."""
    from spinscope.train._stacker import fit_stacker

    if len(tests) < 2:
        return [("alone", probs)]
    rows = {k: stacker_rows(corpus, tests[k], probs[k]) for k in tests}
    variants = {"stacked": {k: r[0] for k, r in rows.items()}}
    if head is not None:
        n = len(TECHNIQUE_NAMES)
        variants["combined"] = {k: np.hstack([r[0][:, :n], head[k]]) for k, r in rows.items()}
    found = [("alone", probs)]
    for name, xs in variants.items():
        fitted = {}
        for k in tests:
            x = np.concatenate([xs[j] for j in xs if j != k])
            y = np.concatenate([rows[j][1] for j in rows if j != k])
            fitted[k] = fit_stacker(x, y, len(TECHNIQUE_NAMES)).probs(xs[k])
        found.append((name, fitted))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=PTC)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--encoder", type=Path, default=None)
    parser.add_argument("--folds", type=int, nargs="*", default=[0, 1, 2, 3, 4])
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--tokens", type=int, default=96)
    parser.add_argument("--max-steps", type=int, default=0, help="stop each fit early (smoke)")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--device", default="cpu", help="cpu or cuda")
    parser.add_argument("--layers", type=int, default=None, help="keep the first N layers")
    parser.add_argument("--freeze-embeddings", action="store_true")
    parser.add_argument("--onnx", action="store_true", help="also score the int8 ONNX export")
    parser.add_argument(
        "--combine", type=Path, help="a CV folder's stacker_rows.npz: stack with the span head"
    )
    args = parser.parse_args()

    from spinscope.train._setup import encoder_dir, prepare_torch

    prepare_torch()
    from transformers import AutoTokenizer

    args.encoder = encoder_dir(args.encoder)
    args.out.mkdir(parents=True, exist_ok=True)
    corpus = Corpus.load(args.corpus)
    folds = cv_folds(corpus.articles)
    tokenizer = AutoTokenizer.from_pretrained(str(args.encoder))
    examples = build_examples(corpus, tokenizer, args.tokens)
    print(f"{len(examples)} spans; settings {vars(args)}", flush=True)
    for k in args.folds:
        run_fold(args, examples, folds, k)
    report(corpus, examples, folds, args.out, args.combine)


if __name__ == "__main__":
    main()

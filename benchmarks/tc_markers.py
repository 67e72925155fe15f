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
import statistics
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from _common import PTC
from _markers_net import Example, build_examples, export_int8, fit, predict, predict_onnx
from spinscope import Corpus
from spinscope._semeval import Label, cv_folds
from spinscope._semeval._scorer import score_tc
from spinscope._techniques import TECHNIQUE_NAMES


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


def marker_rows(
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
    rows = {k: marker_rows(corpus, tests[k], probs[k]) for k in tests}
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

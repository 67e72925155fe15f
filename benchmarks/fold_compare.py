"""Encoder recipes compared on one cross-validation fold, side by side, in one run.

    python benchmarks/fold_compare.py --fold 0 --cv ~/cv-v3 ~/cv-mpnet-f8

An encoder-level change costs a fold network per fold to measure, so the issue's protocol
compares encoders on one or two folds before a full cross-validation. Each ``--cv`` folder
is a ``cv_train.py`` output where fold ``--fold`` is finished (the other folds may be
missing). Its network gets its end-to-end head (fitted on its training articles, as
``spinscope train`` fits it) and is scored on the fold's held-out articles twice:

- shipped decoding: the shipped model's decoding settings, every candidate kept, spans
  classified by the span head alone (as ``cv.py``'s baseline; a span filter or stacker an
  earlier ``cv.py`` run left in the fold is removed);
- tuned in sample: decoding tuned on the held-out articles themselves, span thresholds
  0.2-0.6 (training's grid without a span filter starts at 0.3), an upper bound that
  overstates every network alike and gives each its own best threshold: networks differ
  in where their probabilities sit (a partly frozen one is less confident).

The differences between networks on the same articles (paired) are what this measures;
fold-to-fold spread of the same recipe is about 0.005-0.01 on each measure.

``--overlap N`` runs every network with windows overlapping by N tokens instead of its own
setting (32 in every recipe so far): a run-time change measured the same way, fewer tokens
through the encoder for less context at window edges. ``--window N`` likewise runs windows of
N tokens instead of the 256 the networks were fitted on (attention's cost a token grows
with the window).
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from _common import PTC
from cv import bare_fold, with_decoding
from spinscope import Corpus, Model
from spinscope._semeval._cv import figures, predict_fold
from spinscope.train._setup import prepare_torch
from spinscope.train._tuning import SPAN_THRESHOLDS, Part, tune_decoding

MEASURES = ("si_f1", "tc_micro_f1", "e2e_micro_f1", "e2e_macro_f1")
THRESHOLDS = (0.2, 0.25, *SPAN_THRESHOLDS)


def score_fold(
    corpus: Corpus, cv: Path, fold: int, overlap: int | None = None, window: int | None = None
) -> dict[str, dict[str, Any]]:
    """Figures of ``cv``'s fold network on its held-out articles, both decodings; with
    ``overlap`` or ``window``, its windows overlap by that many tokens or hold that many
    instead of its own settings."""
    folds: dict[str, int] = json.loads((cv / "folds.json").read_text(encoding="utf-8"))
    fold_dir = cv / f"fold{fold}"
    if not (fold_dir / "done.json").is_file():
        raise SystemExit(f"{fold_dir} is not finished (no done.json)")
    held_ids = {a for a, f in folds.items() if f == fold}
    bare_fold(fold_dir, corpus, held_ids)
    held = corpus.subset(held_ids)
    model = Model.load(fold_dir)
    if overlap is not None:
        model = model.with_config(replace(model.config, window_overlap=overlap))
    if window is not None:
        model = model.with_config(replace(model.config, window_size=window))
    out = {"shipped decoding": figures(held.labels, predict_fold(with_decoding(model), held))}
    tuned, _ = tune_decoding([Part(model, held)], THRESHOLDS)
    out["tuned in sample"] = figures(held.labels, predict_fold(with_decoding(model, tuned), held))
    out["tuned in sample"]["fields"] = tuned
    return out


def table(names: list[str], scores: list[dict[str, dict[str, Any]]]) -> str:
    """Each measure under each decoding, one column a network, differences to the first."""
    width = max(18, *(len(n) for n in names))
    lines = []
    for decoding in ("shipped decoding", "tuned in sample"):
        lines.append(f"{decoding:<20}" + "".join(f"{n:>{width + 2}}" for n in names))
        for m in MEASURES:
            first = scores[0][decoding][m]
            cells = [
                f"{s[decoding][m]:.4f}" + ("" if i == 0 else f" ({s[decoding][m] - first:+.4f})")
                for i, s in enumerate(scores)
            ]
            lines.append(f"  {m:<18}" + "".join(f"{c:>{width + 2}}" for c in cells))
    lines.append("TC per technique (shipped decoding)")
    for tech in sorted(scores[0]["shipped decoding"]["tc"]):
        cells = [f"{s['shipped decoding']['tc'][tech]:.3f}" for s in scores]
        lines.append(f"  {tech[:30]:<30}" + "".join(f"{c:>{width + 2}}" for c in cells))
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cv", type=Path, nargs="+", required=True, help="cv_train.py outputs")
    parser.add_argument("--fold", type=int, default=0)
    parser.add_argument("--corpus", type=Path, default=PTC)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument(
        "--overlap", type=int, help="run the networks with windows overlapping by this many tokens"
    )
    parser.add_argument(
        "--window", type=int, help="run the networks with windows of this many tokens"
    )
    args = parser.parse_args()
    overlap = 32 if args.overlap is None else args.overlap  # every recipe's so far
    if args.window is not None and args.window - 2 <= overlap:
        parser.error(f"--window {args.window} leaves no new tokens after an overlap of {overlap}")
    started = time.monotonic()
    prepare_torch()
    corpus = Corpus.load(args.corpus)
    scores = [score_fold(corpus, cv, args.fold, args.overlap, args.window) for cv in args.cv]
    names = [cv.name for cv in args.cv]
    print(f"fold {args.fold}, {len(scores)} networks")
    print(table(names, scores))
    for name, s in zip(names, scores, strict=True):
        print(f"{name}: decoding tuned in sample: {s['tuned in sample']['fields']}")
    if args.json:
        args.json.write_text(json.dumps(dict(zip(names, scores, strict=True)), indent=1))
    print(f"{time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()

"""Cross-validated figures of a recipe, from the fold networks of ``cv_train.py``.

    python benchmarks/cv.py                       # ~/spinscope-cv, every finished fold
    python benchmarks/cv.py --cv DIR --tagger fp32 --json

``cv_train.py`` leaves one fitted network per fold (``foldK/`` with ``tagger.int8.onnx``,
``tagger.fp32.onnx`` and ``span_head.onnx``). This script completes each into a model
directory with today's recipe, then scores it on its held-out articles:

1. the end-to-end head is fitted on the fold's training articles, as ``spinscope train``
   fits it (candidates found at span threshold 0.2, seed 13, 10 epochs);
2. decoding takes the shipped model's settings (span threshold, passage gap, label floor,
   calibration, confidence threshold), so no figure is tuned on the articles it reports;
3. ``tagger.onnx`` is the int8 network (what ships); ``--tagger fp32`` scores the fp32 one.

Folds still training are left out, and the figures then cover the finished folds only
(the first line says which). The same figures come from
``spinscope evaluate --corpus PTC --cv DIR`` once all folds are complete.
"""

from __future__ import annotations

import argparse
import json
import shutil
import time
from dataclasses import replace
from pathlib import Path

from _common import PTC
from spinscope import Corpus, Model, ModelConfig, Settings
from spinscope._pipeline import default_model_path
from spinscope._semeval import cross_validate, format_cv

# Decoding settings taken from the shipped model; everything else is the fold's own.
DECODING = (
    "span_threshold",
    "si_merge_gap",
    "label_floor",
    "calibration",
    "confidence_threshold",
)


def complete_fold(fold_dir: Path, corpus: Corpus, held_out: set[str]) -> None:
    """Give a fitted fold network the shipped decoding settings and its own e2e head."""
    from spinscope.train import _prepare_torch
    from spinscope.train._e2e_head import export_e2e_head, fit_e2e_head, stage_data

    if (fold_dir / "e2e_head.onnx").is_file():
        return
    shipped = ModelConfig.load(default_model_path())
    config = ModelConfig.load(fold_dir)
    config = replace(config, **{k: getattr(shipped, k) for k in DECODING}, validation={})
    config.save(fold_dir)
    shutil.copyfile(fold_dir / "tagger.int8.onnx", fold_dir / "tagger.onnx")
    _prepare_torch()
    model = Model.load(fold_dir, Settings.from_env())
    stage = model.with_config(replace(model.config, span_threshold=0.2))
    train_ids = sorted(set(corpus.articles) - held_out)
    x, y = stage_data(stage, corpus, train_ids)
    export_e2e_head(fit_e2e_head(x, y, 13, epochs=10), x.shape[1], fold_dir)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cv", type=Path, default=Path.home() / "spinscope-cv")
    parser.add_argument(
        "--tagger", default="int8", help="tagger.NAME.onnx of each fold: int8, fp32, ..."
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    started = time.monotonic()
    corpus = Corpus.load(PTC)
    folds: dict[str, int] = json.loads((args.cv / "folds.json").read_text())
    done = sorted({k for k in folds.values() if (args.cv / f"fold{k}" / "done.json").is_file()})
    if not done:
        raise SystemExit(f"no finished fold under {args.cv}")
    for k in done:
        complete_fold(args.cv / f"fold{k}", corpus, {a for a, f in folds.items() if f == k})
    kept = {a: f for a, f in folds.items() if f in done}
    settings = Settings.from_env()
    report = cross_validate(
        corpus.subset(kept),
        kept,
        lambda k: Model.load(args.cv / f"fold{k}", settings, f"tagger.{args.tagger}.onnx"),
    )
    print(f"folds {done} of {len(set(folds.values()))}; {args.tagger} tagger")
    print(json.dumps(report.to_dict(), indent=2) if args.json else format_cv(report))
    print(f"{time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()

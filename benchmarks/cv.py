"""Cross-validated figures of today's recipe, beside the shipped decoding, in one run.

    python benchmarks/cv.py                       # ~/spinscope-cv, from cv_train.py
    python benchmarks/cv.py --cv DIR --json

``cv_train.py`` leaves one fitted network per fold (``foldK/``). This script completes
each with its end-to-end head (fitted on the fold's training articles, as ``spinscope
train`` fits it) and scores every fold on its held-out articles twice:

- baseline: decoded with the shipped model's settings (span threshold, passage gap, label
  floor, calibration, confidence threshold), every decoded candidate kept and given spans
  classified by the span head alone (each fold's span filter and technique stacker are
  removed first);
- recipe: candidates kept by a span filter and given spans classified through a
  technique stacker, both fitted on the other folds' out-of-fold rows, decoded with
  settings tuned on the other folds' out-of-fold predictions
  (``spinscope.train._cv.cv_decoding``, what ``spinscope train --cv`` does), all saved in
  each fold's directory, so ``spinscope evaluate --corpus PTC --cv DIR`` prints the same
  figures afterwards.

Every fold must be finished (``foldK/done.json``).
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from _common import PTC
from spinscope import Corpus, Model, ModelConfig
from spinscope._pipeline import FILTER_FILE, STACKER_FILE, default_model_path
from spinscope._semeval import CVReport, cross_validate, format_cv, load_cv_folder
from spinscope.train._cv import complete_fold, cv_decoding
from spinscope.train._setup import prepare_torch
from spinscope.train._tuning import DECODING_FIELDS

MEASURES = ("si_f1", "tc_micro_f1", "e2e_micro_f1", "e2e_macro_f1")


def bare_fold(fold_dir: Path, corpus: Corpus, held_out: set[str]) -> None:
    """Give a fold network its end-to-end head and take away any span filter and technique
    stacker an earlier run left, so every candidate is kept and the span head alone
    classifies."""
    complete_fold(fold_dir, corpus, held_out)
    (fold_dir / STACKER_FILE).unlink(missing_ok=True)
    (fold_dir / FILTER_FILE).unlink(missing_ok=True)


def with_decoding(model: Model, fields: Mapping[str, Any] | None = None) -> Model:
    """``model`` decoded with ``fields`` (default: the shipped model's decoding settings)."""
    if fields is None:
        shipped = ModelConfig.load(default_model_path())
        fields = {f: getattr(shipped, f) for f in DECODING_FIELDS}
    return model.with_config(replace(model.config, **fields))


def baseline(corpus: Corpus, cv: Path) -> CVReport:
    """Every fold decoded with the shipped model's decoding settings."""
    folds, dirs = load_cv_folder(cv)
    for k, fold_dir in enumerate(dirs):
        bare_fold(fold_dir, corpus, {a for a, f in folds.items() if f == k})
    return cross_validate(corpus, folds, lambda k: with_decoding(Model.load(dirs[k])))


def side_by_side(base: CVReport, recipe: CVReport) -> str:
    """Pooled and fold-mean figures of both runs, and their difference."""
    lines = [f"{'measure':<16}{'shipped decoding':>18}{'CV-tuned':>11}{'diff':>9}"]
    for m in MEASURES:
        b, r = base.pooled[m], recipe.pooled[m]
        lines.append(f"{m:<16}{b:>18.4f}{r:>11.4f}{r - b:>+9.4f}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cv", type=Path, default=Path.home() / "spinscope-cv")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--corpus", type=Path, default=PTC)
    parser.add_argument(
        "--recipe-only", action="store_true", help="skip the shipped-decoding baseline"
    )
    args = parser.parse_args()
    started = time.monotonic()
    prepare_torch()
    corpus = Corpus.load(args.corpus)
    folds = json.loads((args.cv / "folds.json").read_text())
    ks = sorted(set(folds.values()))
    missing = [k for k in ks if not (args.cv / f"fold{k}/done.json").is_file()]
    if missing:
        raise SystemExit(f"folds {missing} under {args.cv} are not finished")
    base = None if args.recipe_only else baseline(corpus, args.cv)
    tuning = cv_decoding(corpus, args.cv, progress=print)
    fields, recipe = tuning.fields, tuning.report
    if base is None:
        print("recipe: decoding tuned on the other folds\n" + format_cv(recipe) + "\n")
        pooled = {m: recipe.pooled[m] for m in MEASURES}
        print(json.dumps({"pooled": pooled, "shipped_fields": fields}))
    elif args.json:
        out = {"baseline": base.to_dict(), "recipe": recipe.to_dict(), "shipped_fields": fields}
        print(json.dumps(out, indent=2))
    else:
        print("baseline: shipped decoding\n" + format_cv(base) + "\n")
        print("recipe: decoding tuned on the other folds\n" + format_cv(recipe) + "\n")
        print(side_by_side(base, recipe))
        print(f"decoding tuned on all folds (for a model fitted on every article): {fields}")
    print(f"{time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()

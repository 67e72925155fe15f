"""How well the evidence index explains: cross-validated top-1 agreement, and its cost.

For each cross-validation fold (``cv_train.py``'s folders), the fold's network embeds the
annotated spans of its training articles (the index) and of its held-out articles (the
queries); a query agrees when its most similar indexed fragment, whatever its technique,
carries the query's technique. The baseline always answers the most common technique.

    python benchmarks/evidence.py                 # ~/spinscope-cv, all folds
    python benchmarks/evidence.py --build         # also write the shipped model's index

``--build`` writes ``evidence.npz`` into the shipped model directory from all training
articles with the shipped network (what ``spinscope train`` does for a new model).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from _common import PTC
from spinscope import Corpus, Model
from spinscope._pipeline import EVIDENCE_FILE, default_model_path
from spinscope.train._evidence import build_index, fragments, top_agreement


def cv_agreement(corpus: Corpus, cv: Path) -> dict[str, float]:
    """Pooled top-1 agreement over the folds (each fold's index from its training part)."""
    folds: dict[str, int] = json.loads((cv / "folds.json").read_text(encoding="utf-8"))
    hits = majority = queries = 0.0
    for k in sorted(set(folds.values())):
        model = Model.load(cv / f"fold{k}")
        train = sorted(a for a, f in folds.items() if f != k)
        held = sorted(a for a, f in folds.items() if f == k)
        result = top_agreement(fragments(model, corpus, train), fragments(model, corpus, held))
        print(f"fold {k}: {json.dumps({m: round(v, 4) for m, v in result.items()})}", flush=True)
        hits += result["top1"] * result["queries"]
        majority += result["majority"] * result["queries"]
        queries += result["queries"]
    return {"top1": hits / queries, "majority": majority / queries, "queries": queries}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cv", type=Path, default=Path.home() / "spinscope-cv")
    parser.add_argument("--build", action="store_true")
    parser.add_argument("--skip-cv", action="store_true")
    args = parser.parse_args()
    corpus = Corpus.load(PTC)
    if not args.skip_cv:
        started = time.monotonic()
        pooled = cv_agreement(corpus, args.cv)
        print(f"pooled: {json.dumps({m: round(v, 4) for m, v in pooled.items()})}")
        print(f"{time.monotonic() - started:.0f} s")
    if args.build:
        folder = default_model_path()
        started = time.monotonic()
        build_index(Model.load(folder), corpus, sorted(corpus.articles)).save(folder)
        size = (folder / EVIDENCE_FILE).stat().st_size
        print(f"{folder / EVIDENCE_FILE}: {size / 1e6:.2f} MB, {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()

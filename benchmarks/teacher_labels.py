"""Label each fold's training articles with a teacher's fold networks, once, on any machine.

``cv_train.py --teacher-labels DIR`` then distils a student from these files instead of
running the teacher: the teacher's weights (6 networks) never have to travel to the GPU
machine, only its targets (about 3 MB a fold, float16 probabilities).

    python benchmarks/teacher_labels.py --teacher ~/spinscope-cv --out ~/labels-v3
    python benchmarks/cv_train.py --out ~/cv-l4 --folds 0 1 2 3 4 --full --layers 4 \\
        --teacher-labels ~/labels-v3 --distill 0.5 --device cuda

``--teacher`` is a cross-validation folder as ``cv_train.py`` writes it (``foldK/torch``,
and ``full/torch`` for the network fitted on every article). Fold k's file holds the
targets of the articles outside fold k, by the folds ``cv_train.py`` computes; the
teacher reads them on the CPU (as a CPU fit of the student would) unless ``--device cuda``.

An ensemble of teachers (different seeds or encoders, whatever their tokenizers) becomes
one teacher by averaging folders this script wrote (``average_targets``):

    python benchmarks/teacher_labels.py --average ~/labels-v3 ~/labels-mpnet --out ~/labels-both

``--texts DIR [--limit N]`` labels unlabelled texts instead (``DIR/*.txt``, N of them evenly
spaced in name order), all of them with each fold's teacher: the transfer texts a student
fits on beside the training articles (``cv_train.py --transfer-labels``):

    python benchmarks/teacher_labels.py --teacher ~/spinscope-cv --out ~/transfer-v3 \\
        --texts ../shared/polnear/train/text --limit 300 --names fold4

With ``--silver T`` the teacher also decodes its own spans in the texts at span threshold T
(as the pipeline decodes candidates) and gives each its technique distribution, which the
student's technique head then learns from (the texts' windows otherwise teach O/B/I only).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from _common import PTC
from cv_train import K, fitting_ids, fold_assignment
from spinscope import Corpus
from spinscope.train._soft_targets import average_targets, load_targets, save_targets
from spinscope.train._transfer import read_texts


def average(folders: list[Path], out: Path, names: list[str]) -> None:
    """Write the mean of the targets in ``folders`` (same fold names) into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    for name in names:
        teachers = [load_targets(folder / f"{name}.npz") for folder in folders]
        averaged = average_targets(teachers)
        save_targets(out / f"{name}.npz", averaged)
        print(f"{name}: {len(averaged)} articles, mean of {len(folders)} teachers", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--corpus", type=Path, default=PTC)
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--teacher", type=Path, help="the teacher's CV folder")
    which.add_argument("--average", type=Path, nargs="+", help="folders of targets to average")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--names", nargs="*", default=[*(f"fold{k}" for k in range(K)), "full"])
    parser.add_argument("--device", default="cpu", help="cpu or cuda (the teacher's runs)")
    parser.add_argument("--texts", type=Path, help="label these unlabelled texts (*.txt)")
    parser.add_argument("--limit", type=int, default=0, help="with --texts: at most N of them")
    parser.add_argument(
        "--silver",
        type=float,
        help="with --texts: also the teacher's own spans decoded at this span threshold, "
        "with its technique distributions (the student's technique head learns from them)",
    )
    args = parser.parse_args()
    if args.silver is not None and args.texts is None:
        parser.error("--silver labels transfer texts: give --texts too")
    if args.average:
        average(args.average, args.out, args.names)
        return

    from spinscope.train._setup import prepare_torch

    prepare_torch()
    from spinscope.train._distill import label_corpus

    args.out.mkdir(parents=True, exist_ok=True)
    if args.texts is not None:  # every text, whichever fold's teacher reads them
        corpus, folds = read_texts(args.texts, args.limit), {}
    else:
        corpus = Corpus.load(args.corpus)
        folds = fold_assignment(corpus, args.out)
    for name in args.names:
        fold = int(name.removeprefix("fold")) if name.startswith("fold") else -1
        ids = sorted(corpus.articles) if args.texts else fitting_ids(folds, fold)
        started = time.perf_counter()
        targets = label_corpus(args.teacher / name / "torch", corpus, ids, args.device, args.silver)
        save_targets(args.out / f"{name}.npz", targets)
        took = time.perf_counter() - started
        print(f"{name}: {len(ids)} articles labelled in {took:.0f} s", flush=True)


if __name__ == "__main__":
    main()

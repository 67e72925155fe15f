"""Train 5 cross-validation fold networks and save out-of-fold encoder outputs.

For each fold f, the network is fitted on the articles of the other folds with the shipped
model's training settings (see ``src/spinscope/model/MODEL_CARD.md``), exported to ONNX
(fp32 and int8, as ``spinscope train`` exports), and the int8 tagger runs every held-out
article of fold f. Later work can then tune everything downstream of the encoder on
out-of-fold outputs of all 371 training articles.

    python benchmarks/cv_train.py                          # all folds, into ~/spinscope-cv
    python benchmarks/cv_train.py --out /tmp/cv-smoke --folds 0 --max-steps 3   # smoke run

Other recipes (each into its own ``--out``): ``--encoder DIR --layers N --lr X`` for another
encoder (e.g. all-mpnet-base-v2 as a teacher; ``--freeze 8 --bf16`` fits only its top 4
layers, in bfloat16, which a CPU with AMX tiles can afford; ``--cache-frozen`` computes the
frozen layers' states once instead of at every step), ``--teacher CVDIR --distill
0.5`` to distil fold k from the teacher fitted on the same articles (``CVDIR/foldk/torch``), or
``--teacher-labels DIR`` to read that teacher's targets from ``DIR/foldk.npz`` (written by
``benchmarks/teacher_labels.py`` on any machine, so a GPU machine needs no teacher
weights), ``--full`` to also fit on every article (``full/``, the teacher of a shipped
student), ``--device cuda``, ``--fit-only`` for a teacher (its checkpoint is all a student
needs), ``--transfer-labels DIR --transfer-texts TEXTS`` to also fit on unlabelled texts
taught by the teacher alone (``DIR/foldk.npz``, written by ``teacher_labels.py --texts``;
``spinscope.train._transfer``). ``--folds`` with no fold (and no ``--full``) only writes
``folds.json``: do that first when several processes fit folds of one ``--out`` at once.

Resumable by fold: a fold whose ``fold{f}/done.json`` exists is skipped; a fold whose fit
finished (``fold{f}/torch/train.json``) is exported and run again without refitting. A fit
cut off midway goes on from its last finished epoch (``fold{f}/resume.pt``,
``spinscope.train._resume``) and ends as an uncut fit would have.

Outputs under ``--out``:
    folds.json          article id -> fold
    fold{f}/            torch checkpoint (``torch/``), ONNX files, config and tokenizer
    oof/{id}.npz        one held-out article: see :func:`save_forward`
    log.md              one timing line per finished fold
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from collections import Counter
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np

from _common import PTC
from spinscope import Corpus, Model, Settings
from spinscope._pipeline import Forward
from spinscope._semeval import cv_folds, near_duplicate_groups

OUT = Path.home() / "spinscope-cv"
K = 5

# The shipped model's settings (MODEL_CARD.md, model/config.json): all-MiniLM-L6-v2, first
# 6 layers, seed 13, 6 epochs, batch 16, lr 8e-5 (heads 1e-3), windows 256 overlapping 32.
SHIPPED: dict[str, Any] = {
    "seed": 13,
    "epochs": 6,
    "layers": 6,
    "batch_size": 16,
    "lr": 8e-5,
    "head_lr": 1e-3,
    "window_size": 256,
    "window_overlap": 32,
}


def _id_key(article_id: str) -> tuple[int, str]:
    return (len(article_id), article_id)


def save_forward(path: Path, forward: Forward, fold: int) -> None:
    """Write one article's encoder outputs as an ``.npz`` (atomically, via a temp file).

    Arrays (token indices are article-wide; an article longer than ``piece_chars`` has
    several pieces, each tokenized and windowed on its own):
        token_ids (T,) int32, token_offsets (T, 2) int32: character range of each token;
        token_probs (T, 3) float32: B/I/O probabilities from each token's owner window;
        windows (W, 2) int32: token range [a, b) of each window; row p of a window's
            states holds token a + p - 1 (row 0 is the start token);
        window_piece (W,) int32, pieces (P, 2) int32: token range of each piece;
        hidden (W, L, H) float16: the tagger's token states of each window, padded to L;
        masks (W, L) int8: 1 where ``hidden`` holds a real (or special) token;
        fold () int32.
    """
    ids, offsets, probs, windows, window_piece, pieces = [], [], [], [], [], []
    hidden, masks = [], []
    base = 0
    for k, piece in enumerate(forward.pieces):
        n = len(piece.encoded)
        ids.append(piece.encoded.ids)
        offsets.append(np.asarray(piece.encoded.offsets, dtype=np.int32).reshape(n, 2))
        probs.append(piece.probs)
        windows += [(a + base, b + base) for a, b in piece.windows]
        window_piece += [k] * len(piece.windows)
        pieces.append((base, base + n))
        hidden += piece.hidden
        masks += piece.masks
        base += n
    width = max((h.shape[0] for h in hidden), default=0)
    dim = hidden[0].shape[1] if hidden else 0
    states = np.zeros((len(hidden), width, dim), dtype=np.float16)
    mask_rows = np.zeros((len(hidden), width), dtype=np.int8)
    for w, (h, m) in enumerate(zip(hidden, masks, strict=True)):
        states[w, : h.shape[0]] = h
        mask_rows[w, : m.shape[0]] = m
    if not np.isfinite(states).all():
        raise ValueError(f"{path.name}: token states overflow float16")
    tmp = path.with_suffix(".tmp.npz")
    np.savez(
        tmp,
        token_ids=np.concatenate(ids).astype(np.int32) if ids else np.zeros(0, np.int32),
        token_offsets=np.concatenate(offsets) if offsets else np.zeros((0, 2), np.int32),
        token_probs=np.concatenate(probs).astype(np.float32)
        if probs
        else np.zeros((0, 3), np.float32),
        windows=np.asarray(windows, dtype=np.int32).reshape(-1, 2),
        window_piece=np.asarray(window_piece, dtype=np.int32),
        pieces=np.asarray(pieces, dtype=np.int32).reshape(-1, 2),
        hidden=states,
        masks=mask_rows,
        fold=np.int32(fold),
    )
    os.replace(tmp, path)


def fold_assignment(corpus: Corpus, out: Path) -> dict[str, int]:
    """Compute the folds, print them, and write ``folds.json`` (or check the one there)."""
    folds = cv_folds(corpus.articles, K)
    groups = [g for g in near_duplicate_groups(corpus.articles) if len(g) > 1]
    sizes = Counter(folds.values())
    print(f"{len(groups)} near-duplicate groups (size > 1): {groups}", flush=True)
    print("fold sizes:", [sizes[f] for f in range(K)], flush=True)
    path = out / "folds.json"
    if path.is_file():
        saved = json.loads(path.read_text(encoding="utf-8"))
        if saved != folds:
            raise SystemExit(f"{path} differs from the folds computed now; refusing to mix them")
    else:
        path.write_text(json.dumps(folds, indent=1) + "\n", encoding="utf-8")
    return folds


def fitting_ids(folds: dict[str, int], fold: int) -> list[str]:
    """The articles fold ``fold``'s network is fitted on (all of them for -1), in id order."""
    return sorted((a for a, f in folds.items() if f != fold), key=_id_key)


def recipe(args: argparse.Namespace) -> dict[str, Any]:
    """The training settings: the shipped ones, with the command line's changes."""
    settings = dict(SHIPPED)
    for name in ("seed", "epochs", "layers", "lr"):
        if getattr(args, name) is not None:
            settings[name] = getattr(args, name)
    if args.teacher is not None or args.teacher_labels is not None:
        settings["distill"] = args.distill
    if args.freeze:
        settings["freeze_layers"] = args.freeze
        if args.cache_frozen:
            settings["cache_frozen"] = True
    if args.bf16:
        settings["bf16"] = True
    if args.transfer_texts is not None:
        settings["transfer_texts"] = str(args.transfer_texts)
    return settings


def _teacher_of(args: argparse.Namespace, name: str) -> str:
    """What ``TrainConfig.teacher`` gets for fold ``name``: its targets file or checkpoint."""
    if args.teacher_labels is not None:
        return str(args.teacher_labels / f"{name}.npz")
    return "" if args.teacher is None else str(args.teacher / name / "torch")


def run_fold(
    corpus: Corpus, folds: dict[str, int], fold: int, out: Path, args: argparse.Namespace
) -> dict[str, Any]:
    """Fit, export and run one fold (``fold`` -1: fit on every article, nothing held out);
    returns its timings."""
    from spinscope.train._export import export_checkpoint
    from spinscope.train._fit import TrainConfig, fit
    from spinscope.train._setup import DEFAULT_ENCODER_NAME, default_encoder

    max_steps = args.max_steps
    command = "python " + " ".join(sys.argv)
    train_ids = fitting_ids(folds, fold)
    held_out = sorted((a for a, f in folds.items() if f == fold), key=_id_key)
    name = f"fold{fold}" if fold >= 0 else "full"
    fold_dir = out / name
    fold_dir.mkdir(parents=True, exist_ok=True)
    ckpt = fold_dir / "torch"
    timings: dict[str, Any] = {"fold": fold, "n_train": len(train_ids), "n_oof": len(held_out)}

    started = time.perf_counter()
    if (ckpt / "train.json").is_file():
        meta = json.loads((ckpt / "train.json").read_text(encoding="utf-8"))
        if meta["train_ids"] != train_ids or meta["config"]["max_steps"] != max_steps:
            raise SystemExit(f"{ckpt}: fitted on other articles or settings; remove it first")
        print(f"fold {fold}: fit found, not refitting", flush=True)
    else:
        encoder = str(args.encoder or default_encoder())
        teacher = _teacher_of(args, name)
        transfer = "" if args.transfer_labels is None else str(args.transfer_labels / f"{name}.npz")
        config = TrainConfig(
            encoder, max_steps=max_steps, teacher=teacher, transfer=transfer, **recipe(args)
        )
        print(f"{name}: fitting on {len(train_ids)} articles: {asdict(config)}", flush=True)
        fit(corpus, train_ids, config, fold_dir, command, device=args.device)
        meta = json.loads((ckpt / "train.json").read_text(encoding="utf-8"))
    timings["fit_s"] = round(time.perf_counter() - started, 1)
    timings["fit_s_recorded"] = meta.get("fit_seconds")
    timings["steps"] = meta["history"][-1]["step"] if meta["history"] else 0
    timings["windows"] = meta["windows"]
    if args.fit_only:
        return timings | {"export_s": 0.0, "oof_s": 0.0}

    started = time.perf_counter()
    encoder_name = DEFAULT_ENCODER_NAME if args.encoder is None else args.encoder.name
    export_checkpoint(fold_dir, ckpt, encoder_name)
    timings["export_s"] = round(time.perf_counter() - started, 1)

    started = time.perf_counter()
    oof = out / "oof"
    oof.mkdir(exist_ok=True)
    model = Model.load(fold_dir, Settings(threads=args.threads), tagger_file="tagger.int8.onnx")
    for n, aid in enumerate(held_out, 1):
        save_forward(oof / f"{aid}.npz", model.forward(corpus.articles[aid]), fold)
        if n % 10 == 0 or n == len(held_out):
            print(f"fold {fold}: out-of-fold {n}/{len(held_out)}", flush=True)
    timings["oof_s"] = round(time.perf_counter() - started, 1)
    return timings


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--corpus", type=Path, default=PTC)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--folds", type=int, nargs="*", default=list(range(K)))
    parser.add_argument("--max-steps", type=int, default=0, help="0: full fit (smoke runs: 3)")
    parser.add_argument("--full", action="store_true", help="also fit on every article")
    parser.add_argument("--encoder", type=Path, help="Hugging Face encoder folder")
    parser.add_argument("--layers", type=int)
    parser.add_argument("--epochs", type=int)
    parser.add_argument("--lr", type=float)
    parser.add_argument("--seed", type=int)
    parser.add_argument("--teacher", type=Path, help="cross-validation folder of the teacher")
    parser.add_argument(
        "--teacher-labels", type=Path, help="folder of the teacher's targets (teacher_labels.py)"
    )
    parser.add_argument("--distill", type=float, default=0.5)
    parser.add_argument(
        "--transfer-labels", type=Path, help="teacher's targets on unlabelled texts (--texts)"
    )
    parser.add_argument("--transfer-texts", type=Path, help="folder of those texts (*.txt)")
    parser.add_argument(
        "--freeze", type=int, default=0, help="keep the embeddings and the first N layers fixed"
    )
    parser.add_argument(
        "--cache-frozen",
        action="store_true",
        help="with --freeze: compute the frozen layers' states once, not at every step",
    )
    parser.add_argument("--bf16", action="store_true", help="bf16 autocast on the CPU (AMX)")
    parser.add_argument("--device", default="cpu", help="cpu or cuda")
    parser.add_argument("--threads", type=int, default=2, help="onnxruntime threads")
    parser.add_argument(
        "--fit-only", action="store_true", help="no export, no out-of-fold outputs (teachers)"
    )
    args = parser.parse_args()
    if args.cache_frozen and not args.freeze:
        parser.error("--cache-frozen needs --freeze N")
    if (args.transfer_labels is None) != (args.transfer_texts is None):
        parser.error("--transfer-labels and --transfer-texts go together")
    if args.transfer_labels is not None and args.teacher is None and args.teacher_labels is None:
        parser.error("--transfer-labels needs a teacher (--teacher or --teacher-labels)")
    return args


def start_log(out: Path, args: argparse.Namespace) -> Path:
    """``log.md`` in ``out``, begun with the recipe's settings when it is new."""
    log = out / "log.md"
    if not log.is_file():
        log.write_text(
            "# Cross-validation folds\n\nSettings: "
            + json.dumps(
                {
                    "encoder": str(args.encoder or "all-MiniLM-L6-v2"),
                    **recipe(args),
                    "teacher": str(args.teacher or args.teacher_labels or ""),
                    "max_steps": args.max_steps,
                    "device": args.device,
                }
            )
            + "\n\n",
            encoding="utf-8",
        )
    return log


def main() -> None:
    args = parse_args()
    from spinscope.train._setup import prepare_torch

    prepare_torch()  # OMP_WAIT_POLICY=PASSIVE, offline hub, torch threads = CPU cores
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    corpus = Corpus.load(args.corpus)
    folds = fold_assignment(corpus, out)
    log = start_log(out, args)
    for fold in [*args.folds, *([-1] if args.full else [])]:
        done = out / (f"fold{fold}" if fold >= 0 else "full") / "done.json"
        if done.is_file():
            print(f"fold {fold}: done already, skipped", flush=True)
            continue
        timings = run_fold(corpus, folds, fold, out, args)
        timings["finished"] = datetime.now().isoformat(timespec="seconds")
        timings["machine"] = f"{platform.machine()} with {os.cpu_count()} CPU cores"
        done.write_text(json.dumps(timings, indent=1) + "\n", encoding="utf-8")
        line = (
            f"- fold {fold}: {timings['n_train']} train / {timings['n_oof']} out-of-fold "
            f"articles; {timings['steps']} steps over {timings['windows']} windows; "
            f"fit {timings['fit_s']} s, export {timings['export_s']} s, "
            f"out-of-fold {timings['oof_s']} s; finished {timings['finished']} "
            f"({timings['machine']})\n"
        )
        with log.open("a", encoding="utf-8") as f:
            f.write(line)
        print(line, end="", flush=True)


if __name__ == "__main__":
    main()

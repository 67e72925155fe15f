"""The kit a lent GPU machine needs to fit fold networks, and its helpers there.

The device tool sends the repository (at most 64 MiB) and nothing beside it: not
``../shared`` and not the virtual environment. ``prepare`` writes ``.gpu/`` (ignored by
git through ``.git/info/exclude``) with what the fits read: the encoder's weights as
float16 (45 MB instead of 91) and the PTC training split. The shipped model folder must
stay behind for the tree to fit; ``README.md`` beside this file gives the whole recipe.

    python benchmarks/device/kit.py prepare          # here, before the device calls
    python benchmarks/device/kit.py clean            # here, after them
    python3 benchmarks/device/kit.py fp32 .gpu/all-MiniLM-L6-v2        # there
    python3 benchmarks/device/kit.py complete CV FOLD .gpu/ptc         # there
"""

from __future__ import annotations

import argparse
import json
import shutil
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
KIT = ROOT / ".gpu"
ENCODER_FILES = (
    "config.json",
    "tokenizer.json",
    "tokenizer_config.json",
    "special_tokens_map.json",
    "vocab.txt",
)


def prepare(ptc: Path) -> None:
    """Write ``.gpu/``: the default encoder as float16 and a copy of the PTC split."""
    import numpy as np
    from safetensors.numpy import load_file, save_file

    from spinscope.train._setup import DEFAULT_ENCODER_NAME, default_encoder

    exclude = ROOT / ".git" / "info" / "exclude"
    if "/.gpu/" not in exclude.read_text(encoding="utf-8").split():
        with exclude.open("a", encoding="utf-8") as f:
            f.write("/.gpu/\n")
    source = default_encoder()
    encoder = KIT / DEFAULT_ENCODER_NAME
    encoder.mkdir(parents=True, exist_ok=True)
    for name in ENCODER_FILES:
        shutil.copyfile(source / name, encoder / name)
    weights = load_file(str(source / "model.safetensors"))
    half = {k: v.astype(np.float16) if v.dtype == np.float32 else v for k, v in weights.items()}
    save_file(half, str(encoder / "model16.safetensors"))
    shutil.rmtree(KIT / "ptc", ignore_errors=True)
    shutil.copytree(ptc, KIT / "ptc")
    size = sum(p.stat().st_size for p in KIT.rglob("*") if p.is_file())
    print(f"{KIT}: {size / 2**20:.0f} MiB; keep the tree under 64 MiB (see README.md)")


def to_fp32(folder: Path) -> None:
    """Cast ``model16.safetensors`` back to float32 ``model.safetensors`` (needs torch)."""
    from safetensors.torch import load_file, save_file

    weights = load_file(str(folder / "model16.safetensors"))
    full = {k: (v.float() if v.is_floating_point() else v).contiguous() for k, v in weights.items()}
    save_file(full, str(folder / "model.safetensors"), metadata={"format": "pt"})
    print(f"{folder}: {len(full)} tensors as float32")


def complete(cv: Path, fold: int, ptc: Path) -> None:
    """Fit fold ``fold``'s e2e head, as ``spinscope train --cv`` would, so that the folds'
    heads can be fitted at once in separate processes."""
    from spinscope import Corpus
    from spinscope.train._cv import complete_fold

    started = time.perf_counter()
    folds = json.loads((cv / "folds.json").read_text(encoding="utf-8"))
    held = {a for a, f in folds.items() if f == fold}
    complete_fold(cv / f"fold{fold}", Corpus.load(ptc), held)
    print(f"fold {fold}: e2e head in {time.perf_counter() - started:.0f} s", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("prepare")
    p.add_argument("--ptc", type=Path, default=ROOT.parent / "shared" / "ptc" / "train")
    sub.add_parser("clean")
    p = sub.add_parser("fp32")
    p.add_argument("folder", type=Path)
    p = sub.add_parser("complete")
    p.add_argument("cv", type=Path)
    p.add_argument("fold", type=int)
    p.add_argument("ptc", type=Path)
    args = parser.parse_args()
    if args.command == "prepare":
        prepare(args.ptc)
    elif args.command == "clean":
        shutil.rmtree(KIT, ignore_errors=True)
    elif args.command == "fp32":
        to_fp32(args.folder)
    else:
        complete(args.cv, args.fold, args.ptc)


if __name__ == "__main__":
    main()

"""The kit a lent GPU machine needs to fit fold networks, and its helpers there.

The device tool sends the repository (at most 64 MiB) and nothing beside it: not
``../shared`` and not the virtual environment. ``prepare`` writes ``.gpu/`` (ignored by
git through ``.git/info/exclude``) with what the fits read: the encoder's weights as
float16 (45 MB instead of 91) and the PTC training split. The shipped model folder must
stay behind for the tree to fit; ``README.md`` beside this file gives the whole recipe.

An encoder too large for one call (all-mpnet-base-v2: 110M parameters, 219 MB as float16)
travels rounded to int8 per group of 64 weights, in parts: ``prepare --encoder DIR
--int8-parts 2`` writes part 1 into ``.gpu/NAME/`` and part 2 into ``.gpu-part2/NAME/``,
which an earlier call carries and stashes on the warm machine (``stash``); ``fp32`` joins
and widens them there.

    python benchmarks/device/kit.py prepare          # here, before the device calls
    python benchmarks/device/kit.py clean            # here, after them
    python3 benchmarks/device/kit.py stash .gpu-part2                  # there, call 1
    python3 benchmarks/device/kit.py fp32 .gpu/all-MiniLM-L6-v2        # there
    python3 benchmarks/device/kit.py complete CV FOLD .gpu/ptc         # there
"""

from __future__ import annotations

import argparse
import json
import shutil
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
KIT = ROOT / ".gpu"
STASH = Path("/tmp/spinscope-kit")  # on the device machine: outlives a call while it is warm
GROUP = 64  # weights that share one int8 scale
ENCODER_FILES = (
    "config.json",
    "tokenizer.json",
    "tokenizer_config.json",
    "special_tokens_map.json",
    "vocab.txt",
)


def _exclude(folder: str) -> None:
    """Keep ``folder`` (at the repository root) out of git, so it travels only when carried."""
    exclude = ROOT / ".git" / "info" / "exclude"
    # A clone made without git's templates has no info/exclude yet.
    exclude.parent.mkdir(exist_ok=True)
    exclude.touch()
    if f"/{folder}/" not in exclude.read_text(encoding="utf-8").split():
        with exclude.open("a", encoding="utf-8") as f:
            f.write(f"/{folder}/\n")


def quantize(weights: dict[str, Any]) -> dict[str, Any]:
    """Matrices rounded to int8 with one float16 scale per ``GROUP`` weights of a row (saved
    as ``NAME`` and ``NAME.q8scale``); vectors as float16; integer tensors as they are."""
    import numpy as np

    out: dict[str, Any] = {}
    for key, v in weights.items():
        if v.dtype != np.float32:
            out[key] = v
        elif v.ndim == 2 and v.shape[1] % GROUP == 0:
            groups = v.reshape(-1, GROUP)
            scale = np.maximum(np.abs(groups).max(axis=1), 1e-12) / 127.0
            out[key] = np.round(groups / scale[:, None]).astype(np.int8).reshape(v.shape)
            out[key + ".q8scale"] = scale.astype(np.float16)
        else:
            out[key] = v.astype(np.float16)
    return out


def split_parts(tensors: dict[str, Any], parts: int) -> list[dict[str, Any]]:
    """``tensors`` cut into ``parts`` dicts of about equal bytes, a matrix and its scales
    kept together."""
    keys = [k for k in tensors if not k.endswith(".q8scale")]
    size = {k: tensors[k].nbytes + getattr(tensors.get(k + ".q8scale"), "nbytes", 0) for k in keys}
    share = sum(size.values()) / parts
    out: list[dict[str, Any]] = [{} for _ in range(parts)]
    done = 0
    for k in keys:
        part = out[min(int(done // share), parts - 1)]
        part[k] = tensors[k]
        if k + ".q8scale" in tensors:
            part[k + ".q8scale"] = tensors[k + ".q8scale"]
        done += size[k]
    return out


def prepare(
    ptc: Path, encoder_dir: Path | None = None, int8_parts: int = 0, texts: Path | None = None
) -> None:
    """Write ``.gpu/``: an encoder (default: the shipped one) as float16, or as int8 parts
    (part 1 in ``.gpu/``, part i in ``.gpu-parti/``), a copy of the PTC split, and with
    ``texts`` a copy of that folder's ``*.txt`` (transfer texts, ``fit.sh``'s TRANSFER)."""
    import numpy as np
    from safetensors.numpy import load_file, save_file

    from spinscope.train._setup import DEFAULT_ENCODER_NAME, default_encoder

    source = encoder_dir or default_encoder()
    # The shipped encoder's wheel keeps it in a folder named "model": name it as fit.sh reads.
    kept_as = DEFAULT_ENCODER_NAME if encoder_dir is None else encoder_dir.name
    _exclude(".gpu")
    encoder = KIT / kept_as
    encoder.mkdir(parents=True, exist_ok=True)
    for name in ENCODER_FILES:
        if (source / name).is_file():
            shutil.copyfile(source / name, encoder / name)
    weights = load_file(str(source / "model.safetensors"))
    if int8_parts:
        for i, part in enumerate(split_parts(quantize(weights), int8_parts), 1):
            home = KIT if i == 1 else ROOT / f".gpu-part{i}"
            _exclude(home.name)
            path = home / kept_as / f"q8-{i}.safetensors"
            path.parent.mkdir(parents=True, exist_ok=True)
            save_file(part, str(path))
            print(f"{home.name}: part {i} of {kept_as}, {path.stat().st_size / 2**20:.0f} MiB")
    else:
        half = {k: v.astype(np.float16) if v.dtype == np.float32 else v for k, v in weights.items()}
        save_file(half, str(encoder / "model16.safetensors"))
    shutil.rmtree(KIT / "ptc", ignore_errors=True)
    shutil.copytree(ptc, KIT / "ptc")
    shutil.rmtree(KIT / "texts", ignore_errors=True)
    if texts is not None:
        (KIT / "texts").mkdir()
        for path in sorted(texts.glob("*.txt")):
            shutil.copyfile(path, KIT / "texts" / path.name)
    size = sum(p.stat().st_size for p in KIT.rglob("*") if p.is_file())
    print(f"{KIT}: {size / 2**20:.0f} MiB; keep the tree under 64 MiB (see README.md)")


def stash(folder: Path) -> None:
    """Copy an encoder part folder (``.gpu-partN``) to ``STASH``, where a later call on the
    same warm machine finds it."""
    for path in folder.rglob("q8-*.safetensors"):
        target = STASH / path.parent.name / path.name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
        print(f"stashed {target} ({path.stat().st_size / 2**20:.0f} MiB)")


def dequantize(weights: dict[str, Any]) -> dict[str, Any]:
    """The inverse of :func:`quantize`, as float32 torch tensors."""
    out: dict[str, Any] = {}
    for key, v in weights.items():
        if key.endswith(".q8scale"):
            continue
        scale = weights.get(key + ".q8scale")
        if scale is not None:
            v = (v.float().reshape(-1, GROUP) * scale.float()[:, None]).reshape(v.shape)
        out[key] = (v.float() if v.is_floating_point() else v).contiguous()
    return out


def to_fp32(folder: Path) -> None:
    """Write float32 ``model.safetensors`` from the int8 parts ``q8-*.safetensors`` found in
    ``folder`` and ``STASH``, or else from ``model16.safetensors`` (needs torch)."""
    from safetensors.torch import load_file, save_file

    found = [*(STASH / folder.name).glob("q8-*.safetensors"), *folder.glob("q8-*.safetensors")]
    parts = sorted({p.name: p for p in found}.values())
    weights: dict[str, Any] = {}
    for path in parts or [folder / "model16.safetensors"]:
        weights |= load_file(str(path))
    full = dequantize(weights)  # float16 tensors without scales are only widened
    save_file(full, str(folder / "model.safetensors"), metadata={"format": "pt"})
    print(f"{folder}: {len(full)} tensors as float32 from {[p.name for p in parts] or 'float16'}")


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
    p.add_argument("--encoder", type=Path, help="Hugging Face encoder folder (default: shipped)")
    p.add_argument("--int8-parts", type=int, default=0, help="int8 in N parts (0: float16)")
    p.add_argument("--texts", type=Path, help="unlabelled transfer texts (*.txt) to take too")
    sub.add_parser("clean")
    p = sub.add_parser("stash")
    p.add_argument("folder", type=Path)
    p = sub.add_parser("fp32")
    p.add_argument("folder", type=Path)
    p = sub.add_parser("complete")
    p.add_argument("cv", type=Path)
    p.add_argument("fold", type=int)
    p.add_argument("ptc", type=Path)
    args = parser.parse_args()
    if args.command == "prepare":
        prepare(args.ptc, args.encoder, args.int8_parts, args.texts)
    elif args.command == "clean":
        for folder in [KIT, *ROOT.glob(".gpu-part*")]:
            shutil.rmtree(folder, ignore_errors=True)
    elif args.command == "stash":
        stash(args.folder)
    elif args.command == "fp32":
        to_fp32(args.folder)
    else:
        complete(args.cv, args.fold, args.ptc)


if __name__ == "__main__":
    main()

"""Pack a fine-tuned all-mpnet-base-v2 member as the accurate model's shipped parts, and
measure what packing saves and what assembling costs.

    python benchmarks/pack_accurate.py --member /root/ens/cv-mpnet-f8/full \
        --pretrained ~/mpnet/all-mpnet-base-v2/model.safetensors \
        --figures /root/s15/fc-l4ens-f0.json /root/s15/fc-l4ens-f1.json ... \
        --out src/spinscope/accurate

``--figures`` are ``fold_compare.py --json`` outputs comparing the default recipe's fold
network (first column) with the same network plus the member (second); their means with the
shipped decoding go into ``accurate.json``. Packing checks that assembling the parts gives
the member's int8 tagger exactly, then this script times one assembly from the parts.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import resource
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

MEASURES = ("si_f1", "tc_micro_f1", "e2e_micro_f1", "e2e_macro_f1")
ROOT = Path(__file__).resolve().parent.parent


def figures(paths: list[Path]) -> dict[str, Any]:
    """Mean shipped-decoding figures of the ensemble and of its primary alone."""
    runs = [json.loads(p.read_text()) for p in paths]
    primary, ensemble = list(runs[0])[:2]
    out: dict[str, Any] = {
        "split": f"{len(runs)} folds of the 5-fold cross-validation over 371 articles "
        "(fold networks, the shipped decoding; baseline_*: the default model's recipe alone)",
    }
    for m in MEASURES:
        values = [r[ensemble]["shipped decoding"][m] for r in runs]
        base = [r[primary]["shipped decoding"][m] for r in runs]
        out[m] = round(sum(values) / len(values), 4)
        out["baseline_" + m] = round(sum(base) / len(base), 4)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--member", type=Path, required=True, help="a cv_train.py fold or full dir")
    ap.add_argument("--pretrained", type=Path, required=True, help="model.safetensors")
    ap.add_argument("--figures", type=Path, nargs="+", required=True)
    ap.add_argument("--out", type=Path, default=ROOT / "src" / "spinscope" / "accurate")
    ap.add_argument("--model-id", default=f"spinscope-accurate-L4+mpnet4-{date.today():%Y%m%d}")
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    from safetensors.numpy import load

    from spinscope._pipeline import default_model_path
    from spinscope._pipeline._accurate import assemble
    from spinscope.train._pack import pack_member

    data = args.pretrained.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    weights = load(data)
    accurate = {
        "model_id": args.model_id,
        "primary": json.loads((default_model_path() / "config.json").read_text())["model_id"],
        "encoder": "all-MiniLM-L6-v2 (4 layers) + all-mpnet-base-v2 (top 4 of 12 fine-tuned)",
        "validation": figures(args.figures),
    }
    start = time.perf_counter()
    packed = pack_member(args.member, weights, sha, args.out, accurate)
    print(f"packed in {time.perf_counter() - start:.0f} s (the assembly check included)")
    print(f"  pretrained tensors left out: {packed.pretrained}")
    print(f"  fine-tuned tensors as int8 codes: {packed.fine_tuned}")
    print(f"  small tensors kept in the graph: {packed.kept_bytes / 1e6:.2f} MB")
    int8 = (args.member / "tagger.int8.onnx").stat().st_size
    print(f"  parts {packed.parts_bytes / 1e6:.1f} MB, against the int8 tagger {int8 / 1e6:.1f} MB")
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        assemble(args.out, default_model_path(), Path(tmp) / "model", lambda *_: weights)
        print(f"assembled in {time.perf_counter() - start:.1f} s (pretrained tensors in memory)")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6
    print(f"peak RSS {peak:.2f} GB")
    print(json.dumps(accurate, indent=2))


if __name__ == "__main__":
    main()

"""A cross-validation folder whose fold models are ensembles: one folder's networks with
another's taggers as members (``config.json`` ``members``, see ``spinscope._pipeline._members``).

    python benchmarks/ensemble_folder.py --primary ~/ens/cv-v3 --member ~/ens/cv-mpnet-f8 \\
        --out ~/ens/cv-v3+mpnet
    python benchmarks/fold_compare.py --fold 0 --cv ~/ens/cv-v3 ~/ens/cv-v3+mpnet
    python benchmarks/cv.py --cv ~/ens/cv-v3+mpnet --recipe-only   # once all five folds exist

``ensemble_si.py`` measures what averaging buys span identification alone, from kept
out-of-fold probabilities; this measures the ensemble as the run-time pipeline reads it:
the member's BIO probabilities averaged onto the primary's tokens, the primary's technique
heads and token states (with ``--member-heads`` also the member's span head, whose technique
probabilities are averaged in), and an end-to-end head fitted on the ensemble's own
candidates (the first scoring run fits it, as ``cv.py`` fits every fold's). Every fold
both folders have finished is linked (hard links, no copies of the networks); the
primary's end-to-end head, span filter and stacker are left behind, since they were fitted
on its candidates alone.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
from pathlib import Path

MEMBER = "member"
LEFT_BEHIND = {"e2e_head.onnx", "tagger.onnx", "span_filter.npz", "technique_stacker.npz"}


def link(source: Path, target: Path) -> None:
    """Hard-link ``source`` to ``target`` (a copy across file systems)."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def ensemble_fold(primary: Path, member: Path, out: Path, heads: bool = False) -> None:
    """``out``: the fold network ``primary`` with ``member``'s int8 tagger as its member
    (and with ``heads``, its span head)."""
    out.mkdir(parents=True)
    for path in primary.iterdir():
        if path.is_file() and path.name not in LEFT_BEHIND:
            link(path, out / path.name)
    (out / MEMBER).mkdir()
    for name in ("config.json", "tokenizer.json"):
        link(member / name, out / MEMBER / name)
    link(member / "tagger.int8.onnx", out / MEMBER / "tagger.onnx")
    if heads:
        link(member / "span_head.onnx", out / MEMBER / "span_head.onnx")
    config = json.loads((primary / "config.json").read_text(encoding="utf-8"))
    config["members"] = [MEMBER]
    (out / "config.json").unlink()
    (out / "config.json").write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--primary", type=Path, required=True, help="cv_train.py output")
    parser.add_argument("--member", type=Path, required=True, help="cv_train.py output")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument(
        "--member-heads", action="store_true", help="average the member's span head in too"
    )
    args = parser.parse_args()
    folds = (args.primary / "folds.json").read_text(encoding="utf-8")
    if folds != (args.member / "folds.json").read_text(encoding="utf-8"):
        raise SystemExit("the two folders assign articles to folds differently")
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "folds.json").write_text(folds, encoding="utf-8")
    for fold in sorted(args.primary.glob("fold*")) + sorted(args.primary.glob("full")):
        other, target = args.member / fold.name, args.out / fold.name
        done = (fold / "done.json").is_file() and (other / "done.json").is_file()
        if done and not target.exists():
            ensemble_fold(fold, other, target, args.member_heads)
            print(f"{target}: {fold} with {other}'s tagger")


if __name__ == "__main__":
    main()

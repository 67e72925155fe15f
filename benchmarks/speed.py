"""Speed and memory of the shipped path (onnxruntime int8) beside the torch fp32 path.

Both paths run the same network through the same spinscope pipeline (tokenize, windows,
decode, span head); only the sessions differ. Each path runs in its own process so its
peak RSS is its own.

    python benchmarks/speed.py                     # all 371 training articles
    python benchmarks/speed.py --limit 100 --checkpoint runs/v1/torch

Needs the PTC training split at ../shared/ptc/train and, for the torch path, the
`train` extra and the torch checkpoint that `spinscope train` leaves in OUT/torch.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PTC = ROOT.parent / "shared" / "ptc" / "train"


class TorchTagger:
    """Stands in for the tagger's onnxruntime session, running the torch checkpoint."""

    def __init__(self, tagger: Any) -> None:
        self.tagger = tagger

    def run(self, outputs: list[str], feeds: dict[str, Any]) -> list[Any]:
        import torch

        with torch.inference_mode():
            logits, hidden = self.tagger(
                torch.from_numpy(feeds["input_ids"]), torch.from_numpy(feeds["attention_mask"])
            )
        return [torch.softmax(logits, -1).numpy(), hidden.numpy()]


class TorchHead:
    """Stands in for a span head's session: softmax or sigmoid over the torch head."""

    def __init__(self, head: Any, sigmoid: bool) -> None:
        self.head = head
        self.sigmoid = sigmoid

    def run(self, outputs: list[str], feeds: dict[str, Any]) -> list[Any]:
        import torch

        with torch.inference_mode():
            logits = self.head(torch.from_numpy(feeds["x"]))
            probs = torch.sigmoid(logits) if self.sigmoid else torch.softmax(logits, -1)
            return [probs.numpy()]


def load(path: str, checkpoint: Path) -> Any:
    from spinscope import Model

    model = Model.load()
    if path == "onnx":
        return model
    import torch

    from spinscope.train._e2e_head import load_e2e_head
    from spinscope.train._net import load_checkpoint

    torch.set_num_threads(2)
    tagger, head, _ = load_checkpoint(checkpoint)
    e2e = load_e2e_head(checkpoint)
    return Model(
        model.path,
        model.config,
        model.tokenizer,
        TorchTagger(tagger),
        TorchHead(head, sigmoid=False),
        TorchHead(e2e, sigmoid=True),
        model.settings,
    )


def measure(path: str, checkpoint: Path, limit: int) -> dict[str, Any]:
    """Analyze the training articles one by one; timings per article."""
    from spinscope._semeval._corpus import read_articles

    articles = list(read_articles(PTC).values())[:limit]
    model = load(path, checkpoint)
    model.analyze(articles[0])  # warm-up
    times = []
    started = time.perf_counter()
    for text in articles:
        t = time.perf_counter()
        model.analyze(text)
        times.append(time.perf_counter() - t)
    total = time.perf_counter() - started
    times.sort()
    return {
        "path": path,
        "articles": len(articles),
        "articles_per_s": len(articles) / total,
        "ms_median": 1000 * statistics.median(times),
        "ms_p95": 1000 * times[int(0.95 * (len(times) - 1))],
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def startup() -> dict[str, float]:
    """Best-of-5 wall time of `import spinscope` and `spinscope --help`."""
    out = {}
    cli = str(Path(sys.executable).with_name("spinscope"))
    for name, cmd in (
        ("import_s", [sys.executable, "-c", "import spinscope"]),
        ("help_s", [cli, "--help"]),
    ):
        best = float("inf")
        for _ in range(5):
            t = time.perf_counter()
            subprocess.run(cmd, check=True, capture_output=True)
            best = min(best, time.perf_counter() - t)
        out[name] = best
    check = "import sys, spinscope; print('torch' in sys.modules)"
    torch_loaded = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True)
    out["torch_imported"] = torch_loaded.stdout.strip() == "True"
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=371)
    parser.add_argument("--checkpoint", type=Path, default=ROOT / "runs" / "v2" / "torch")
    parser.add_argument("--path", choices=["onnx", "torch"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    if args.path:
        print(json.dumps(measure(args.path, args.checkpoint, args.limit)))
        return
    rows = []
    for path in ("onnx", "torch"):
        if path == "torch" and not (args.checkpoint / "train.json").is_file():
            print(f"torch path skipped: no checkpoint at {args.checkpoint}")
            continue
        proc = subprocess.run(
            [
                sys.executable,
                __file__,
                "--path",
                path,
                "--limit",
                str(args.limit),
                "--checkpoint",
                str(args.checkpoint),
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        rows.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    print(f"{'path':<22}{'articles':>9}{'art/s':>8}{'ms med':>9}{'ms p95':>9}{'peak MB':>9}")
    names = {"onnx": "shipped (ORT int8)", "torch": "torch fp32"}
    for r in rows:
        print(
            f"{names[r['path']]:<22}{r['articles']:>9}{r['articles_per_s']:>8.2f}"
            f"{r['ms_median']:>9.1f}{r['ms_p95']:>9.1f}{r['peak_rss_mb']:>9.0f}"
        )
    if len(rows) == 2:
        print(
            "speed-up of the shipped path: "
            f"{rows[0]['articles_per_s'] / rows[1]['articles_per_s']:.2f}x;"
            f" memory ratio {rows[0]['peak_rss_mb'] / rows[1]['peak_rss_mb']:.2f}"
        )
    s = startup()
    print(
        f"import spinscope {s['import_s']:.2f} s; spinscope --help {s['help_s']:.2f} s; "
        f"torch imported by spinscope: {s['torch_imported']}"
    )


if __name__ == "__main__":
    main()

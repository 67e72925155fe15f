"""Throughput and memory of `spinscope batch` beside the raw model in the same run.

For each size (1,000 and 10,000 articles: the 371 training articles repeated under new
ids) and each worker count (1, 2), `spinscope batch` runs in its own process into a fresh
SQLite store; its articles/s and the peak RSS of its process tree are printed beside:

- the raw model: ``Model.analyze`` called article by article in one process (2 threads),
  over the 371 training articles, timed without loading;
- the single-article `spinscope analyze` loop: ``spinscope analyze DIR -f json`` over the
  same 371 articles (one article at a time, as a user would without `batch`).

    python benchmarks/batch.py                       # 1,000 and 10,000; 1 and 2 workers
    python benchmarks/batch.py --sizes 200 --workers 2

Needs the PTC training split at ../shared/ptc/train.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import PTC, run_measured, training_texts, write_corpus

SPINSCOPE = str(Path(sys.executable).parent / "spinscope")
RAW = """
import json, sys, time
from spinscope import load_model
from pathlib import Path
texts = [p.read_text(encoding="utf-8") for p in sorted(Path(sys.argv[1]).glob("article*.txt"))]
model = load_model()
model.analyze(texts[0])
t0 = time.perf_counter()
for t in texts:
    model.analyze(t)
print(json.dumps({"articles": len(texts), "seconds": time.perf_counter() - t0}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    env = {**os.environ, "OMP_WAIT_POLICY": "PASSIVE"}
    tmp = Path(tempfile.mkdtemp(prefix="spinscope-bench-"))
    n_train = len(training_texts())

    seconds, peak, out = run_measured([sys.executable, "-c", RAW, str(PTC / "articles")], env)
    raw = json.loads(out)
    raw_rate = raw["articles"] / raw["seconds"]
    print(
        f"raw model (Model.analyze loop, {raw['articles']} articles): "
        f"{raw_rate:.2f} articles/s, peak RSS {peak / 2**20:.0f} MB",
        flush=True,
    )

    seconds, peak, _ = run_measured(
        [SPINSCOPE, "analyze", str(PTC / "articles"), "-f", "json", "-o", str(tmp / "a.jsonl")], env
    )
    loop_rate = n_train / seconds
    print(
        f"`spinscope analyze DIR -f json` ({n_train} articles, incl. start-up): "
        f"{loop_rate:.2f} articles/s, peak RSS {peak / 2**20:.0f} MB",
        flush=True,
    )

    rows = []
    for size in args.sizes:
        corpus = write_corpus(tmp / f"corpus-{size}.jsonl", size)
        for workers in args.workers:
            db = tmp / f"store-{size}-{workers}.db"
            cmd = [
                SPINSCOPE,
                "batch",
                str(corpus),
                "--db",
                str(db),
                "--workers",
                str(workers),
                "--json",
            ]
            t0 = time.perf_counter()
            seconds, peak, out = run_measured(cmd, env)
            summary = json.loads(out)
            assert summary["analyzed"] == size, summary
            rate = summary["articles_per_second"]
            rows.append((size, workers, rate, time.perf_counter() - t0, peak))
            print(
                f"batch {size:>6,} articles, {workers} worker(s): {rate:.2f} articles/s "
                f"({rate / raw_rate:.0%} of raw), wall {seconds:.0f} s incl. start-up, "
                f"peak RSS {peak / 2**20:.0f} MB",
                flush=True,
            )
            db.unlink()
            for extra in ("-wal", "-shm"):
                Path(str(db) + extra).unlink(missing_ok=True)

    print()
    print("| input | workers | articles/s | vs raw model | peak RSS |")
    print("|---|---|---|---|---|")
    print(f"| raw model loop ({n_train}) | 1 process, 2 threads | {raw_rate:.2f} | 100% | |")
    print(
        f"| `spinscope analyze DIR` ({n_train}) | 1 | {loop_rate:.2f} | "
        f"{loop_rate / raw_rate:.0%} | |"
    )
    for size, workers, rate, _, peak in rows:
        print(
            f"| batch {size:,} | {workers} | {rate:.2f} | {rate / raw_rate:.0%} | "
            f"{peak / 2**20:.0f} MB |"
        )


if __name__ == "__main__":
    main()

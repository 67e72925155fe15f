"""Throughput and memory of `spinscope batch` beside the raw model in the same run.

For each size (1,000 and 10,000 articles: the 371 training articles repeated under new
ids) and each worker count (1, 2), `spinscope batch` runs in its own process into a fresh
SQLite store; its articles/s and the peak RSS of its process tree are printed beside:

- the raw model, timed without loading, over the 371 training articles in one process
  (2 threads): ``Model.pipe`` (what the batch engines run; the bar's reference) and
  ``Model.analyze`` called article by article;
- ``spinscope analyze DIR -f json`` over the same 371 articles (what a user runs without
  `batch`), start-up included.

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
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import PTC, run_measured, training_texts, write_corpus

SPINSCOPE = str(Path(sys.executable).parent / "spinscope")
READ = """
import json, sys, time
from spinscope import load_model
from pathlib import Path
texts = [p.read_text(encoding="utf-8") for p in sorted(Path(sys.argv[1]).glob("article*.txt"))]
model = load_model()
model.analyze(texts[0])
t0 = time.perf_counter()
"""
# The raw model, timed without loading: a Model.analyze loop, and Model.pipe as the batch
# engines call it (Model.pipe_results with its defaults).
RAW = (
    READ
    + """
for t in texts:
    model.analyze(t)
print(json.dumps({"articles": len(texts), "seconds": time.perf_counter() - t0}))
"""
)
PIPE = (
    READ
    + """
for _ in model.pipe_results(texts):
    pass
print(json.dumps({"articles": len(texts), "seconds": time.perf_counter() - t0}))
"""
)


def measure_raw(snippet: str, env: dict[str, str]) -> dict[str, float]:
    """``snippet`` (:data:`RAW` or :data:`PIPE`) over the training articles in its own
    process: articles/s without model load, and the peak RSS of the process."""
    _, peak, out = run_measured([sys.executable, "-c", snippet, str(PTC / "articles")], env)
    raw = json.loads(out)
    return {"articles_per_s": raw["articles"] / raw["seconds"], "peak_mb": peak / 2**20}


def measure_batch(size: int, workers: int, env: dict[str, str], tmp: Path) -> dict[str, float]:
    """``spinscope batch`` over ``size`` articles (the training articles repeated under new
    ids) into a fresh SQLite store: articles/s as it reports them, wall seconds with
    start-up, and the peak RSS of its process tree."""
    corpus = tmp / f"corpus-{size}.jsonl"
    if not corpus.exists():
        write_corpus(corpus, size)
    db = tmp / f"store-{size}-{workers}.db"
    cmd = [SPINSCOPE, "batch", str(corpus), "--db", str(db), "--workers", str(workers), "--json"]
    try:
        seconds, peak, out = run_measured(cmd, env)
    finally:
        for extra in ("", "-wal", "-shm"):
            Path(str(db) + extra).unlink(missing_ok=True)
    summary = json.loads(out)
    assert summary["analyzed"] == size, summary
    return {
        "articles_per_s": summary["articles_per_second"],
        "seconds": seconds,
        "peak_mb": peak / 2**20,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    env = {**os.environ, "OMP_WAIT_POLICY": "PASSIVE"}
    tmp = Path(tempfile.mkdtemp(prefix="spinscope-bench-"))
    n_train = len(training_texts())
    raw = measure_raw(RAW, env)
    raw_rate = raw["articles_per_s"]
    print(
        f"raw model (Model.analyze loop, {n_train} articles): "
        f"{raw_rate:.2f} articles/s, peak RSS {raw['peak_mb']:.0f} MB",
        flush=True,
    )
    pipe_rate = measure_raw(PIPE, env)["articles_per_s"]
    print(f"raw Model.pipe ({n_train} articles): {pipe_rate:.2f} articles/s", flush=True)
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
        for workers in args.workers:
            b = measure_batch(size, workers, env, tmp)
            rows.append((size, workers, b["articles_per_s"], b["peak_mb"]))
            print(
                f"batch {size:>6,} articles, {workers} worker(s): {b['articles_per_s']:.2f} "
                f"articles/s ({b['articles_per_s'] / pipe_rate:.0%} of Model.pipe), wall "
                f"{b['seconds']:.0f} s incl. start-up, peak RSS {b['peak_mb']:.0f} MB",
                flush=True,
            )
    print()
    print("| input | workers | articles/s | vs raw Model.pipe | peak RSS |")
    print("|---|---|---|---|---|")
    print(f"| raw Model.pipe ({n_train}) | 1 process, 2 threads | {pipe_rate:.2f} | 100% | |")
    print(
        f"| raw Model.analyze loop ({n_train}) | 1 process | {raw_rate:.2f} | "
        f"{raw_rate / pipe_rate:.0%} | |"
    )
    print(
        f"| `spinscope analyze DIR` ({n_train}) | 1 | {loop_rate:.2f} | "
        f"{loop_rate / pipe_rate:.0%} | |"
    )
    for size, workers, rate, peak_mb in rows:
        print(
            f"| batch {size:,} | {workers} | {rate:.2f} | {rate / pipe_rate:.0%} | "
            f"{peak_mb:.0f} MB |"
        )


if __name__ == "__main__":
    main()

"""Kill-and-resume: `spinscope batch` killed with SIGKILL at random points, then resumed.

A JSONL corpus (the training articles repeated under new ids) goes into a fresh SQLite
store (or ``--db URL``). The run is started and killed ``--kills`` times at a random moment
(seeded), then run to the end; the store must then hold every article exactly once.

    python benchmarks/resume.py                      # 400 articles, 5 kills, 2 workers
    python benchmarks/resume.py --db postgresql://spinscope@127.0.0.1:55432/spinscope_test
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import write_corpus

SPINSCOPE = str(Path(sys.executable).parent / "spinscope")


def counts(db: str) -> tuple[int, int, int]:
    """(analyses, distinct article keys, articles) in the store."""
    from sqlalchemy import func, select

    from spinscope._store import Store
    from spinscope._store._schema import analyses, articles

    with Store.open(db) as store, store.engine.connect() as conn:
        n = conn.execute(select(func.count()).select_from(analyses)).scalar() or 0
        keys = conn.execute(select(func.count(articles.c.key.distinct()))).scalar() or 0
        arts = conn.execute(select(func.count()).select_from(articles)).scalar() or 0
    return int(n), int(keys), int(arts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=400)
    parser.add_argument("--kills", type=int, default=5)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--db", default=None, help="store (default: a fresh SQLite file)")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    tmp = Path(tempfile.mkdtemp(prefix="spinscope-resume-"))
    corpus = write_corpus(tmp / "corpus.jsonl", args.articles)
    db = args.db or str(tmp / "store.db")
    cmd = [SPINSCOPE, "batch", str(corpus), "--db", db, "--workers", str(args.workers), "-q"]
    env = {**os.environ, "OMP_WAIT_POLICY": "PASSIVE"}
    for k in range(args.kills):
        delay = rng.uniform(3.0, 12.0)
        proc = subprocess.Popen(cmd, env=env, stderr=subprocess.DEVNULL, start_new_session=True)
        time.sleep(delay)
        # The whole process group, workers included, as a crash or an OOM kill would.
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        n, keys, arts = counts(db)
        print(
            f"kill {k + 1}: after {delay:.1f} s, {n} analyses stored ({keys} distinct keys)",
            flush=True,
        )
    t0 = time.perf_counter()
    out = subprocess.run([*cmd, "--json"], env=env, capture_output=True, text=True, check=True)
    summary = json.loads(out.stdout)
    n, keys, arts = counts(db)
    print(
        f"final run: {summary['analyzed']} analyzed, {summary['skipped']} skipped as done, "
        f"{summary['failed']} failed, in {time.perf_counter() - t0:.0f} s"
    )
    ok = n == keys == arts == args.articles
    print(
        f"store: {n} analyses, {keys} distinct keys, {arts} articles for {args.articles} "
        f"inputs -> {'every article stored exactly once' if ok else 'MISMATCH'}"
    )
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()

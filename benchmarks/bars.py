"""The speed figures of issue 10, each beside its baseline measured in the same run.

1. ``spinscope analyze DIR -f json -o FILE`` over the first N training articles: the whole
   command, model load included, as articles/s and peak RSS, for this checkout and for a
   baseline revision (default 77b59eb: code and shipped model before the speed work),
   checked out with ``git worktree add`` into a temporary directory outside the
   repository; runs alternate (current, baseline, current, ...) and medians are printed.
2. A BERT-base reference: a torch fp32 token classifier of ``BertConfig()`` size, randomly
   initialised with a fixed seed (nothing downloaded), over the same articles in 512-token
   windows, batches of 8, 2 threads, in its own process; timed from reading the articles,
   model construction included (the torch import is not, which favours the reference).
3. One typical article (the median length of the N) end to end: ``spinscope analyze FILE``,
   median of 5 runs, current and baseline alternating.
4. A 5 MB text (training articles joined by blank lines): ``spinscope analyze FILE -f json
   -o /dev/null``, seconds and peak RSS; this checkout only unless ``--big-baseline``.
5. The physical limit recorded in experiments.md, the same limit recomputed from the
   shipped config for these articles, and the measured milliseconds per article.
6. The web app under load (``load.py``): 16 closed-loop clients send 400 training articles
   to ``spinscope serve`` on loopback, current and baseline one after the other: requests/s,
   latency percentiles, errors, the server's memory.
7. ``spinscope batch`` (``batch.py``, 1 worker) over 1,000 articles (``--batch-sizes 1000
   10000`` adds the memory check), beside ``Model.pipe`` over the 371 training articles in
   its own process, model load not timed: the batch engine's share of the raw pipe.

    python benchmarks/bars.py                   # from the repository root, or python bars.py
    python benchmarks/bars.py --limit 20 --repeats 1 --skip-big --json

Run it with the project's virtualenv python (the reference needs the ``train`` extra).
Needs the PTC training split at ../shared/ptc/train; the articles are linked from a
temporary directory, never copied into the repository. Progress goes to stderr.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _bars_report import (
    BAR_ARTICLES_PER_S,
    BAR_BATCH_SHARE,
    BAR_BIG_MB,
    BAR_BIG_S,
    BAR_FLAT_GROWTH,
    BAR_REFERENCE_RATIO,
    BAR_SINGLE_S,
    BAR_WEB_P95_MS,
    render,
)
from _common import PTC, ROOT
from _reference import physical_limit
from batch import PIPE, measure_batch, measure_raw
from load import measure_load

ARTICLES = PTC / "articles"
CLI = "from spinscope._cli import main; main()"


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@dataclass(frozen=True)
class Timed:
    """One measured process: wall seconds and its peak resident memory."""

    seconds: float
    peak_mb: float


def run_timed(cmd: list[str], env: dict[str, str]) -> tuple[Timed, str]:
    """Run ``cmd`` to the end; its :class:`Timed` and its stdout.

    ``os.wait4`` gives the rusage of this one child, where ``RUSAGE_CHILDREN`` would be
    the maximum over every child waited for so far.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            err.seek(0)
            tail = err.read().decode(errors="replace")[-3000:]
            raise SystemExit(f"{' '.join(cmd)} exited with {proc.returncode}:\n{tail}")
        out.seek(0)
        return Timed(seconds, usage.ru_maxrss / 1024), out.read().decode()


@dataclass(frozen=True)
class Checkout:
    """A revision of spinscope run from its ``src`` with this virtualenv's python."""

    name: str
    src: Path
    commit: str

    def env(self) -> dict[str, str]:
        # PYTHONPATH goes before site-packages, so it wins over the editable install.
        return {**os.environ, "PYTHONPATH": str(self.src), "OMP_WAIT_POLICY": "PASSIVE"}

    def analyze(self, *args: str) -> Timed:
        return run_timed([sys.executable, "-c", CLI, "analyze", *args], self.env())[0]

    def check_loads_own_code(self) -> None:
        where = subprocess.run(
            [sys.executable, "-c", "import spinscope; print(spinscope.__file__)"],
            env=self.env(),
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        if not Path(where).resolve().is_relative_to(self.src.resolve()):
            raise SystemExit(f"{self.name}: spinscope imported from {where}, not {self.src}")


def git(*args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(ROOT), *args], capture_output=True, text=True, check=True
    ).stdout.strip()


@contextmanager
def baseline_checkout(rev: str, where: Path) -> Iterator[Checkout]:
    """``rev`` checked out at ``where`` (outside the repository) for the duration."""
    try:
        commit = git("rev-parse", "--verify", f"{rev}^{{commit}}")
    except subprocess.CalledProcessError as exc:
        raise SystemExit(f"--baseline-rev {rev}: {exc.stderr.strip()}") from exc
    git("worktree", "add", "--detach", "--quiet", str(where), commit)
    try:
        yield Checkout(f"baseline {rev}", where / "src", commit)
    finally:
        git("worktree", "remove", "--force", str(where))


def link_articles(paths: Sequence[Path], folder: Path) -> Path:
    folder.mkdir()
    for path in paths:
        (folder / path.name).symlink_to(path)
    return folder


def write_big_text(path: Path, size: int) -> int:
    """Join training articles (cycling) with blank lines up to ``size`` bytes, the last
    one cut at a space; the number of bytes written."""
    texts = [p.read_bytes().strip() for p in sorted(ARTICLES.glob("article*.txt"))]
    parts: list[bytes] = []
    # Each part costs its bytes and a separator; the final newline takes the last one's.
    total, i = 0, 0
    while total + len(texts[i % len(texts)]) + 2 <= size:
        parts.append(texts[i % len(texts)])
        total += len(parts[-1]) + 2
        i += 1
    # A space is never inside a UTF-8 sequence, so cutting there keeps the text valid.
    tail = texts[i % len(texts)][: size - total - 1].rpartition(b" ")[0]
    if tail:
        parts.append(tail)
    data = b"\n\n".join(parts) + b"\n"
    path.write_bytes(data)
    return len(data)


def summary(runs: list[Timed], articles: int) -> dict[str, Any]:
    seconds = statistics.median(r.seconds for r in runs)
    return {
        "runs_s": [round(r.seconds, 3) for r in runs],
        "median_s": seconds,
        "articles_per_s": articles / seconds,
        "peak_rss_mb": statistics.median(r.peak_mb for r in runs),
    }


def alternate(checkouts: Sequence[Checkout], times: int, *args: str) -> dict[str, list[Timed]]:
    """Run ``spinscope analyze ARGS`` ``times`` rounds, each checkout once per round, so a
    change in the machine's load falls on both alike."""
    runs: dict[str, list[Timed]] = {c.name: [] for c in checkouts}
    for round_ in range(times):
        for checkout in checkouts:
            log(f"  round {round_ + 1}/{times}: {checkout.name}")
            runs[checkout.name].append(checkout.analyze(*args))
    return runs


def measure_corpus(
    checkouts: Sequence[Checkout], corpus: Path, n: int, repeats: int, tmp: Path
) -> dict[str, Any]:
    log(f"1. analyze DIR -f json over {n} articles")
    out = tmp / "corpus.jsonl"
    runs = alternate(checkouts, repeats, str(corpus), "-f", "json", "-o", str(out))
    current, baseline = (summary(runs[c.name], n) for c in checkouts)
    return {
        "current": current,
        "baseline": baseline,
        "ratio": current["articles_per_s"] / baseline["articles_per_s"],
        "bar_articles_per_s": BAR_ARTICLES_PER_S,
        "met": current["articles_per_s"] >= BAR_ARTICLES_PER_S,
    }


def measure_single(
    checkouts: Sequence[Checkout], paths: Sequence[Path], runs: int
) -> dict[str, Any]:
    # The median length stands for a typical article.
    path = sorted(paths, key=lambda p: p.stat().st_size)[len(paths) // 2]
    log(f"3. analyze FILE on {path.name}")
    timed = alternate(checkouts, runs, str(path))
    current, baseline = (summary(timed[c.name], 1) for c in checkouts)
    return {
        "article": path.stem,
        "chars": len(path.read_text(encoding="utf-8")),
        "current": current,
        "baseline": baseline,
        "ratio": current["median_s"] / baseline["median_s"],
        "bar_s": BAR_SINGLE_S,
        "met": current["median_s"] < BAR_SINGLE_S,
    }


def measure_big(checkouts: Sequence[Checkout], size: int, tmp: Path) -> dict[str, Any]:
    path = tmp / "big.txt"
    written = write_big_text(path, size)
    figures: dict[str, Any] = {"bytes": written, "current": None, "baseline": None}
    for checkout, key in zip(checkouts, ("current", "baseline"), strict=False):
        log(f"4. analyze a {written:,}-byte text: {checkout.name}")
        timed = checkout.analyze(str(path), "-f", "json", "-o", os.devnull)
        figures[key] = {"seconds": timed.seconds, "peak_rss_mb": timed.peak_mb}
    current = figures["current"]
    figures |= {"bar_s": BAR_BIG_S, "bar_mb": BAR_BIG_MB}
    figures["met"] = current["seconds"] < BAR_BIG_S and current["peak_rss_mb"] < BAR_BIG_MB
    return figures


def measure_reference(corpus: Path, n: int, current_rate: float) -> dict[str, Any]:
    log(f"2. BERT-base fp32 reference over {n} articles")
    env = {**os.environ, "OMP_WAIT_POLICY": "PASSIVE"}
    timed, out = run_timed(
        [sys.executable, str(Path(__file__).with_name("_reference.py")), str(corpus)], env
    )
    figures: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    figures |= {"process_s": timed.seconds, "peak_rss_mb": timed.peak_mb}
    figures["ratio"] = current_rate / figures["articles_per_s"]
    figures |= {"bar_ratio": BAR_REFERENCE_RATIO, "met": figures["ratio"] >= BAR_REFERENCE_RATIO}
    return figures


def measure_all(args: argparse.Namespace) -> dict[str, Any]:
    paths = sorted(ARTICLES.glob("article*.txt"))[: args.limit]
    if not paths:
        raise SystemExit(f"no training articles under {ARTICLES}")
    figures: dict[str, Any] = {
        "cpus": os.cpu_count(),
        "load_1min_at_start": os.getloadavg()[0],
        "articles": len(paths),
    }
    with ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="spinscope-bars-")))
        current = Checkout("current", ROOT / "src", git("rev-parse", "HEAD") + " + work tree")
        baseline = stack.enter_context(baseline_checkout(args.baseline_rev, tmp / "baseline"))
        for checkout in (current, baseline):
            checkout.check_loads_own_code()
        figures |= {"current_rev": current.commit, "baseline_rev": baseline.commit}
        corpus = link_articles(paths, tmp / "articles")
        both = (current, baseline)
        figures["corpus"] = measure_corpus(both, corpus, len(paths), args.repeats, tmp)
        rate = figures["corpus"]["current"]["articles_per_s"]
        figures["reference"] = (
            None if args.skip_reference else measure_reference(corpus, len(paths), rate)
        )
        figures["single"] = measure_single(both, paths, args.single_runs)
        big_runs = both if args.big_baseline else (current,)
        figures["big"] = None if args.skip_big else measure_big(big_runs, args.big_bytes, tmp)
        figures["web"] = None if args.skip_web else measure_web(both, args)
        figures["batch"] = None if args.skip_batch else measure_batches(args.batch_sizes, tmp)
    figures["physical"] = physical_limit(paths, 1000 / rate)
    return figures


def measure_web(checkouts: Sequence[Checkout], args: argparse.Namespace) -> dict[str, Any]:
    """One load run (``load.py``) against each checkout's ``spinscope serve``."""
    runs = []
    for checkout in checkouts:
        log(f"web load: {checkout.name}")
        runs.append(measure_load(args.web_clients, args.web_requests, env=checkout.env()))
    current, baseline = runs
    met = current["p95_ms"] < BAR_WEB_P95_MS and not current["errors"]
    return {"current": current, "baseline": baseline, "met": met}


def measure_batches(sizes: Sequence[int], tmp: Path) -> dict[str, Any]:
    """``Model.pipe`` in its own process, then ``spinscope batch`` (1 worker) at each size."""
    env = {**os.environ, "OMP_WAIT_POLICY": "PASSIVE"}
    log("raw Model.pipe over the training articles")
    pipe = measure_raw(PIPE, env)
    runs = {}
    for size in sizes:
        log(f"spinscope batch, {size} articles")
        runs[size] = measure_batch(size, 1, env, tmp)
    first, last = runs[min(sizes)], runs[max(sizes)]
    shares = [r["articles_per_s"] / pipe["articles_per_s"] for r in runs.values()]
    growth = last["peak_mb"] / first["peak_mb"]
    return {
        "pipe": pipe,
        "runs": runs,
        "share": min(shares),
        "growth": growth,
        "met": min(shares) >= BAR_BATCH_SHARE and growth <= BAR_FLAT_GROWTH,
    }


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--limit", type=int, default=100, help="first N training articles")
    parser.add_argument("--repeats", type=int, default=3, help="rounds of section 1")
    parser.add_argument("--baseline-rev", default="77b59eb", help="git revision to compare")
    parser.add_argument("--skip-reference", action="store_true", help="no BERT-base run")
    parser.add_argument("--skip-big", action="store_true", help="no 5 MB text")
    parser.add_argument(
        "--big-baseline", action="store_true", help="the 5 MB text on the baseline too (slow)"
    )
    parser.add_argument("--big-bytes", type=int, default=5_000_000, help="size of the big text")
    parser.add_argument("--single-runs", type=int, default=5, help="runs of section 3")
    parser.add_argument("--skip-web", action="store_true", help="no web load (section 6)")
    parser.add_argument("--web-clients", type=int, default=16)
    parser.add_argument("--web-requests", type=int, default=400)
    parser.add_argument("--skip-batch", action="store_true", help="no batch run (section 7)")
    parser.add_argument(
        "--batch-sizes", type=int, nargs="+", default=[1000], help="articles of section 7"
    )
    parser.add_argument("--json", action="store_true", help="one JSON object, no table")
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    figures = measure_all(args)
    print(json.dumps(figures, indent=2) if args.json else render(figures))


if __name__ == "__main__":
    main()

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

import numpy as np
import numpy.typing as npt

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import PTC, ROOT
from batch import PIPE, measure_batch, measure_raw
from load import measure_load

ARTICLES = PTC / "articles"
MODEL = ROOT / "src" / "spinscope" / "model"
CLI = "from spinscope._cli import main; main()"

# The bars issue 10 sets.
BAR_ARTICLES_PER_S = 18.0
BAR_REFERENCE_RATIO = 25.0
BAR_SINGLE_S = 1.0
BAR_BIG_S = 60.0
BAR_BIG_MB = 800.0
BAR_WEB_P95_MS = 1000.0
BAR_BATCH_SHARE = 0.95
BAR_FLAT_GROWTH = 1.10  # "flat": peak memory grows by at most 10% from the smallest size

# Measured in benchmarks/experiments.md ("Speed research"), not in this run.
CITED_GFLOP_PER_ARTICLE = 30.6
CITED_MS_INT8 = 34.0
CITED_MS_FP32_ATTENTION = 49.0
PEAK_INT8_OPS = 900e9  # int8 MatMulInteger on 2 threads: 850-950 GOP/s
PEAK_FP32_FLOPS = 175e9  # onnxruntime fp32 on 2 threads: 150-200 GFLOP/s

REFERENCE_WINDOW = 512
REFERENCE_BATCH = 8


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
        [sys.executable, str(Path(__file__).resolve()), "--reference-worker", str(corpus)], env
    )
    figures: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    figures |= {"process_s": timed.seconds, "peak_rss_mb": timed.peak_mb}
    figures["ratio"] = current_rate / figures["articles_per_s"]
    figures |= {"bar_ratio": BAR_REFERENCE_RATIO, "met": figures["ratio"] >= BAR_REFERENCE_RATIO}
    return figures


def reference_windows(
    tokenizer: Any, texts: Sequence[str], cls_id: int, sep_id: int
) -> list[list[int]]:
    """Every article's tokens in windows of 510, no overlap, each framed by CLS and SEP:
    512 positions is all BERT's position table holds."""
    content = REFERENCE_WINDOW - 2
    windows = []
    for text in texts:
        ids = tokenizer.encode(text, add_special_tokens=False).ids
        for start in range(0, len(ids), content):
            windows.append([cls_id, *ids[start : start + content], sep_id])
    return windows


def pad(
    rows: Sequence[list[int]], pad_id: int
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    width = max(len(r) for r in rows)
    ids = np.full((len(rows), width), pad_id, dtype=np.int64)
    mask = np.zeros((len(rows), width), dtype=np.int64)
    for i, row in enumerate(rows):
        ids[i, : len(row)] = row
        mask[i, : len(row)] = 1
    return ids, mask


def reference_worker(corpus: Path) -> None:
    """In its own process: BERT-base fp32 over the articles in ``corpus``; one JSON line."""
    # OpenMP reads its wait policy once, when torch loads it; spinning would steal the
    # cores from the measurement's own threads.
    os.environ["OMP_WAIT_POLICY"] = "PASSIVE"
    import torch
    from tokenizers import Tokenizer
    from transformers import BertConfig, BertForTokenClassification

    torch.set_num_threads(2)
    config = json.loads((MODEL / "config.json").read_text(encoding="utf-8"))
    started = time.perf_counter()
    texts = [p.read_text(encoding="utf-8") for p in sorted(corpus.glob("article*.txt"))]
    tokenizer = Tokenizer.from_file(str(MODEL / "tokenizer.json"))
    tokenizer.no_truncation()
    tokenizer.no_padding()
    torch.manual_seed(0)
    # BIO tags over the techniques, as the shipped tagger; speed does not depend on it.
    labels = 2 * len(config["techniques"]) + 1
    bert = BertConfig()
    bert.num_labels = labels
    # Any: transformers' model classes are only partly typed.
    model: Any = BertForTokenClassification(bert)
    model.eval()
    built = time.perf_counter()
    windows = reference_windows(tokenizer, texts, config["cls_id"], config["sep_id"])
    with torch.inference_mode():
        for i in range(0, len(windows), REFERENCE_BATCH):
            ids, mask = pad(windows[i : i + REFERENCE_BATCH], config["pad_id"])
            model(input_ids=torch.from_numpy(ids), attention_mask=torch.from_numpy(mask))
    seconds = time.perf_counter() - started
    result = {
        "articles": len(texts),
        "windows": len(windows),
        "parameters": sum(p.numel() for p in model.parameters()),
        "construction_s": built - started,
        "seconds": seconds,
        "articles_per_s": len(texts) / seconds,
    }
    print(json.dumps(result))


def window_flops(tokens: int, layers: int, hidden: int, intermediate: int) -> tuple[int, int]:
    """Floating-point operations of one window: (dense layers, attention products)."""
    dense = 2 * tokens * layers * (4 * hidden * hidden + 2 * hidden * intermediate)
    attention = 2 * layers * 2 * tokens * tokens * hidden
    return dense, attention


def physical_limit(paths: Sequence[Path], measured_ms: float) -> dict[str, Any]:
    """The shipped network's FLOPs over these articles and the time they take at the peak
    rates measured in experiments.md, beside the measured time per article."""
    from tokenizers import Tokenizer

    from spinscope._pipeline._tokens import encode_article, prepare_tokenizer
    from spinscope._pipeline._windows import plan_windows

    config = json.loads((MODEL / "config.json").read_text(encoding="utf-8"))
    layers, hidden = config["layers"], config["hidden_size"]
    # The config does not store it; MiniLM, like BERT, uses four times the hidden size.
    intermediate = 4 * hidden
    tokenizer = prepare_tokenizer(Tokenizer.from_file(str(MODEL / "tokenizer.json")))
    dense = attention = windows = 0
    for path in paths:
        n = len(encode_article(tokenizer, path.read_text(encoding="utf-8")))
        for start, end in plan_windows(n, config["window_size"] - 2, config["window_overlap"]):
            d, a = window_flops(end - start + 2, layers, hidden, intermediate)
            dense, attention, windows = dense + d, attention + a, windows + 1
    n = len(paths)
    ms_int8 = 1000 * (dense + attention) / PEAK_INT8_OPS / n
    ms_fp32_attention = 1000 * (dense / PEAK_INT8_OPS + attention / PEAK_FP32_FLOPS) / n
    return {
        "cited": {
            "gflop_per_article": CITED_GFLOP_PER_ARTICLE,
            "ms_int8": CITED_MS_INT8,
            "ms_fp32_attention": CITED_MS_FP32_ATTENTION,
        },
        "windows_per_article": windows / n,
        "gflop_per_article": (dense + attention) / n / 1e9,
        "ms_int8": ms_int8,
        "ms_fp32_attention": ms_fp32_attention,
        "measured_ms_per_article": measured_ms,
    }


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


def mark(met: bool) -> str:
    return "[met]" if met else "[NOT met]"


def row(label: str, current: str, baseline: str = "", ratio: str = "", bar: str = "") -> str:
    return f"  {label:<38}{current:>11}{baseline:>11}{ratio:>9}   {bar}".rstrip()


def render_corpus(f: dict[str, Any]) -> list[str]:
    cur, base = f["current"], f["baseline"]
    return [
        f"1. spinscope analyze DIR -f json -o FILE, model load included,"
        f" median of {len(cur['runs_s'])}",
        row(
            "articles/s",
            f"{cur['articles_per_s']:.2f}",
            f"{base['articles_per_s']:.2f}",
            f"{f['ratio']:.2f}x",
            f"bar >= {BAR_ARTICLES_PER_S:g} articles/s {mark(f['met'])}",
        ),
        row("wall s", f"{cur['median_s']:.2f}", f"{base['median_s']:.2f}"),
        row(
            "peak RSS MB",
            f"{cur['peak_rss_mb']:.0f}",
            f"{base['peak_rss_mb']:.0f}",
            f"{cur['peak_rss_mb'] / base['peak_rss_mb']:.2f}x",
        ),
        "  runs s: current "
        + ", ".join(f"{s:.2f}" for s in cur["runs_s"])
        + "; baseline "
        + ", ".join(f"{s:.2f}" for s in base["runs_s"]),
    ]


def render_reference(f: dict[str, Any] | None) -> list[str]:
    title = "2. BERT-base fp32 reference (torch, 512-token windows, batch 8, 2 threads)"
    if f is None:
        return [title, "  skipped (--skip-reference)"]
    return [
        title,
        row("articles/s, construction included", f"{f['articles_per_s']:.3f}"),
        row(
            "current / reference",
            f"{f['ratio']:.1f}x",
            bar=f"bar >= {BAR_REFERENCE_RATIO:g}x {mark(f['met'])}",
        ),
        f"  {f['windows']} windows, {f['parameters'] / 1e6:.0f}M parameters, construction"
        f" {f['construction_s']:.1f} s, process {f['process_s']:.1f} s,"
        f" peak RSS {f['peak_rss_mb']:.0f} MB",
    ]


def render_single(f: dict[str, Any]) -> list[str]:
    cur, base = f["current"], f["baseline"]
    return [
        f"3. spinscope analyze FILE, one article ({f['article']}, {f['chars']:,} chars),"
        f" median of {len(cur['runs_s'])}",
        row(
            "seconds",
            f"{cur['median_s']:.2f}",
            f"{base['median_s']:.2f}",
            f"{f['ratio']:.2f}x",
            f"bar < {BAR_SINGLE_S:g} s {mark(f['met'])}",
        ),
        row("peak RSS MB", f"{cur['peak_rss_mb']:.0f}", f"{base['peak_rss_mb']:.0f}"),
    ]


def render_big(f: dict[str, Any] | None) -> list[str]:
    if f is None:
        return ["4. big text: skipped (--skip-big)"]
    cur, base = f["current"], f["baseline"] or {}
    ok_s, ok_mb = cur["seconds"] < BAR_BIG_S, cur["peak_rss_mb"] < BAR_BIG_MB
    ratio_s = f"{cur['seconds'] / base['seconds']:.2f}x" if base else ""
    return [
        f"4. spinscope analyze FILE -f json -o /dev/null, {f['bytes']:,}-byte text",
        row(
            "seconds",
            f"{cur['seconds']:.1f}",
            f"{base['seconds']:.1f}" if base else "-",
            ratio_s,
            f"bar < {BAR_BIG_S:g} s {mark(ok_s)}",
        ),
        row(
            "peak RSS MB",
            f"{cur['peak_rss_mb']:.0f}",
            f"{base['peak_rss_mb']:.0f}" if base else "-",
            bar=f"bar < {BAR_BIG_MB:g} MB {mark(ok_mb)}",
        ),
    ]


def render_physical(f: dict[str, Any]) -> list[str]:
    c = f["cited"]
    return [
        "5. physical limit of the shipped network on 2 cores",
        f"  physical limit: about {1000 / c['ms_int8']:.0f} articles/s all-int8"
        f" ({c['ms_int8']:g} ms), {1000 / c['ms_fp32_attention']:.0f} with fp32 attention"
        f" ({c['ms_fp32_attention']:g} ms)   [constants from experiments.md,"
        f" {c['gflop_per_article']:g} GFLOP/article, first 100 articles]",
        f"  recomputed from config.json for these articles: {f['windows_per_article']:.2f}"
        f" windows, {f['gflop_per_article']:.1f} GFLOP per article -> {f['ms_int8']:.0f} ms"
        f" all-int8, {f['ms_fp32_attention']:.0f} ms fp32 attention (at the peaks"
        f" in experiments.md: int8 {PEAK_INT8_OPS / 1e9:.0f} GOP/s,"
        f" fp32 {PEAK_FP32_FLOPS / 1e9:.0f} GFLOP/s)",
        f"  measured here: {f['measured_ms_per_article']:.0f} ms per article"
        " (section 1, current, whole command with model load)",
    ]


def render_web(f: dict[str, Any] | None) -> list[str]:
    title = "6. web app: 16 closed-loop clients on loopback (load.py)"
    if f is None:
        return [title, "  skipped (--skip-web)"]
    cur, base = f["current"], f["baseline"]
    title = f"6. web app: {cur['clients']} clients, {cur['requests']} requests (load.py)"
    return [
        title,
        row("requests/s", f"{cur['requests_per_s']:.2f}", f"{base['requests_per_s']:.2f}"),
        row(
            "p95 ms",
            f"{cur['p95_ms']:.0f}",
            f"{base['p95_ms']:.0f}",
            f"{cur['p95_ms'] / base['p95_ms']:.2f}x",
            f"bar < {BAR_WEB_P95_MS:g} ms, 0 errors {mark(f['met'])}",
        ),
        row(
            "p50 / p99 ms",
            f"{cur['p50_ms']:.0f}/{cur['p99_ms']:.0f}",
            f"{base['p50_ms']:.0f}/{base['p99_ms']:.0f}",
        ),
        row("errors", str(len(cur["errors"])), str(len(base["errors"]))),
        row("server RSS MB after", f"{cur['rss_mb'][1]:.0f}", f"{base['rss_mb'][1]:.0f}"),
        row(
            "server CPU ms a request", f"{cur['server_cpu_ms']:.1f}", f"{base['server_cpu_ms']:.1f}"
        ),
    ]


def render_batch(f: dict[str, Any] | None) -> list[str]:
    title = "7. spinscope batch, 1 worker, beside raw Model.pipe (batch.py)"
    if f is None:
        return [title, "  skipped (--skip-batch)"]
    pipe = f["pipe"]["articles_per_s"]
    lines = [title, row("raw Model.pipe articles/s (371)", f"{pipe:.2f}")]
    for size, r in f["runs"].items():
        lines.append(
            row(
                f"batch {int(size):,} articles/s, peak MB",
                f"{r['articles_per_s']:.2f}",
                f"{r['peak_mb']:.0f} MB",
                f"{r['articles_per_s'] / pipe:.0%}",
            )
        )
    flat = f" and peak memory growth {f['growth']:.2f}x <= {BAR_FLAT_GROWTH:g}x"
    lines.append(
        f"  bar: >= {BAR_BATCH_SHARE:.0%} of Model.pipe"
        + (flat if len(f["runs"]) > 1 else "")
        + f" {mark(f['met'])}"
    )
    return lines


def render(figures: dict[str, Any]) -> str:
    head = [
        f"spinscope speed bars (issue 10): {figures['articles']} training articles,"
        f" {figures['cpus']} CPUs, load {figures['load_1min_at_start']:.2f} at start",
        f"current: {figures['current_rev']}",
        f"baseline: {figures['baseline_rev']}",
        "",
        row("", "current", "baseline", "cur/base"),
    ]
    sections = [
        render_corpus(figures["corpus"]),
        render_reference(figures["reference"]),
        render_single(figures["single"]),
        render_big(figures["big"]),
        render_physical(figures["physical"]),
        render_web(figures["web"]),
        render_batch(figures["batch"]),
    ]
    return "\n".join(head + [line for s in sections for line in s])


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
    parser.add_argument("--reference-worker", type=Path, help=argparse.SUPPRESS)
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    if args.reference_worker:
        reference_worker(args.reference_worker)
        return
    figures = measure_all(args)
    print(json.dumps(figures, indent=2) if args.json else render(figures))


if __name__ == "__main__":
    main()

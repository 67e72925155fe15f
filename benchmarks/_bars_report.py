"""The bars issue 10 sets, and the table ``bars.py`` prints its figures in."""

from __future__ import annotations

from typing import Any

from _reference import PEAK_FP32_FLOPS, PEAK_INT8_OPS

# The bars issue 10 sets.
BAR_ARTICLES_PER_S = 18.0
BAR_REFERENCE_RATIO = 25.0
BAR_SINGLE_S = 1.0
BAR_BIG_S = 60.0
BAR_BIG_MB = 800.0
BAR_WEB_P95_MS = 1000.0
BAR_BATCH_SHARE = 0.95
BAR_FLAT_GROWTH = 1.10  # "flat": peak memory grows by at most 10% from the smallest size


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

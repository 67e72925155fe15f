"""A bounded load test of `spinscope serve` on this machine, over loopback only.

Starts the server as its own process, sends real training articles from concurrent
clients, and prints requests per second, latency percentiles, errors and the server's
memory before and after. It stops by itself after the given number of requests.

    python benchmarks/load.py                      # 16 clients, 1,000 requests
    python benchmarks/load.py --clients 4 --requests 200
    python benchmarks/load.py --concurrency 3      # serve's analysis slots
    python benchmarks/load.py --capacity           # and Model.pipe over the same texts

With ``--capacity`` it then runs the same requests' texts through ``Model.pipe`` in this
process, after the server has stopped: the throughput the pipeline allows without HTTP,
and the p95 that closed-loop clients would see at it (about 1.55 times their mean wait,
clients / throughput), so the two figures show what the web path costs.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
PTC = ROOT.parent / "shared" / "ptc" / "train" / "articles"


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cpu_seconds(pid: int) -> float:
    """User plus system CPU seconds that process ``pid`` has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serve(
    *options: str, env: dict[str, str] | None = None
) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """``spinscope serve`` with ``options`` on a free loopback port, once it answers
    health checks: its process and base URL; stopped when the block ends. ``env`` (for
    example a ``PYTHONPATH`` at another checkout) replaces this process's environment."""
    port = free_port()
    cli = str(Path(sys.executable).with_name("spinscope"))
    env = {**(os.environ if env is None else env), "OMP_WAIT_POLICY": "PASSIVE"}
    command = [cli, "serve", "--port", str(port), *options]
    server = subprocess.Popen(command, env=env, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(base + "/api/health", timeout=1).raise_for_status()
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline:
                    raise SystemExit("server did not start") from None
                time.sleep(0.2)
        yield server, base
    finally:
        server.terminate()
        server.wait(10)


def request_texts(requests: int) -> list[str]:
    """The texts of ``requests`` requests: the training articles in order, cycled."""
    articles = [p.read_text(encoding="utf-8") for p in sorted(PTC.glob("article*.txt"))]
    return [articles[i % len(articles)] for i in range(requests)]


def send(base: str, texts: list[str], clients: int) -> tuple[list[float], list[str], float]:
    """POST each of ``texts`` to ``/api/analyze`` from ``clients`` threads, each sending
    its next request when its last one is answered: the latencies (s), the errors and the
    seconds the whole run took."""
    latencies: list[float] = []
    errors: list[str] = []

    def one(text: str, client: httpx.Client) -> None:
        t = time.perf_counter()
        try:
            response = client.post(base + "/api/analyze", json={"text": text})
            if response.status_code != 200:
                errors.append(f"{response.status_code}")
        except httpx.HTTPError as exc:
            errors.append(type(exc).__name__)
        latencies.append(time.perf_counter() - t)

    started = time.perf_counter()
    with httpx.Client(timeout=120) as client, ThreadPoolExecutor(clients) as pool:
        list(pool.map(lambda text: one(text, client), texts))
    return latencies, errors, time.perf_counter() - started


def measure_load(
    clients: int, requests: int, options: tuple[str, ...] = (), env: dict[str, str] | None = None
) -> dict[str, Any]:
    """One load run against a fresh server: throughput, latency percentiles (ms), errors,
    the server's memory and its CPU (and the clients') a request."""
    texts = request_texts(requests)
    with serve(*options, env=env) as (server, base):
        before, cpu_before = rss_mb(server.pid), cpu_seconds(server.pid)
        own_before = time.process_time()
        latencies, errors, elapsed = send(base, texts, clients)
        after, server_cpu = rss_mb(server.pid), cpu_seconds(server.pid) - cpu_before
        client_cpu = time.process_time() - own_before
    latencies.sort()

    def pct(p: float) -> float:
        return 1000 * latencies[min(len(latencies) - 1, int(p * len(latencies)))]

    return {
        "clients": clients,
        "requests": requests,
        "seconds": elapsed,
        "requests_per_s": requests / elapsed,
        "p50_ms": pct(0.50),
        "p95_ms": pct(0.95),
        "p99_ms": pct(0.99),
        "mean_ms": 1000 * statistics.mean(latencies),
        "errors": sorted(errors),
        "rss_mb": [before, after],
        "server_cpu_ms": 1000 * server_cpu / requests,
        "client_cpu_ms": 1000 * client_cpu / requests,
    }


def format_load(f: dict[str, Any]) -> list[str]:
    """The lines :func:`main` prints for one :func:`measure_load` run."""
    errors = f["errors"]
    return [
        f"{f['requests']} requests from {f['clients']} clients in {f['seconds']:.1f} s: "
        f"{f['requests_per_s']:.2f} requests/s",
        f"latency ms: p50 {f['p50_ms']:.0f}  p95 {f['p95_ms']:.0f}  p99 {f['p99_ms']:.0f}  "
        f"mean {f['mean_ms']:.0f}",
        f"errors: {len(errors)} {sorted(set(errors))}",
        f"server RSS: {f['rss_mb'][0]:.0f} MB before, {f['rss_mb'][1]:.0f} MB after",
        # Both share this machine's cores: the server's CPU a request bounds what it can
        # serve (cores / CPU a request), and the clients' share is taken from it.
        f"CPU a request: server {f['server_cpu_ms']:.1f} ms, clients {f['client_cpu_ms']:.1f} ms",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument(
        "--concurrency", type=int, default=None, help="serve's --concurrency (default: its own)"
    )
    parser.add_argument(
        "--capacity", action="store_true", help="also time Model.pipe over the same texts"
    )
    args = parser.parse_args()
    options = () if args.concurrency is None else ("--concurrency", str(args.concurrency))
    figures = measure_load(args.clients, args.requests, options)
    print("\n".join(format_load(figures)))
    if args.capacity:
        print_capacity(request_texts(args.requests), args.clients)


def print_capacity(texts: list[str], clients: int) -> None:
    """``Model.pipe`` over ``texts`` in this process, as the server's analyses run (one
    article's windows at a time): articles/s, CPU an article, and the latency that
    ``clients`` closed-loop clients would see at that rate."""
    from spinscope import Model, Settings

    model = Model.load(None, Settings.from_env())
    list(model.pipe_results(texts[:4], pack_articles=False))  # sessions warmed
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in model.pipe_results(texts, pack_articles=False):
        pass
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    rate = len(texts) / wall
    print(
        f"Model.pipe, same texts, no HTTP: {rate:.2f} articles/s, CPU an article "
        f"{1000 * cpu / len(texts):.1f} ms; {clients} closed-loop clients at that rate wait "
        f"{1000 * clients / rate:.0f} ms on average (p95 about 1.55 times that)"
    )


if __name__ == "__main__":
    main()

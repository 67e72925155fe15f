"""A bounded load test of `spinscope serve` on this machine, over loopback only.

Starts the server as its own process, sends real training articles from concurrent
clients, and prints requests per second, latency percentiles, errors and the server's
memory before and after. It stops by itself after the given number of requests.

    python benchmarks/load.py                      # 16 clients, 1,000 requests
    python benchmarks/load.py --clients 4 --requests 200
    python benchmarks/load.py --concurrency 3      # serve's analysis slots
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

import httpx

ROOT = Path(__file__).resolve().parents[1]
PTC = ROOT.parent / "shared" / "ptc" / "train" / "articles"


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serve(*options: str) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """``spinscope serve`` with ``options`` on a free loopback port, once it answers
    health checks: its process and base URL; stopped when the block ends."""
    port = free_port()
    cli = str(Path(sys.executable).with_name("spinscope"))
    env = {**os.environ, "OMP_WAIT_POLICY": "PASSIVE"}
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument(
        "--concurrency", type=int, default=None, help="serve's --concurrency (default: its own)"
    )
    args = parser.parse_args()
    articles = [p.read_text(encoding="utf-8") for p in sorted(PTC.glob("article*.txt"))]
    options = () if args.concurrency is None else ("--concurrency", str(args.concurrency))
    with serve(*options) as (server, base):
        before = rss_mb(server.pid)
        latencies: list[float] = []
        errors: list[str] = []

        def one(i: int, client: httpx.Client) -> None:
            t = time.perf_counter()
            try:
                response = client.post(
                    base + "/api/analyze", json={"text": articles[i % len(articles)]}
                )
                if response.status_code != 200:
                    errors.append(f"{response.status_code}")
            except httpx.HTTPError as exc:
                errors.append(type(exc).__name__)
            latencies.append(time.perf_counter() - t)

        started = time.perf_counter()
        with httpx.Client(timeout=120) as client, ThreadPoolExecutor(args.clients) as pool:
            list(pool.map(lambda i: one(i, client), range(args.requests)))
        elapsed = time.perf_counter() - started
        after = rss_mb(server.pid)
    latencies.sort()

    def pct(p: float) -> float:
        return 1000 * latencies[min(len(latencies) - 1, int(p * len(latencies)))]

    print(
        f"{args.requests} requests from {args.clients} clients in {elapsed:.1f} s: "
        f"{args.requests / elapsed:.2f} requests/s"
    )
    print(
        f"latency ms: p50 {pct(0.50):.0f}  p95 {pct(0.95):.0f}  p99 {pct(0.99):.0f}  "
        f"mean {1000 * statistics.mean(latencies):.0f}"
    )
    print(f"errors: {len(errors)} {sorted(set(errors))}")
    print(f"server RSS: {before:.0f} MB before, {after:.0f} MB after")


if __name__ == "__main__":
    main()

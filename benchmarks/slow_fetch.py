"""How `spinscope serve` behaves while slow sites and a huge text hold it, over loopback only.

Issue 13's audit found sixty slow URL fetches taking all 40 worker threads (health
answered after 51 s) and a 2 MB text blocking a small request behind it for 71 s. This
starts a slow local site and the server (`--allow-private-urls`, so it may fetch from
loopback), then runs three scenes, probing `/api/health` and a short analysis meanwhile:

1. **Slow fetches**: 60 clients at once ask to analyze a page that answers after 8 s.
2. **A huge text**: one text just under the 2 MB limit, and a short one 0.5 s later.
3. **A slow redirect chain**: 5 hops of 8 s each, against the 10 s fetch timeout.

For each it prints the answers by status, and the health and short-analysis latencies
(median and worst) while the scene ran.

    python benchmarks/slow_fetch.py
"""

from __future__ import annotations

import statistics
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import training_texts
from load import serve

PAGE = "<html><head><title>Slow</title></head><body><p>{}</p></body></html>"
HOP_SECONDS = 8.0
TIMEOUT = 10.0


class SlowSite(BaseHTTPRequestHandler):
    """``/slow/S``: an article page after S seconds; ``/hop/N``: a redirect to
    ``/hop/N-1`` after 8 s (``/hop/0`` is the page)."""

    text = ""

    def do_GET(self) -> None:
        kind, _, arg = self.path.strip("/").partition("/")
        if kind == "hop" and int(arg) > 0:
            time.sleep(HOP_SECONDS)
            self.send_response(302)
            self.send_header("Location", f"/hop/{int(arg) - 1}")
            self.end_headers()
            return
        if kind == "slow":
            time.sleep(float(arg))
        body = PAGE.format(self.text).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_: object) -> None:
        pass


class Probe:
    """Health checks every 0.25 s and a short analysis every second, while a scene runs."""

    def __init__(self, base: str, short: str) -> None:
        self.base, self.short = base, short
        self.health: list[float] = []
        self.analyses: list[float] = []
        self._stop = threading.Event()
        self._threads = [
            threading.Thread(target=self._loop, args=(self._health, 0.25)),
            threading.Thread(target=self._loop, args=(self._analyze, 1.0)),
        ]

    def _health(self, client: httpx.Client) -> None:
        t = time.perf_counter()
        client.get(self.base + "/api/health")
        self.health.append(time.perf_counter() - t)

    def _analyze(self, client: httpx.Client) -> None:
        t = time.perf_counter()
        client.post(self.base + "/api/analyze", json={"text": self.short})
        self.analyses.append(time.perf_counter() - t)

    def _loop(self, probe: Callable[[httpx.Client], None], every: float) -> None:
        with httpx.Client(timeout=300) as client:
            while not self._stop.is_set():
                probe(client)
                self._stop.wait(every)

    def __enter__(self) -> Probe:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join()


def post(base: str, body: dict[str, str]) -> tuple[int, float]:
    t = time.perf_counter()
    with httpx.Client(timeout=300) as client:
        status = client.post(base + "/api/analyze", json=body).status_code
    return status, time.perf_counter() - t


def report(scene: str, answers: list[tuple[int, float]], probe: Probe) -> None:
    statuses = Counter(status for status, _ in answers)
    took = [seconds for _, seconds in answers]

    def ms(values: list[float]) -> str:
        return f"{1000 * statistics.median(values):.0f} / {1000 * max(values):.0f} ms"

    print(
        f"| {scene} | {dict(sorted(statuses.items()))} | {ms(took)} "
        f"| {ms(probe.health)} ({len(probe.health)}) "
        f"| {ms(probe.analyses)} ({len(probe.analyses)}) |",
        flush=True,
    )


def main() -> None:
    texts = [text for _, text in training_texts()]
    SlowSite.text = texts[0]
    site = ThreadingHTTPServer(("127.0.0.1", 0), SlowSite)
    threading.Thread(target=site.serve_forever, daemon=True).start()
    origin = f"http://127.0.0.1:{site.server_address[1]}"
    huge = "\n".join(texts)
    while len(huge.encode()) < 1_990_000:
        huge += "\n" + huge
    huge = huge.encode()[:1_990_000].decode(errors="ignore")
    short = texts[1][:600]
    options = ("--allow-private-urls", "--fetch-timeout", str(TIMEOUT))
    print("| scene | answers by status | answer time (median / worst) ", end="")
    print("| health (n) | short analysis (n) |")
    print("|---|---|---|---|---|")
    with serve(*options) as (_, base):
        with Probe(base, short) as probe, ThreadPoolExecutor(60) as pool:
            url = {"url": f"{origin}/slow/{HOP_SECONDS}"}
            answers = list(pool.map(lambda _: post(base, url), range(60)))
        report("60 slow fetches (8 s each)", answers, probe)
        with Probe(base, short) as probe, ThreadPoolExecutor(2) as pool:
            big = pool.submit(post, base, {"text": huge})
            time.sleep(0.5)
            small = pool.submit(post, base, {"text": short})
            answers = [big.result(), small.result()]
        report(f"{len(huge.encode()) / 1e6:.2f} MB text, then a short one", answers, probe)
        print(f"  (the short one behind it: {answers[1][1]:.2f} s, status {answers[1][0]})")
        with Probe(base, short) as probe:
            answers = [post(base, {"url": f"{origin}/hop/5"})]
        report(f"5 redirect hops of 8 s, timeout {TIMEOUT:.0f} s", answers, probe)
    site.shutdown()


if __name__ == "__main__":
    main()

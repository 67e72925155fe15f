"""A full analysis queue, or every URL fetch slot taken, answers 503 with Retry-After at
once, and health answers even then; the fake model stands in."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Iterator
from typing import Any

import anyio.to_thread
import numpy as np
from fastapi.testclient import TestClient
from starlette.types import ASGIApp, Receive, Scope, Send

from spinscope import Analysis, InputError
from spinscope._ingest import FetchPolicy
from spinscope._web import ServeConfig, create_app
from spinscope._web._analyzer import Analyzer

from ..fakes import GatedTagger, fake_model

# The app answers only Host names of its allowlist (TestClient's own is "testserver").
LOCAL = "http://localhost"


def test_requests_beyond_slots_and_queue_get_503_with_retry_after() -> None:
    tagger = GatedTagger()
    app = create_app(fake_model(tagger=tagger), ServeConfig(concurrency=1, queue=0))
    client = TestClient(app, base_url=LOCAL)
    first: dict[str, Any] = {}

    def hold_the_slot() -> None:
        first["response"] = client.post("/api/analyze", json={"text": "They are traitors."})

    holder = threading.Thread(target=hold_the_slot)
    holder.start()
    assert tagger.entered.wait(10)
    busy = client.post("/api/analyze", json={"text": "Liars!"})
    assert busy.status_code == 503
    assert int(busy.headers["Retry-After"]) >= 1
    assert busy.json()["error"].startswith("busy:")
    tagger.gate.set()
    holder.join(10)
    assert first["response"].status_code == 200
    assert client.post("/api/analyze", json={"text": "Liars!"}).status_code == 200


def test_waiting_requests_run_together_each_with_its_own_result() -> None:
    """Requests that queue while the model runs go through the next run as one batch, in
    their order; a text that cannot be analyzed fails alone, and other settings wait for
    a run of their own."""
    tagger = GatedTagger()
    analyzer = Analyzer(fake_model(tagger=tagger), concurrency=1, queue=8)
    runs: list[list[str]] = []
    pipe_results = analyzer.model.pipe_results

    def recorded(texts: Iterable[str], *args: Any, **kwargs: Any) -> Iterator[Any]:
        runs.append(list(texts))
        return pipe_results(runs[-1], *args, **kwargs)

    analyzer.model.pipe_results = recorded  # type: ignore[method-assign]
    results: dict[str, Any] = {}

    def analyze(text: str, threshold: float | None = None) -> None:
        try:
            results[text] = analyzer.analyze(text, threshold, None)
        except InputError as exc:
            results[text] = exc

    first = threading.Thread(target=analyze, args=("They are traitors.",))
    first.start()
    assert tagger.entered.wait(10)  # the first run holds the only worker
    texts = ["A liar.", "   ", "B liar.", "C."]
    waiting = [threading.Thread(target=analyze, args=(t,)) for t in texts]
    waiting.append(threading.Thread(target=analyze, args=("D liar.", 0.9)))
    for t in waiting:
        t.start()
    deadline = time.monotonic() + 10
    while analyzer.waiting() < len(waiting) and time.monotonic() < deadline:
        time.sleep(0.01)
    tagger.gate.set()
    for t in [first, *waiting]:
        t.join(10)
    assert isinstance(results["   "], InputError)
    for text in ["They are traitors.", "A liar.", "B liar.", "C.", "D liar."]:
        assert isinstance(results[text], Analysis) and results[text].text == text
    assert results["D liar."].threshold == 0.9
    # One run for the first request, one for the four queued with the same settings, one
    # for the request with its own threshold.
    assert runs[0] == ["They are traitors."] and len(runs) == 3
    assert sorted(map(sorted, runs[1:])) == sorted([sorted(texts), ["D liar."]])
    for text in ["A liar.", "B liar.", "C."]:
        assert results[text].to_dict() == analyzer.model.analyze(text).to_dict()


def test_waiting_requests_are_served_in_turn() -> None:
    tagger = GatedTagger()
    analyzer = Analyzer(fake_model(tagger=tagger), concurrency=1, queue=2)
    results: list[str] = []

    def analyze(text: str) -> None:
        results.append(analyzer.analyze(text, None, None).text)

    threads = [threading.Thread(target=analyze, args=(t,)) for t in ("A liar.", "B liar.", "C.")]
    for t in threads:
        t.start()
    assert tagger.entered.wait(10)
    tagger.gate.set()
    for t in threads:
        t.join(10)
    assert sorted(results) == ["A liar.", "B liar.", "C."]
    assert analyzer.retry_after() >= 1


class _FewThreads:
    """The app with the event loop's worker pool cut to ``threads``, so a test can fill it."""

    def __init__(self, app: ASGIApp, threads: int) -> None:
        self.app = app
        self.threads = threads

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        anyio.to_thread.current_default_thread_limiter().total_tokens = self.threads
        await self.app(scope, receive, send)


def test_health_answers_while_every_slot_and_worker_thread_is_busy() -> None:
    tagger = CountingGate()
    app = create_app(fake_model(tagger=tagger), ServeConfig(concurrency=2, queue=0))
    # Different settings, so the two requests cannot share one batch: each holds a slot
    # whichever order the worker threads wake in.
    bodies = [{"text": "They are traitors."}, {"text": "Liars!", "threshold": 0.5}]
    health: dict[str, Any] = {}
    with TestClient(_FewThreads(app, threads=2), base_url=LOCAL) as client:
        holders = [
            threading.Thread(target=client.post, args=("/api/analyze",), kwargs={"json": b})
            for b in bodies
        ]
        asker = threading.Thread(target=lambda: health.update(r=client.get("/api/health")))
        try:
            for holder in holders:
                holder.start()
            assert tagger.both_in.wait(10)  # both slots and both worker threads are taken
            asker.start()
            asker.join(5)
            answered = not asker.is_alive()
        finally:
            tagger.gate.set()  # a failed check above must not leave requests held
            for holder in holders:
                holder.join(10)
            if asker.ident is not None:
                asker.join(10)
    assert answered, "health waited behind the analyses"
    assert health["r"].status_code == 200 and health["r"].json()["status"] == "ok"


class CountingGate(GatedTagger):
    """A :class:`GatedTagger` that also says when two runs are held at once."""

    def __init__(self) -> None:
        super().__init__()
        self.both_in = threading.Event()
        self._runs = 0
        self._lock = threading.Lock()

    def run(self, output_names: list[str], input_feed: dict[str, Any]) -> list[np.ndarray]:
        with self._lock:
            self._runs += 1
            if self._runs >= 2:
                self.both_in.set()
        return super().run(output_names, input_feed)


def test_url_fetches_beyond_their_slots_get_503_with_retry_after() -> None:
    release = threading.Event()
    entered = threading.Event()

    def slow_dns(host: str, port: int) -> list[str]:
        entered.set()
        release.wait(10)
        return ["10.0.0.1"]  # refused once it answers: nothing is ever fetched

    policy = FetchPolicy(timeout=7, resolver=slow_dns)
    client = TestClient(
        create_app(fake_model(), ServeConfig(fetch=policy, fetches=1)), base_url=LOCAL
    )
    first: dict[str, Any] = {}
    holder = threading.Thread(
        target=lambda: first.update(
            r=client.post("/api/analyze", json={"url": "http://a.example/"})
        )
    )
    holder.start()
    assert entered.wait(10)
    busy = client.post("/api/analyze", json={"url": "http://b.example/"})
    release.set()
    holder.join(10)
    assert busy.status_code == 503 and busy.headers["Retry-After"] == "7"
    assert "URL fetches" in busy.json()["error"]
    assert first["r"].status_code == 502
    # Text needs no fetch slot, and the slot is free again afterwards.
    assert client.post("/api/analyze", json={"text": "Liars!"}).status_code == 200
    assert client.post("/api/analyze", json={"url": "http://c.example/"}).status_code == 502

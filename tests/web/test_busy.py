"""A full analysis queue answers 503 with Retry-After at once; the fake model stands in."""

from __future__ import annotations

import threading
from typing import Any

import numpy as np
from fastapi.testclient import TestClient

from spinscope._web import ServeConfig, create_app
from spinscope._web._deps import Analyzer

from ..fakes import FakeTagger, fake_model


class GatedTagger(FakeTagger):
    """Holds every run until ``gate`` is set; ``entered`` says a run has started."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = threading.Event()
        self.entered = threading.Event()

    def run(self, output_names: list[str], input_feed: dict[str, Any]) -> list[np.ndarray]:
        self.entered.set()
        assert self.gate.wait(10)
        return super().run(output_names, input_feed)


def test_requests_beyond_slots_and_queue_get_503_with_retry_after() -> None:
    tagger = GatedTagger()
    app = create_app(fake_model(tagger=tagger), ServeConfig(concurrency=1, queue=0))
    client = TestClient(app)
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

"""Batch runs into a store: resumable, crash-safe, exactly once, bad articles recorded."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import Executable, func, select

from spinscope._batch import BatchOptions, Item, analyze_items, run_batch
from spinscope._errors import InputError
from spinscope._store import Failure, Result, Store
from spinscope._store._schema import analyses, articles, failures, runs
from tests.conftest import ROOT
from tests.fakes import BreakingModel, FakeSpec, fake_model

TEXTS = [
    "They are traitors and liars.",
    "Save our city, save this plan.",
    "A shameful disgrace of cronies.",
    "The plan is the plan.",
]


def write_jsonl(path: Path, n: int, bad: bool = False) -> Path:
    with path.open("w") as f:
        for i in range(n):
            f.write(json.dumps({"id": f"a{i}", "text": TEXTS[i % 4], "source": f"s{i % 3}"}) + "\n")
        if bad:
            f.write("{broken\n")
            f.write(json.dumps({"id": "blank", "text": " "}) + "\n")
    return path


def scalar(store: Store, query: Executable) -> int:
    with store.engine.connect() as conn:
        return int(conn.execute(query).scalar() or 0)


def test_a_batch_stores_every_article_and_records_bad_ones(store: Store, tmp_path: Path) -> None:
    dump = write_jsonl(tmp_path / "d.jsonl", 10, bad=True)
    seen: list[object] = []
    summary = run_batch(
        [str(dump)], store, FakeSpec(), BatchOptions(workers=1, chunk_size=3), seen.append
    )
    assert (summary.analyzed, summary.skipped, summary.failed) == (10, 0, 2)
    assert summary.status == "finished" and seen
    assert scalar(store, select(func.count()).select_from(analyses)) == 10
    with store.engine.connect() as conn:
        reasons = sorted(conn.execute(select(failures.c.reason)).scalars())
    assert reasons[0] == "is empty" and reasons[1].startswith("malformed JSON")
    with store.engine.connect() as conn:
        row = conn.execute(select(runs).where(runs.c.id == summary.run_id)).one()
    assert (row.status, row.analyzed, row.failed) == ("finished", 10, 2)


def test_running_again_skips_what_is_done_and_a_new_model_stores_beside(
    store: Store, tmp_path: Path
) -> None:
    dump = write_jsonl(tmp_path / "d.jsonl", 6)
    run_batch([str(dump)], store, FakeSpec(), BatchOptions(workers=1))
    again = run_batch([str(dump)], store, FakeSpec(), BatchOptions(workers=1))
    assert (again.analyzed, again.skipped) == (0, 6)
    newer = run_batch(
        [str(dump)], store, FakeSpec(model_name="fake-model-2"), BatchOptions(workers=1)
    )
    assert newer.analyzed == 6
    assert scalar(store, select(func.count()).select_from(articles)) == 6
    assert scalar(store, select(func.count()).select_from(analyses)) == 12


def test_a_key_twice_in_the_input_is_stored_once(store: Store, tmp_path: Path) -> None:
    dump = tmp_path / "d.jsonl"
    dump.write_text("".join(json.dumps({"id": "same", "text": t}) + "\n" for t in TEXTS[:2]))
    summary = run_batch([str(dump)], store, FakeSpec(), BatchOptions(workers=1))
    assert (summary.analyzed, summary.skipped) == (1, 1)


def test_two_worker_processes_analyze_the_same_as_one(tmp_path: Path) -> None:
    dump = write_jsonl(tmp_path / "d.jsonl", 12)
    one = Store.open(str(tmp_path / "one.db"))
    two = Store.open(str(tmp_path / "two.db"))
    run_batch([str(dump)], one, FakeSpec(), BatchOptions(workers=1))
    run_batch([str(dump)], two, FakeSpec(), BatchOptions(workers=2, chunk_size=2))

    def spans_by_key(store: Store) -> dict[str, int]:
        q = select(articles.c.key, analyses.c.n_spans).join(analyses)
        with store.engine.connect() as conn:
            return {k: n for k, n in conn.execute(q)}

    assert spans_by_key(one) == spans_by_key(two)
    assert len(spans_by_key(two)) == 12


def test_workers_analyze_through_the_pipe_exactly_as_analyze_does() -> None:
    model = fake_model()
    items = [Item(f"k{i}", f"in:{i}", text) for i, text in enumerate([*TEXTS, " ", *TEXTS])]
    outcomes = analyze_items(model, items, threshold=0.1)
    assert [type(o) for o in outcomes] == [Result] * 4 + [Failure] + [Result] * 4
    for item, outcome in zip(items, outcomes, strict=True):
        if isinstance(outcome, Result):
            assert outcome.article.key == item.key and outcome.seconds >= 0
            assert outcome.analysis == model.analyze(str(item.content), threshold=0.1)
        else:
            assert (outcome.key, outcome.location, outcome.reason) == ("k4", "in:4", "is empty")


def test_an_internal_error_fails_its_article_and_the_rest_go_on() -> None:
    items = [Item(f"k{i}", f"in:{i}", text) for i, text in enumerate(TEXTS)]
    outcomes = analyze_items(BreakingModel(fake_model(), breaks="plan"), items)
    assert [type(o) for o in outcomes] == [Result, Failure, Result, Failure]
    failed = outcomes[1]
    assert isinstance(failed, Failure) and failed.reason == "internal error: RuntimeError: boom"


def test_bad_options_are_input_errors() -> None:
    with pytest.raises(InputError, match="workers"):
        BatchOptions(workers=0)
    with pytest.raises(InputError, match="engine"):
        BatchOptions(engine="spark")


KILLED_RUN = """
import sys
from spinscope._batch import BatchOptions, run_batch
from spinscope._store import Store
from tests.fakes import FakeSpec
run_batch([sys.argv[1]], Store.open(sys.argv[2]), FakeSpec(delay=0.01),
          BatchOptions(workers=int(sys.argv[3]), chunk_size=2))
"""


@pytest.mark.parametrize("workers", [1, 2])
def test_runs_killed_at_random_points_lose_nothing_and_store_once(
    db_url: str, tmp_path: Path, workers: int
) -> None:
    n = 120
    dump = write_jsonl(tmp_path / "d.jsonl", n)
    store = Store.open(db_url)
    count = select(func.count()).select_from(analyses)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for kill in range(3):
        proc = subprocess.Popen(
            [sys.executable, "-c", KILLED_RUN, str(dump), db_url, str(workers)], cwd=ROOT, env=env
        )
        before = scalar(store, count)
        deadline = time.monotonic() + 60
        # Kill once this run has committed something of its own.
        while scalar(store, count) < before + 4 + 3 * kill and time.monotonic() < deadline:
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert scalar(store, count) < n, "the run finished before it was killed"
    final = run_batch([str(dump)], store, FakeSpec(), BatchOptions(workers=1))
    assert final.analyzed + final.skipped == n
    assert scalar(store, count) == n
    distinct = select(func.count(articles.c.key.distinct()))
    assert scalar(store, distinct) == n
    store.close()

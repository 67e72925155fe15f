"""Batch runs that meet a refusing store, a NUL, a killed predecessor or failed inputs
(issue 13, items 14 and 15)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import pytest
from sqlalchemy import func, select

from spinscope._batch import BatchOptions, run_batch
from spinscope._errors import StoreError
from spinscope._store import Result, Store, get_article
from spinscope._store._schema import analyses, failures, runs
from tests.clirun import invoke
from tests.conftest import ROOT
from tests.fakes import FakeSpec

TEXTS = ["They are traitors and liars.", "Save our city, save this plan.", "The plan is the plan."]


def write_jsonl(path: Path, rows: Sequence[dict[str, str]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def test_a_refused_chunk_is_stored_article_by_article(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = [{"id": f"a{i}", "text": TEXTS[i % 3]} for i in range(4)]
    dump = write_jsonl(
        tmp_path / "d.jsonl", [*rows[:2], {"id": "bad", "text": TEXTS[0]}, *rows[2:]]
    )
    save = store.save

    def refuse_bad(run_id: int | None, results: Sequence[Result]) -> int:
        # As PostgreSQL refuses a whole transaction for one value it cannot hold.
        if any(r.article.key == "bad" for r in results):
            raise StoreError(f"{store.target}: cannot store results (value too long)")
        return save(run_id, results)

    monkeypatch.setattr(store, "save", refuse_bad)
    summary = run_batch([str(dump)], store, FakeSpec(), BatchOptions(workers=1, chunk_size=8))
    assert (summary.analyzed, summary.skipped, summary.failed) == (4, 0, 1)
    (failure,) = summary.failures
    assert (failure.key, failure.location) == ("bad", f"{dump}:3")
    assert failure.reason == "cannot store results (value too long)"
    with store.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(analyses)).scalar() == 4
        assert conn.execute(select(failures.c.key)).scalars().all() == ["bad"]


def test_a_nul_in_a_title_or_id_is_stored_and_a_rerun_has_nothing_to_do(
    store: Store, tmp_path: Path
) -> None:
    rows = [
        {"id": "a0", "text": TEXTS[0], "title": "Ti\x00tle"},
        {"id": "a\x001", "text": TEXTS[1], "source": "S\x00"},
        {"id": "a2", "text": TEXTS[2]},
    ]
    dump = write_jsonl(tmp_path / "d.jsonl", rows)
    first = run_batch([str(dump)], store, FakeSpec(), BatchOptions(workers=1))
    assert (first.analyzed, first.failed) == (3, 0)
    stored = get_article(store, "a0")
    assert stored is not None and stored.article.title == "Ti\ufffdtle"
    again = run_batch([str(dump)], store, FakeSpec(), BatchOptions(workers=1))
    assert (again.analyzed, again.skipped, again.failed) == (0, 3, 0)


STARTED_RUN = """
import sys
from spinscope._batch import BatchOptions, run_batch
from spinscope._store import Store
from tests.fakes import FakeSpec
run_batch([sys.argv[1]], Store.open(sys.argv[2]), FakeSpec(delay=0.2), BatchOptions(workers=1))
"""


def test_the_next_batch_marks_a_run_killed_with_9_abandoned(db_url: str, tmp_path: Path) -> None:
    dump = write_jsonl(tmp_path / "d.jsonl", [{"id": f"a{i}", "text": TEXTS[0]} for i in range(40)])
    store = Store.open(db_url)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-c", STARTED_RUN, str(dump), db_url], env=env)
    mine = select(runs.c.id).where(runs.c.pid == proc.pid, runs.c.status == "running")
    deadline = time.monotonic() + 60
    with store.engine.connect() as conn:
        while (killed := conn.execute(mine).scalar()) is None and time.monotonic() < deadline:
            conn.rollback()
            time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert killed is not None, "the run never started"
    summary = run_batch([str(dump)], store, FakeSpec(), BatchOptions(workers=1))
    assert summary.abandoned == [killed] and summary.to_dict()["abandoned_runs"] == [killed]
    with store.engine.connect() as conn:
        status = dict(conn.execute(select(runs.c.id, runs.c.status)).all())
    assert status == {killed: "abandoned", summary.run_id: "finished"}
    store.close()


def test_batch_exits_1_when_an_input_failed_like_analyze(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("spinscope._batch.ModelSpec", FakeSpec)
    good = write_jsonl(tmp_path / "good.jsonl", [{"id": "a", "text": TEXTS[0]}])
    db = str(tmp_path / "s.db")
    ok = invoke("batch", str(good), "--db", db, "--workers", "1", "-q")
    assert ok.exit_code == 0, ok.output
    bad = write_jsonl(tmp_path / "bad.jsonl", [{"id": "b", "text": " "}])
    failed = invoke("batch", str(good), str(bad), "--db", db, "--workers", "1", "-q")
    assert failed.exit_code == 1, failed.output
    assert "1 failed" in failed.output and "bad.jsonl:1: is empty" in failed.output

"""`spinscope batch` end to end with the shipped model, and the Ray engine on a local Ray."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from spinscope._batch import BatchOptions, ModelSpec, run_batch
from spinscope._pipeline import Span
from spinscope._store import Store, get_article
from spinscope._store._schema import analyses
from tests.clirun import invoke

pytestmark = pytest.mark.slow


@pytest.fixture()
def folder(ptc: Path, tmp_path: Path) -> Path:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for path in sorted((ptc / "articles").glob("article*.txt"))[:3]:
        shutil.copy(path, corpus / path.name)
    (corpus / "photo.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 10)
    return corpus


def analyses_in(db: str) -> int:
    with Store.open(db) as store, store.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(analyses)).scalar() or 0)


def test_batch_analyzes_a_folder_then_resumes_with_nothing_to_do(
    folder: Path, tmp_path: Path
) -> None:
    db = str(tmp_path / "s.db")
    first = invoke("batch", str(folder), "--db", db, "--workers", "2")
    # photo.txt failed: exit code 1, as analyze gives when some inputs fail.
    assert first.exit_code == 1, first.output
    assert "3 analyzed" in first.output and "1 failed" in first.output
    assert "photo.txt: looks like a binary file" in first.output
    again = invoke("batch", str(folder), "--db", db, "--json")
    assert again.exit_code == 1
    summary = json.loads(again.stdout)
    assert (summary["analyzed"], summary["skipped"], summary["failed"]) == (0, 3, 1)
    assert analyses_in(db) == 3
    with Store.open(db) as store:
        stored = get_article(store, "corpus/" + sorted(p.name for p in folder.glob("article*"))[0])
        assert stored is not None and stored.analysis.spans
        span = stored.analysis.spans[0]
        assert stored.article.text[span.start : span.end].strip()


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["batch", "missing.jsonl"], 2, "no such file"),
        (["batch", "{folder}", "--engine", "spark"], 2, "unknown engine"),
        (["batch", "{folder}", "--workers", "0"], 2, "at least 1"),
        (["batch", "{folder}", "--db", "postgresql://x@127.0.0.1:1/db"], 5, "cannot connect"),
        (["batch", "{folder}", "--db", "/no/such/folder/s.db"], 5, "does not exist"),
    ],
)
def test_batch_refuses_bad_arguments_with_a_message(
    folder: Path, args: list[str], code: int, message: str
) -> None:
    result = invoke(*[a.replace("{folder}", str(folder)) for a in args])
    assert result.exit_code == code
    assert message in result.output


def test_the_ray_engine_stores_the_same_analyses_as_the_local_one(
    folder: Path, tmp_path: Path
) -> None:
    pytest.importorskip("ray")
    local = Store.open(str(tmp_path / "local.db"))
    on_ray = Store.open(str(tmp_path / "ray.db"))
    run_batch([str(folder)], local, ModelSpec(), BatchOptions(workers=1))
    summary = run_batch([str(folder)], on_ray, ModelSpec(), BatchOptions(engine="ray", workers=1))
    assert (summary.analyzed, summary.failed) == (3, 1)

    def spans(store: Store) -> dict[str, tuple[Span, ...]]:
        out = {}
        for key in (f"corpus/{p.name}" for p in folder.glob("article*.txt")):
            stored = get_article(store, key)
            assert stored is not None
            out[key] = stored.analysis.spans
        return out

    assert spans(local) == spans(on_ray)

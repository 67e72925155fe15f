"""``spinscope analyze`` given hostile paths and pages: a device, a pipe, HTML, folders.

A device or a pipe is refused in one line with exit code 2, before it is opened: reading
``/dev/zero`` never ends and opening a FIFO without a writer blocks. These run the real
entry point in a child process, with a time and memory limit, so that a regression fails
the test instead of hanging or swamping it. HTML is read as the article the page shows,
the same text ``spinscope batch`` stores. All with the fake model.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from spinscope._ingest import extract_article
from spinscope._store import Store, get_article

from ..conftest import ROOT
from ..fakes import FakeSpec
from .conftest import Run

# The child: at most 1 GiB of address space (it needs about 250 MB), the fake model in
# place of the shipped one, then the ``spinscope`` script's entry point.
CHILD = """
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
import spinscope._cli._util as util
from tests.fakes import fake_model
util.load_model = lambda _path: fake_model()
from spinscope._cli import main
sys.argv = ["spinscope", *sys.argv[1:]]
main()
"""

REFUSED = "not a regular file (a device, pipe or socket)"

PAGE = (
    "<html><head><title>The Harbour Plan</title></head><body>"
    "<nav>Home | News | Sport</nav><article>"
    "<p>The traitors and their cronies lied to the city again. This plan is a disgrace, "
    "and they are shameful liars who sold our harbour to their friends.</p>"
    "<p>The mayor said the city would remember, and the city shrugged.</p>"
    "</article><footer>Copyright 2024</footer></body></html>"
)

ARTICLE = "The traitors lied again, and the city shrugged.\n"


def spinscope(*args: str, timeout: float = 20) -> tuple[subprocess.CompletedProcess[str], float]:
    """``spinscope ARGS`` in a child process and the seconds it took; the test fails
    (the child is killed) when it has not ended within ``timeout`` seconds."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    started = time.monotonic()
    try:
        done = subprocess.run(
            [sys.executable, "-c", CHILD, *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=ROOT,
            env=env,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"spinscope {' '.join(args)} still ran after {timeout} s")
    return done, time.monotonic() - started


@pytest.fixture()
def fifo(tmp_path: Path) -> Path:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs on this system")
    path = tmp_path / "pipe.txt"
    os.mkfifo(path)
    return path


@pytest.mark.parametrize("kind", ["/dev/zero", "fifo", "fifo.html"])
def test_a_device_or_a_pipe_is_refused_in_one_line_without_hanging(
    kind: str, tmp_path: Path
) -> None:
    if kind.startswith("/dev/"):
        if not Path(kind).exists():
            pytest.skip(f"no {kind} here")
        path = Path(kind)
    else:
        if not hasattr(os, "mkfifo"):
            pytest.skip("no FIFOs on this system")
        path = tmp_path / ("page.html" if kind.endswith(".html") else "pipe.txt")
        os.mkfifo(path)
    done, took = spinscope("analyze", str(path))
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip() == f"error: {path}: {REFUSED}"  # one line, no traceback
    assert done.stdout == ""
    assert took < 10


def test_a_device_and_a_pipe_among_good_inputs_fail_alone(fifo: Path, tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text(ARTICLE)
    done, _ = spinscope("analyze", str(good), "/dev/zero", str(fifo), "-f", "json")
    assert done.returncode == 1, done.stderr
    assert [json.loads(line)["source"] for line in done.stdout.splitlines()] == [str(good)]
    assert done.stderr.splitlines() == [
        f"error: /dev/zero: {REFUSED}",
        f"error: {fifo}: {REFUSED}",
        "2 of 3 inputs failed",
    ]


def test_a_folder_skips_the_pipes_and_devices_inside(fifo: Path, tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text(ARTICLE)
    (tmp_path / "zero.txt").symlink_to("/dev/zero")
    done, took = spinscope("analyze", str(tmp_path), "-f", "json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["source"] == str(tmp_path / "good.txt")
    assert took < 10


def _json_docs(output: str) -> list[dict[str, Any]]:
    """The JSON documents of ``analyze -f json``: one indented, or one a line."""
    if output.startswith("{\n"):
        return [json.loads(output)]
    return [json.loads(line) for line in output.splitlines()]


@pytest.mark.parametrize("name", ["page.html", "PAGE.HTM"])
def test_an_html_file_is_analyzed_as_its_article_text(
    fake_run: Run, tmp_path: Path, name: str
) -> None:
    page = tmp_path / name
    page.write_text(PAGE)
    result = fake_run("analyze", str(page), "-f", "json", "--threshold", "0")
    assert result.exit_code == 0, result.output
    (doc,) = _json_docs(result.stdout)
    article = extract_article(PAGE)
    assert doc["text"] == article and doc["length"] == len(article)
    assert article.startswith("The Harbour Plan\n\nThe traitors")
    assert "<" not in doc["text"]
    # The spans are where the article has them (in the raw page they would be elsewhere).
    assert [s["text"] for s in doc["spans"]] == [
        "traitors",
        "cronies",
        "disgrace",
        "shameful",
        "liars",
    ]
    for span in doc["spans"]:
        assert article[span["start"] : span["end"]] == span["text"]
    assert doc["spans"][0]["start"] == article.index("traitors")
    text = fake_run("analyze", str(page), "--threshold", "0")
    assert text.exit_code == 0
    assert "The Harbour Plan" in text.stdout
    assert "<html" not in text.stdout + result.stdout
    assert "<p>" not in text.stdout + result.stdout


def test_a_folder_is_read_with_its_subfolders_and_without_hidden_ones(
    fake_run: Run, tmp_path: Path
) -> None:
    folder = tmp_path / "corpus"
    for rel in [
        "top.txt",
        "sub/a.txt",
        "sub/deeper/b.html",
        ".hidden.txt",
        ".git/c.txt",
        "sub/.cache/d.txt",
    ]:
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(PAGE if rel.endswith(".html") else ARTICLE)
    result = fake_run("analyze", str(folder), "-f", "json")
    assert result.exit_code == 0, result.output
    docs = _json_docs(result.stdout)
    assert [d["source"] for d in docs] == [
        str(folder / "sub" / "a.txt"),
        str(folder / "sub" / "deeper" / "b.html"),
        str(folder / "top.txt"),
    ]
    assert docs[1]["text"] == extract_article(PAGE)


def test_batch_and_analyze_read_an_html_file_into_the_same_text(
    fake_run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "page.html").write_text(PAGE)
    analyzed = fake_run("analyze", str(folder / "page.html"), "-f", "json")
    assert analyzed.exit_code == 0, analyzed.output
    (doc,) = _json_docs(analyzed.stdout)
    # batch builds its model recipe as ModelSpec(path, settings): the fake one here.
    monkeypatch.setattr("spinscope._batch.ModelSpec", FakeSpec)
    db = str(tmp_path / "s.db")
    batched = fake_run("batch", str(folder), "--db", db, "--workers", "1", "--json")
    assert batched.exit_code == 0, batched.output
    assert json.loads(batched.stdout)["analyzed"] == 1
    with Store.open(db) as store:
        stored = get_article(store, "corpus/page.html")
    assert stored is not None
    assert stored.article.text == doc["text"]
    assert len(stored.article.text) == doc["length"]

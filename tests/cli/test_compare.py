"""``spinscope compare A B`` with the fake model: tables, JSON, a file, standard input and
a URL as inputs, and every bad input a one-line error with exit code 2."""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from ..fakes import fake_model
from .conftest import Run, _runner

A = 'The mayor said "they are traitors and liars". Our city is a disgrace.\n'
B = 'Our city is a disgrace. The mayor said "they are traitors and liars".\n'


@pytest.fixture()
def said_run(monkeypatch: pytest.MonkeyPatch) -> Run:
    """``spinscope ARGS`` with the fake model and its fake attribution head."""
    monkeypatch.setattr(
        "spinscope._cli._util.load_model", lambda _path: fake_model(attribution=True)
    )
    return _runner()


@pytest.fixture()
def files(tmp_path: Path) -> tuple[str, str]:
    (tmp_path / "a.txt").write_text(A, encoding="utf-8")
    (tmp_path / "b.html").write_text(f"<html><body><article><p>{B}</p></article></body></html>")
    return str(tmp_path / "a.txt"), str(tmp_path / "b.html")


def test_tables_show_techniques_sentences_and_quotes(said_run: Run, files: tuple[str, str]) -> None:
    result = said_run("compare", *files)
    assert result.exit_code == 0, result.output
    for heading in ("Techniques side by side", "Top fragments", "Sentences that say"):
        assert heading in result.stdout
    assert "Quotes both report" in result.stdout and "— mayor" in result.stdout


def test_json_has_both_sides_the_aligned_sentences_and_the_shared_quote(
    said_run: Run, files: tuple[str, str]
) -> None:
    result = said_run("compare", *files, "-f", "json", "--top", "1")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert (doc["a"]["source"], doc["b"]["source"]) == files
    assert len(doc["a"]["top"]) == 1
    assert [(p["a"]["sentence"], p["b"]["sentence"]) for p in doc["sentences"]] == [(0, 1), (1, 0)]
    (quote,) = doc["quotes"]
    assert quote["a"]["speaker"] == quote["b"]["speaker"] == "mayor"
    assert doc["options"] == {"similarity": 0.75, "overlap": 0.5, "top": 1}


def test_output_file_and_standard_input(
    said_run: Run, files: tuple[str, str], tmp_path: Path
) -> None:
    out = tmp_path / "out.json"
    result = said_run("compare", files[0], "-", "-f", "json", "-o", str(out), input=B)
    assert result.exit_code == 0, result.output
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["b"]["source"] == "<stdin>" and doc["quotes"]
    text = tmp_path / "out.txt"
    assert said_run("compare", *files, "-o", str(text)).exit_code == 0
    assert "Quotes both report" in text.read_text(encoding="utf-8")


def test_without_an_attribution_head_quotes_are_not_looked_for(
    fake_run: Run, files: tuple[str, str]
) -> None:
    assert json.loads(fake_run("compare", *files, "-f", "json").stdout)["quotes"] is None
    assert "no attribution head" in fake_run("compare", *files).stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing.txt", "{a}"], "missing.txt: no such file or directory"),
        (["{dir}", "{a}"], "compare takes one file or URL each, not a folder"),
        (["-", "-"], "only one of A and B can be -"),
        (["{a}", "{empty}"], "empty.txt:"),
        (["{a}", "{a}", "--similarity", "2"], "similarity 2.0 is not between 0 and 1"),
        (["{a}", "{a}", "--threshold", "-1"], "--threshold -1.0 is not between 0 and 1"),
        (["{a}", "ftp://example.org/x"], "only http and https URLs can be fetched"),
        (["{a}", "http://127.0.0.1:9/x"], "127.0.0.1"),
    ],
)
def test_bad_input_is_one_line_and_exit_code_2(
    said_run: Run, files: tuple[str, str], tmp_path: Path, args: list[str], message: str
) -> None:
    (tmp_path / "empty.txt").write_text("")
    names = {"a": files[0], "dir": str(tmp_path), "empty": str(tmp_path / "empty.txt")}
    result = said_run("compare", *[a.format(**names) for a in args])
    assert result.exit_code == 2, result.output
    assert message in result.stderr and result.stderr.startswith("error: ")


class _Article(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = B.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture()
def site() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Article)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/story.txt"
    server.shutdown()


def test_a_url_is_fetched_when_private_urls_are_allowed(
    said_run: Run, files: tuple[str, str], site: str
) -> None:
    refused = said_run("compare", files[0], site)
    assert refused.exit_code == 2 and "error: " in refused.stderr
    result = said_run("compare", files[0], site, "-f", "json", "--allow-private-urls")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["b"]["source"] == site and doc["quotes"]

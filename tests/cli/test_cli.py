"""The command line, end to end with the shipped model."""

from __future__ import annotations

import json
import shutil

import pytest
from typer.testing import CliRunner

from spinscope._cli._app import app

from ..conftest import ROOT

pytestmark = pytest.mark.slow
EXAMPLE = ROOT / "examples" / "harbour-bridge.txt"


@pytest.fixture()
def run():
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None):
        result = runner.invoke(app, list(args), input=input)
        assert "Traceback" not in result.output
        assert not isinstance(result.exception, Exception) or isinstance(
            result.exception, SystemExit
        ), result.exception
        return result

    return invoke


def test_analyze_prints_highlights_legend_and_summary(run):
    result = run("analyze", str(EXAMPLE), "--threshold", "0.05")
    assert result.exit_code == 0
    assert "Summary:" in result.output
    assert "Harbour Bridge Betrayal" in result.output


def test_json_spans_are_exact_offsets(run):
    result = run("analyze", str(EXAMPLE), "-f", "json", "--threshold", "0")
    doc = json.loads(result.output)
    text = EXAMPLE.read_text(encoding="utf-8")
    assert doc["length"] == len(text)
    assert doc["spans"], "the model finds something in a dense op-ed at threshold 0"
    for span in doc["spans"]:
        assert text[span["start"] : span["end"]] == span["text"]
        assert 0 <= span["confidence"] <= 1


def test_semeval_output_uses_article_ids(run, tmp_path, resources):
    shutil.copy(resources / "article901.txt", tmp_path)
    out = tmp_path / "pred.tsv"
    result = run("analyze", str(tmp_path), "-f", "semeval", "-o", str(out), "--threshold", "0")
    assert result.exit_code == 0
    lines = out.read_text().splitlines()
    assert lines and all(line.split("\t")[0] == "901" for line in lines)
    assert all(len(line.split("\t")) == 4 for line in lines)


def test_si_output_lists_passages_without_techniques(run, tmp_path, resources):
    shutil.copy(resources / "article901.txt", tmp_path)
    result = run("analyze", str(tmp_path / "article901.txt"), "-f", "si")
    lines = [line.split("\t") for line in result.output.splitlines()]
    assert lines and all(len(cols) == 3 and cols[0] == "901" for cols in lines)


def test_html_report_is_standalone_and_escapes_the_article(run, tmp_path):
    article = tmp_path / "evil.txt"
    article.write_text('<script>alert("x")</script> The corrupt traitors lied again!\n')
    out = tmp_path / "report.html"
    assert run("analyze", str(article), "-f", "html", "-o", str(out)).exit_code == 0
    page = out.read_text()
    assert "<script>alert" not in page
    assert "&lt;script&gt;" in page
    assert "http://" not in page and "https://" not in page


def test_directory_with_bad_files_analyzes_the_good_and_reports_the_bad(run, tmp_path, resources):
    shutil.copy(resources / "article901.txt", tmp_path / "good.txt")
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "blank.txt").write_text("  \n ")
    (tmp_path / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00")
    (tmp_path / "latin.txt").write_bytes(
        "Caf\xe9 owners are \x93crooks\x94, he said.".encode("latin-1")
    )
    result = run("analyze", str(tmp_path), "-f", "json")
    assert result.exit_code == 1
    assert "empty.txt" in result.output and "image.png" in result.output
    assert "blank.txt" in result.output
    assert "3 of 5 inputs failed" in result.output
    docs = [json.loads(line) for line in result.output.splitlines() if line.startswith("{")]
    assert sorted(d["source"].rsplit("/", 1)[1] for d in docs) == ["good.txt", "latin.txt"]
    latin = next(d for d in docs if d["source"].endswith("latin.txt"))
    assert any("Windows-1252" in w for w in latin["warnings"])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["analyze", "missing.txt"], "no such file"),
        (["analyze", "-", "--technique", "Nope"], "unknown technique"),
        (["analyze", "-", "--threshold", "2"], "not between 0 and 1"),
        (["analyze", "-", "-f", "pdf"], "unknown format"),
        (["evaluate"], "--gold and --pred"),
    ],
)
def test_bad_arguments_give_a_message_and_exit_code_2(run, args, message):
    result = run(*args, input="text")
    assert result.exit_code == 2
    assert message in result.output


def test_empty_file_is_reported_not_raised(run, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    result = run("analyze", str(empty))
    assert result.exit_code == 2
    assert f"{empty}: is empty" in result.output.replace("\n", "")


def test_stdin_and_non_english_warning(run):
    text = (
        "El ministro dijo que el plan era un desastre para toda la gente que vive en la "
        "ciudad y para sus hijos pequeños, y que nadie lo iba a olvidar jamás."
    )
    result = run("analyze", "-", "-f", "json", input=text)
    assert result.exit_code == 0
    assert "English" in json.loads(result.output)["warnings"][0]


def test_techniques_lists_all_fourteen(run):
    doc = json.loads(run("techniques", "--json").output)
    assert len(doc) == 14 and all(t["definition"] and t["example"] for t in doc)
    assert "Flag-waving" in run("techniques").output


def test_classify_fills_techniques_in_input_order(run, tmp_path, resources):
    articles = tmp_path / "articles"
    articles.mkdir()
    shutil.copy(resources / "article901.txt", articles)
    out = tmp_path / "out.tsv"
    result = run(
        "classify",
        "--articles",
        str(articles),
        "--spans",
        str(resources / "spans.tsv"),
        "-o",
        str(out),
    )
    assert result.exit_code == 0
    got = [line.split("\t") for line in out.read_text().splitlines()]
    want = [line.split("\t") for line in (resources / "spans.tsv").read_text().splitlines()]
    assert [(g[0], g[2], g[3]) for g in got] == [(w[0], w[2], w[3]) for w in want]
    assert all(g[1] != "?" for g in got)


def test_evaluate_corpus_on_the_validation_split(run, ptc, tmp_path):
    from spinscope import Corpus
    from spinscope._semeval._corpus import format_labels, validation_ids

    corpus = Corpus.load(ptc)
    ids = sorted(corpus.articles)[:10]
    (tmp_path / "articles").mkdir()
    for aid in ids:
        shutil.copy(ptc / "articles" / f"article{aid}.txt", tmp_path / "articles")
    (tmp_path / "labels.tsv").write_text(format_labels(corpus.subset(ids).labels))
    result = run("evaluate", "--corpus", str(tmp_path), "--validation", "--json")
    doc = json.loads(result.output)
    assert doc["articles"] == len(validation_ids(ids)) == 2
    assert 0 <= doc["si"]["f1"] <= 1


def test_evaluate_prints_hand_checked_figures(run, resources):
    gold, pred = str(resources / "gold.tsv"), str(resources / "pred.tsv")
    si = run("evaluate", "--gold", gold, "--pred", pred, "--task", "si").output
    # P = 3/3, R = (1 + 1 + 11/22) / 3, F1 = 2PR/(P+R) = 0.9091
    assert "SI  F1 0.9091" in si
    tc = run("evaluate", "--gold", gold, "--pred", gold, "--task", "tc").output
    assert "micro-F1 1.0000" in tc
    e2e = run("evaluate", "--gold", gold, "--pred", pred, "--task", "e2e").output
    assert "E2E micro-F1" in e2e and "Slogans" in e2e

"""``spinscope analyze``: end to end with the shipped model (slow), and its outputs through
the format registry with a fake model."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from spinscope._formats import FORMATS, Format, Record, Target

from .conftest import EXAMPLE, Run


@pytest.mark.slow
def test_analyze_prints_highlights_legend_and_summary(run: Run) -> None:
    result = run("analyze", str(EXAMPLE), "--threshold", "0.05")
    assert result.exit_code == 0
    assert "Summary:" in result.output
    assert "Harbour Bridge Betrayal" in result.output


@pytest.mark.slow
def test_json_spans_are_exact_offsets(run: Run) -> None:
    result = run("analyze", str(EXAMPLE), "-f", "json", "--threshold", "0")
    doc = json.loads(result.output)
    text = EXAMPLE.read_text(encoding="utf-8")
    assert doc["length"] == len(text)
    assert doc["spans"], "the model finds something in a dense op-ed at threshold 0"
    for span in doc["spans"]:
        assert text[span["start"] : span["end"]] == span["text"]
        assert 0 <= span["confidence"] <= 1


@pytest.mark.slow
def test_semeval_output_uses_article_ids(run: Run, tmp_path: Path, resources: Path) -> None:
    shutil.copy(resources / "article901.txt", tmp_path)
    out = tmp_path / "pred.tsv"
    result = run("analyze", str(tmp_path), "-f", "semeval", "-o", str(out), "--threshold", "0")
    assert result.exit_code == 0
    lines = out.read_text().splitlines()
    assert lines and all(line.split("\t")[0] == "901" for line in lines)
    assert all(len(line.split("\t")) == 4 for line in lines)


@pytest.mark.slow
def test_si_output_lists_passages_without_techniques(
    run: Run, tmp_path: Path, resources: Path
) -> None:
    shutil.copy(resources / "article901.txt", tmp_path)
    result = run("analyze", str(tmp_path / "article901.txt"), "-f", "si")
    lines = [line.split("\t") for line in result.output.splitlines()]
    assert lines and all(len(cols) == 3 and cols[0] == "901" for cols in lines)


@pytest.mark.slow
def test_html_report_is_standalone_and_escapes_the_article(run: Run, tmp_path: Path) -> None:
    article = tmp_path / "evil.txt"
    article.write_text('<script>alert("x")</script> The corrupt traitors lied again!\n')
    out = tmp_path / "report.html"
    assert run("analyze", str(article), "-f", "html", "-o", str(out)).exit_code == 0
    page = out.read_text()
    assert "<script>alert" not in page
    assert "&lt;script&gt;" in page
    assert "http://" not in page and "https://" not in page


@pytest.mark.slow
def test_directory_with_bad_files_analyzes_the_good_and_reports_the_bad(
    run: Run, tmp_path: Path, resources: Path
) -> None:
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


@pytest.mark.slow
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
def test_bad_arguments_give_a_message_and_exit_code_2(
    run: Run, args: list[str], message: str
) -> None:
    result = run(*args, input="text")
    assert result.exit_code == 2
    assert message in result.output


@pytest.mark.slow
def test_empty_file_is_reported_not_raised(run: Run, tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    result = run("analyze", str(empty))
    assert result.exit_code == 2
    assert f"{empty}: is empty" in result.output.replace("\n", "")


@pytest.mark.slow
def test_stdin_and_non_english_warning(run: Run) -> None:
    text = (
        "El ministro dijo que el plan era un desastre para toda la gente que vive en la "
        "ciudad y para sus hijos pequeños, y que nadie lo iba a olvidar jamás."
    )
    result = run("analyze", "-", "-f", "json", input=text)
    assert result.exit_code == 0
    assert "English" in json.loads(result.output)["warnings"][0]


# -- through the registry, with the fake model -------------------------------------------


ARTICLE = "Vile liars. The traitors lied again, and the city shrugged. Rise up now!\n"


@pytest.fixture()
def articles(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "article5.txt").write_text(ARTICLE)
    (folder / "notes.txt").write_text(ARTICLE)
    return folder


def test_several_json_analyses_are_a_line_each(fake_run: Run, articles: Path) -> None:
    result = fake_run("analyze", str(articles), "-f", "json")
    assert result.exit_code == 0
    docs = [json.loads(line) for line in result.stdout.splitlines()]
    assert [d["source"] for d in docs] == [
        str(articles / "article5.txt"),
        str(articles / "notes.txt"),
    ]
    one = fake_run("analyze", str(articles / "notes.txt"), "-f", "json").stdout
    assert one.startswith('{\n  "source"')


def test_semeval_ids_are_article_digits_else_the_stem(fake_run: Run, articles: Path) -> None:
    result = fake_run("analyze", str(articles), "-f", "semeval", "--threshold", "0")
    assert {line.split("\t")[0] for line in result.stdout.splitlines()} == {"5", "notes"}
    stdin = fake_run("analyze", "-", "-f", "si", "--threshold", "0", input=ARTICLE)
    assert {line.split("\t")[0] for line in stdin.stdout.splitlines()} == {"stdin"}


def test_several_html_reports_need_a_folder_and_get_a_file_each(
    fake_run: Run, articles: Path, tmp_path: Path
) -> None:
    refused = fake_run("analyze", str(articles), "-f", "html")
    assert refused.exit_code == 2
    assert "--format html with several inputs needs -o DIR" in refused.stderr
    out = tmp_path / "reports"
    assert fake_run("analyze", str(articles), "-f", "html", "-o", str(out)).exit_code == 0
    assert sorted(p.name for p in out.iterdir()) == ["article5.html", "notes.html"]


def test_text_to_a_file_is_plain(fake_run: Run, articles: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.txt"
    result = fake_run("analyze", str(articles / "article5.txt"), "-o", str(out), "-t", "Doubt")
    assert result.exit_code == 0 and result.stdout == ""
    assert "Summary:" in out.read_text() and "\x1b[" not in out.read_text()


def test_an_export_only_format_is_unknown_to_analyze(fake_run: Run, articles: Path) -> None:
    result = fake_run("analyze", str(articles), "-f", "jsonl")
    assert result.exit_code == 2
    assert "unknown format 'jsonl'; use one of text, json, semeval, si, html" in result.stderr


def test_a_new_registry_entry_is_a_new_analyze_format(fake_run: Run, articles: Path) -> None:
    def writer(target: Target) -> Callable[[Record], object]:
        return lambda r: target.stream.write(f"{r.article_id} {r.analysis.summary.n_spans}\n")

    FORMATS.register(Format("count", "text/x-count", "txt", "Spans.", writer, ("analyze",)))
    try:
        result = fake_run("analyze", str(articles), "-f", "count", "--threshold", "0")
        assert result.exit_code == 0
        assert [line.split()[0] for line in result.stdout.splitlines()] == ["5", "notes"]
    finally:
        FORMATS.unregister("count")

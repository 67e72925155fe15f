"""``spinscope attributions``: json and brat for one input, a folder and several, and its
errors, with the fake model and its fake attribution head."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from spinscope._attribution import parse_ann

from ..fakes import fake_model
from .conftest import Run, _runner

QUOTED = 'The mayor said "they are traitors and liars". Our city is a disgrace.\n'


@pytest.fixture()
def said_run(monkeypatch: pytest.MonkeyPatch) -> Run:
    """``spinscope ARGS`` with the fake model and its fake attribution head."""
    monkeypatch.setattr(
        "spinscope._cli._util.load_model", lambda _path: fake_model(attribution=True)
    )
    return _runner()


@pytest.fixture()
def articles(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(QUOTED, encoding="utf-8")
    (folder / "b.html").write_text(
        f"<html><body><article><p>{QUOTED}</p></article></body></html>", encoding="utf-8"
    )
    return folder


def test_json_of_one_article(said_run: Run, articles: Path) -> None:
    result = said_run("attributions", str(articles / "a.txt"))
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    (said,) = doc["attributions"]
    assert said["speaker"] == "mayor"
    assert QUOTED[said["content"]["start"] : said["content"]["end"]] == said["content"]["text"]


def test_brat_of_one_article_goes_to_stdout(said_run: Run, articles: Path) -> None:
    result = said_run("attributions", str(articles / "a.txt"), "-f", "brat")
    assert result.exit_code == 0
    (said,) = parse_ann(result.stdout)
    assert [QUOTED[a:b] for a, b in said.source] == ["mayor"]
    assert result.stdout.splitlines()[-1] == "E1\tAttribution:T4 Content:T3 Cue:T2 Source:T1"


def test_brat_of_a_folder_writes_an_ann_and_its_text_per_input(
    said_run: Run, articles: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    result = said_run("attributions", str(articles), "-f", "brat", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["a.ann", "a.txt", "b.ann", "b.txt"]
    note = "b.html: offsets refer to the article text extracted from the HTML"
    assert note in " ".join(result.stderr.split())  # rich wraps lines at 80 columns
    for stem in ("a", "b"):
        text = (out / f"{stem}.txt").read_text(encoding="utf-8")
        (said,) = parse_ann((out / f"{stem}.ann").read_text(encoding="utf-8"))
        assert [text[a:b] for a, b in said.cue] == ["said"]


def test_brat_of_a_folder_needs_an_output_folder(said_run: Run, articles: Path) -> None:
    result = said_run("attributions", str(articles), "-f", "brat")
    assert result.exit_code == 2
    assert "needs -o DIR" in result.stderr


def test_json_of_several_articles_is_a_line_each(said_run: Run, articles: Path) -> None:
    result = said_run("attributions", str(articles))
    assert [json.loads(line)["source"] for line in result.stdout.splitlines()] == [
        str(articles / "a.txt"),
        str(articles / "b.html"),
    ]


def test_a_model_without_a_head_is_a_one_line_model_error(fake_run: Run, articles: Path) -> None:
    result = fake_run("attributions", str(articles / "a.txt"))
    assert result.exit_code == 3
    assert "has no attribution head" in result.stderr
    assert result.stderr.count("error:") == 1 and "Traceback" not in result.stderr


def test_bad_input_and_unknown_formats(said_run: Run, tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    assert said_run("attributions", str(tmp_path / "empty.txt")).exit_code == 2
    assert said_run("attributions", str(tmp_path / "missing.txt")).exit_code == 2
    result = said_run("attributions", str(tmp_path / "empty.txt"), "-f", "semeval")
    assert result.exit_code == 2 and "use one of json, brat" in result.stderr


def test_analyze_semeval_is_the_same_with_a_head(
    said_run: Run, fake_run: Run, articles: Path
) -> None:
    args = ("analyze", str(articles / "a.txt"), "-f", "semeval")
    with_head = said_run(*args).stdout
    assert with_head and with_head == fake_run(*args).stdout

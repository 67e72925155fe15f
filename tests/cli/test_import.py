"""``spinscope import`` on the command line: what ``analyze -f FMT`` and ``export -f FMT``
write comes back as the SemEval lines ``analyze -f semeval`` gives, and errors are one
line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from spinscope._store import Store
from tests.clirun import invoke

from ..storedata import fill
from .conftest import Run

TEXT = "Café 😀 the traitors and liars.\r\nÜber 🇺🇦 our city is a disgrace!\r\n"


@pytest.fixture()
def inputs(tmp_path: Path) -> list[str]:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "article5.txt").write_bytes(TEXT.encode("utf-8"))
    (folder / "news.txt").write_bytes("Shameful cronies, é.\n".encode())
    return [str(folder / "article5.txt"), str(folder / "news.txt")]


@pytest.mark.parametrize(
    ("fmt", "out"),
    [("label-studio", "t.json"), ("doccano", "d.jsonl"), ("brat", "b"), ("inception", "c")],
)
def test_analyze_then_import_gives_the_semeval_lines(
    fake_run: Run, inputs: list[str], tmp_path: Path, fmt: str, out: str
) -> None:
    expected = fake_run("analyze", *inputs, "-f", "semeval").stdout
    assert expected.count("\n") == 5
    written = fake_run("analyze", *inputs, "-f", fmt, "-o", str(tmp_path / out))
    assert written.exit_code == 0, written.output
    tsv = tmp_path / "back.tsv"
    args = ["import", str(tmp_path / out), "-f", fmt, "-o", str(tsv), "--predictions"]
    result = fake_run(*args, "--texts", str(tmp_path / "texts"))
    assert result.exit_code == 0, result.output
    assert tsv.read_text(encoding="utf-8") == expected
    assert "imported 5 spans of 2 articles" in result.stderr
    assert (tmp_path / "texts" / "article5.txt").read_bytes() == TEXT.encode("utf-8")


def test_label_studio_writes_its_config_beside_and_needs_a_file_for_several(
    fake_run: Run, inputs: list[str], tmp_path: Path
) -> None:
    fake_run("analyze", *inputs, "-f", "label-studio", "-o", str(tmp_path / "t.json"))
    assert (tmp_path / "t.label-config.xml").is_file()
    one = fake_run("analyze", inputs[0], "-f", "label-studio")
    assert json.loads(one.stdout)[0]["data"]["text"] == TEXT
    several = fake_run("analyze", *inputs, "-f", "label-studio")
    assert several.exit_code == 2 and "needs -o FILE" in several.stderr


def test_without_predictions_unannotated_tasks_are_skipped(
    fake_run: Run, inputs: list[str], tmp_path: Path
) -> None:
    fake_run("analyze", *inputs, "-f", "label-studio", "-o", str(tmp_path / "t.json"))
    result = fake_run("import", str(tmp_path / "t.json"), "-f", "label-studio")
    assert result.exit_code == 0 and result.stdout == ""
    assert "note: skipped" in result.stderr and "imported 0 spans of 0 articles" in result.stderr


def test_malformed_files_are_one_line_errors(fake_run: Run, tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "Lies!", "label": [[0, 9, "Doubt"]]}\n', encoding="utf-8")
    result = fake_run("import", str(bad), "-f", "doccano")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ") and "not within the text" in result.stderr
    unknown = fake_run("import", str(bad), "-f", "csv")
    assert unknown.exit_code == 2


@pytest.mark.parametrize("fmt", ["label-studio", "doccano", "brat", "inception"])
def test_export_then_import_gives_the_exported_semeval_lines(
    store: Store, db_url: str, tmp_path: Path, fmt: str
) -> None:
    fill(store)
    expected = invoke("export", "--db", db_url, "-f", "semeval").stdout
    out = tmp_path / "out"
    exported = invoke("export", "--db", db_url, "-f", fmt, "-o", str(out))
    assert exported.exit_code == 0, exported.output
    result = invoke("import", str(out), "-f", fmt, "--predictions")
    assert result.exit_code == 0, result.output
    if fmt == "brat":  # brat's ids are its file names, where a ':' is no safe character
        expected = expected.replace("sha256:abc", "sha256_abc")
    # Sorted: brat and inception read a folder in file-name order.
    assert sorted(result.stdout.splitlines()) == sorted(expected.splitlines())


@pytest.mark.parametrize("fmt", ["brat", "inception"])
def test_export_of_a_folder_format_needs_a_folder(store: Store, db_url: str, fmt: str) -> None:
    fill(store)
    result = invoke("export", "--db", db_url, "-f", fmt)
    assert result.exit_code == 2 and "give -o DIR" in result.stderr

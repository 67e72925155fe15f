"""The inputs of ``spinscope analyze``: files, folders and standard input."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from spinscope._errors import InputError
from spinscope._ingest import Source, collect_sources
from spinscope._settings import Settings


def test_files_folders_and_stdin_in_the_order_given(tmp_path: Path) -> None:
    folder = tmp_path / "dir"
    folder.mkdir()
    for name in ("b.txt", "a.txt", ".hidden"):
        (folder / name).write_text("x")
    (folder / "sub").mkdir()
    single = tmp_path / "one.txt"
    single.write_text("x")
    sources = collect_sources([str(single), "-", str(folder)])
    assert [s.name for s in sources] == [
        str(single),
        "<stdin>",
        str(folder / "a.txt"),
        str(folder / "b.txt"),
    ]
    assert sources[1] == Source("<stdin>", None)
    assert sources[2].path == folder / "a.txt"


def test_a_missing_path_or_an_empty_folder_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file or directory"):
        collect_sources([str(tmp_path / "missing.txt")])
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="directory holds no files"):
        collect_sources([str(tmp_path / "empty")])


def test_a_file_is_read_with_its_warnings(tmp_path: Path) -> None:
    path = tmp_path / "latin.txt"
    path.write_bytes("Caf\xe9 owners".encode("latin-1"))
    text, warnings = Source(str(path), path).read(Settings())
    assert text == "Café owners" and "Windows-1252" in warnings[0]


class _Stdin:
    def __init__(self, data: bytes) -> None:
        self.buffer = io.BytesIO(data)


def test_stdin_is_read_up_to_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", _Stdin(b"Some text."))
    assert Source("<stdin>", None).read(Settings()) == ("Some text.", [])
    monkeypatch.setattr(sys, "stdin", _Stdin(b"x" * 11))
    with pytest.raises(InputError, match="<stdin>: over the 10-byte limit"):
        Source("<stdin>", None).read(Settings(max_bytes=10))


def test_folders_are_read_with_their_subfolders_hidden_ones_skipped(tmp_path: Path) -> None:
    for rel in ("a.txt", "sub/b.txt", "sub/deeper/c.html", ".git/d.txt", "sub/.e.txt"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x")
    names = [s.name for s in collect_sources([str(tmp_path)])]
    assert names == [str(tmp_path / r) for r in ("a.txt", "sub/b.txt", "sub/deeper/c.html")]


@pytest.mark.slow
def test_html_files_are_reduced_to_their_article(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    body = "The corrupt council has betrayed every honest family in this town. " * 8
    page.write_text(
        "<html><head><title>Council Traitors</title></head><body><nav>Home | About</nav>"
        f"<article><p>{body}</p></article><footer>(c) 2026</footer></body></html>"
    )
    text, _ = Source(str(page), page).read(Settings())
    assert text.startswith("Council Traitors\n\n")
    assert "<" not in text and "Home | About" not in text

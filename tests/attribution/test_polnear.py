"""Reading brat standoff: a tiny hand-written file, a folder laid out like PolNeAR, and (slow)
a few real PolNeAR files when the corpus is at hand."""

from __future__ import annotations

from pathlib import Path

import pytest

from spinscope._attribution import Attribution, annotation_files, parse_ann, read_split

TEXT = "Ann said that “it works,” she said, “mostly.”"
ANN = "\n".join(
    [
        "T1\tSource 0 3\tAnn",
        "T2\tCue 4 8\tsaid",
        "T3\tContent 9 25\tthat “it works,”",
        "T4\tAttribution 4 8\tsaid",
        "E1\tAttribution:T4 Content:T3 Cue:T2 Source:T1",
        "T5\tContent 36 45\t“mostly.”",
        "T6\tCue 26 29;30 34\tshe said",
        "T7\tAttribution 30 34\tsaid",
        "E2\tAttribution-no-source:T7 Cue:T6 Content:T5",
        "T8\tDiscard 14 20\t“it wo",
        "T9\tContent 9 20;36 45\tthat “it wo",
        "rks more\tspilled text of a span that held a line break",
        "E3\tAttribution:T4 Content:T9 Content2:T5 Cue:T2",
        "#1\tAnnotatorNotes T3\ta note",
    ]
)


def test_parse_ann_resolves_roles_and_fragments() -> None:
    first, second, third = parse_ann(ANN)
    assert first == Attribution(((9, 25),), ((4, 8),), ((0, 3),))
    assert TEXT[9:25] == "that “it works,”"
    assert second == Attribution(((36, 45),), ((26, 29), (30, 34)), ())
    assert third.content == ((9, 20), (36, 45), (36, 45))
    assert third.source == ()


def test_read_split_takes_the_first_annotator_by_name(tmp_path: Path) -> None:
    (tmp_path / "dev" / "text").mkdir(parents=True)
    (tmp_path / "dev" / "attributions").mkdir(parents=True)
    (tmp_path / "dev" / "text" / "a_b.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "dev" / "text" / "lonely.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "dev" / "attributions" / "a_b_ff01.ann").write_text("", encoding="utf-8")
    (tmp_path / "dev" / "attributions" / "a_b_0a9c.ann").write_text(ANN, encoding="utf-8")
    (tmp_path / "dev" / "attributions" / "a_b_c_0a9c.ann").write_text("", encoding="utf-8")
    files = annotation_files(tmp_path / "dev" / "attributions", "a_b")
    assert [p.name for p in files] == ["a_b_0a9c.ann", "a_b_ff01.ann"]
    (doc,) = read_split(tmp_path, "dev")
    assert (doc.name, doc.annotator, doc.text) == ("a_b", "0a9c", TEXT)
    assert len(doc.attributions) == 3


POLNEAR = Path("/work/shared/polnear")


@pytest.mark.slow
def test_real_polnear_files_read_within_their_texts() -> None:
    if not (POLNEAR / "dev" / "text").is_dir():
        pytest.skip(f"PolNeAR not found at {POLNEAR}")
    docs = read_split(POLNEAR, "dev", limit=5)
    assert len(docs) == 5
    for doc in docs:
        ann = annotation_files(POLNEAR / "dev" / "attributions", doc.name)[0]
        assert doc.attributions
        # Each single-fragment span's text in the file is the article's text there.
        for line in ann.read_text(encoding="utf-8").splitlines():
            fields = line.split("\t")
            if line.startswith("T") and len(fields) == 3 and ";" not in fields[1]:
                _, first, last = fields[1].split()
                assert doc.text[int(first) : int(last)] == fields[2]
        for a in doc.attributions:
            for start, end in (*a.content, *a.cue, *a.source):
                assert 0 <= start < end <= len(doc.text)

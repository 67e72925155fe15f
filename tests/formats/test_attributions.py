"""Who says what in the outputs: the terminal's and the report's plain words, the
attribution ``json`` and ``brat`` formats (brat read back as PolNeAR is read), and the
SemEval lines, which a head does not change."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from spinscope._attribution import parse_ann
from spinscope._errors import InputError, ModelError
from spinscope._formats import ATTRIBUTION_FORMATS, FORMATS, Record, brat_ann, said_by
from spinscope._pipeline import Analysis, Attribution, Span, Statement, build_analysis

from ..fakes import fake_model

QUOTED = 'The mayor said "they are traitors and liars". Our city is a disgrace.'


def analyses() -> tuple[Analysis, Analysis]:
    return fake_model().analyze(QUOTED), fake_model(attribution=True).analyze(QUOTED)


def test_said_by_in_plain_words() -> None:
    st_ = Statement(((0, 9),), None, None, None, "x")
    assert said_by(Span(0, 4, "Doubt", 0.5, st_)) == "attributed to an unnamed source"
    named = Statement(((0, 9),), (10, 14), (15, 17), "Nicolas Maduro", "x", "said", "he")
    assert said_by(Span(0, 4, "Doubt", 0.5, named)) == "said by Nicolas Maduro (“said”)"


def test_the_terminal_says_whose_voice_each_fragment_is() -> None:
    plain, said = (FORMATS.get("text").render(Record("a.txt", "a", a)) for a in analyses())
    assert "said by mayor (“said”)" in said and "the article's own voice" in said
    assert "said by" not in plain and "voice" not in plain


def test_the_report_tooltips_say_whose_voice_each_fragment_is() -> None:
    plain, said = (FORMATS.get("html").render(Record("a.txt", "a", a)) for a in analyses())
    assert '<p class="voice">said by mayor (“said”)</p>' in said
    assert "the article&#39;s own voice" in said
    assert 'class="voice"' not in plain


@pytest.mark.parametrize("name", ["semeval", "si"])
def test_semeval_and_si_lines_are_the_same_with_a_head(name: str) -> None:
    plain, said = (FORMATS.get(name).render(Record("a.txt", "7", a)) for a in analyses())
    assert plain == said and plain


def test_attribution_json_lists_each_role() -> None:
    _, said = analyses()
    doc = json.loads(ATTRIBUTION_FORMATS.get("json").render(Record("a.txt", "a", said)))
    assert doc["source"] == "a.txt" and doc["length"] == len(QUOTED)
    (first,) = doc["attributions"]
    assert first["speaker"] == "mayor"
    assert first["cue"] == {"start": 10, "end": 14, "text": "said"}
    assert first["content"]["text"] == QUOTED[15:44]


def test_without_a_head_the_attribution_formats_refuse() -> None:
    plain, _ = analyses()
    for fmt in ATTRIBUTION_FORMATS:
        with pytest.raises(ModelError, match="without an attribution head"):
            fmt.render(Record("a.txt", "a", plain))


ranges = st.tuples(st.integers(0, 80), st.integers(1, 20)).map(lambda t: (t[0], t[0] + t[1]))


@st.composite
def statement(draw: st.DrawFn) -> Statement:
    content = tuple(sorted(draw(st.lists(ranges, min_size=1, max_size=3, unique=True))))
    cue, source = draw(st.none() | ranges), draw(st.none() | ranges)
    return Statement(content, cue, source, None, "")


@given(st.lists(statement(), max_size=5), st.text(alphabet="ab \n\r“é", min_size=100))
def test_brat_lines_read_back_as_the_attributions(said: list[Statement], text: str) -> None:
    analysis = build_analysis(text, [], "m", 0.3, attributions=said)
    ann = brat_ann(analysis)
    back = parse_ann(ann)
    expected = [
        Attribution(
            s.content, () if s.cue is None else (s.cue,), () if s.source is None else (s.source,)
        )
        for s in said
    ]
    assert back == expected
    for line in ann.splitlines():
        match = re.fullmatch(r"T\d+\t\w+ ([\d ;]+)\t(.*)", line)
        if match:
            parts = [tuple(map(int, p.split())) for p in match.group(1).split(";")]
            words = " ".join(text[a:b] for a, b in parts)
            assert match.group(2) == words.replace("\r", " ").replace("\n", " ")


def test_brat_folder_writes_the_ann_and_the_analyzed_text(tmp_path: Path) -> None:
    _, said = analyses()
    fmt = ATTRIBUTION_FORMATS.get("brat")
    assert fmt.folder is not None
    written = fmt.folder(Record("in/a.html", "a", said), tmp_path)
    assert [p.name for p in written] == ["a.ann", "a.txt"]
    assert (tmp_path / "a.txt").read_text(encoding="utf-8") == QUOTED
    assert parse_ann((tmp_path / "a.ann").read_text(encoding="utf-8"))
    fmt.folder(Record("in/a.html", "a", said), tmp_path)  # the same text again: fine
    (tmp_path / "a.txt").write_text("something else", encoding="utf-8")
    with pytest.raises(InputError, match="is not the analyzed text"):
        fmt.folder(Record("in/a.html", "a", said), tmp_path)

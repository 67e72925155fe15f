"""The ``inception`` format through DKPro Cassis, the UIMA CAS library of INCEpTION's team
(what INCEpTION's Python recommenders read and write CAS documents with).

INCEpTION itself is a Java server that does not install from a package registry, so the
round trip an annotator makes runs through its library instead: spinscope's export is
loaded as a CAS, one label and one boundary are changed as an annotator would, the CAS is
written back by Cassis, and ``spinscope import`` must read exactly the corrected spans.
Cassis keeps offsets in UTF-16 code units on disk and Python characters in memory, so
emoji and ``\\r\\n`` are checked on the way too.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from spinscope._formats import Record, cas_json, import_annotations
from spinscope._formats._inception import FEATURE, LAYER
from spinscope._semeval import Label

from ..fakes import fake_model

cassis = pytest.importorskip("cassis", reason="needs dkpro-cassis (the test extra)")

TEXT = "Café 😀 traitors and liars.\r\nÜber 🇺🇦 city: a disgrace!\r\n"


def export(tmp_path: Path) -> Path:
    import json

    record = Record("in/article7.txt", "7", fake_model().analyze(TEXT))
    path = tmp_path / "article7.json"
    path.write_text(json.dumps(cas_json(record), ensure_ascii=False), encoding="utf-8")
    return path


def test_cassis_reads_the_export_with_the_same_spans(tmp_path: Path) -> None:
    with export(tmp_path).open("rb") as handle:
        cas = cassis.load_cas_from_json(handle)
    assert cas.sofa_string == TEXT
    spans = [(a.get_covered_text(), a.get(FEATURE)) for a in cas.select(LAYER)]
    assert spans == [
        ("traitors", "Loaded_Language"),
        ("liars", "Loaded_Language"),
        ("disgrace", "Loaded_Language"),
    ]


def test_an_annotator_s_corrections_written_by_cassis_come_back_exactly(tmp_path: Path) -> None:
    with export(tmp_path).open("rb") as handle:
        cas = cassis.load_cas_from_json(handle)
    first, second, third = cas.select(LAYER)
    first.set(FEATURE, "Name_Calling,Labeling")  # a label changed
    second.begin = TEXT.index("and liars")  # a boundary moved
    cas.remove(third)  # a span removed
    layer = cas.typesystem.get_type(LAYER)
    flag = TEXT.index("🇺🇦")
    cas.add(layer(begin=flag, end=flag + 2, **{FEATURE: "Flag-Waving"}))  # a span added
    corrected = tmp_path / "corrected" / "article7.json"
    corrected.parent.mkdir()
    cas.to_json(corrected)
    labels = import_annotations(corrected.parent, "inception").labels
    assert labels == [
        Label("7", TEXT.index("traitors"), TEXT.index("traitors") + 8, "Name_Calling,Labeling"),
        Label("7", TEXT.index("and liars"), TEXT.index("liars") + 5, "Loaded_Language"),
        Label("7", flag, flag + 2, "Flag-Waving"),
    ]

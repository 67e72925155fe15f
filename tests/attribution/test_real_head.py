"""(slow) The trained attribution head in a real model directory: the shipped model once it
holds the head, else the trained one at ``/root/spinscope-attr/model-head``, else skipped.

The article is invented for the test: a quotation whose source is a pronoun, and a
paraphrase whose source is a partial name.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from spinscope._attribution import HEAD_FILE, parse_ann
from spinscope._pipeline import Analysis, Model, default_model_path
from spinscope._settings import Settings

from ..clirun import invoke

TRAINED = Path("/root/spinscope-attr/model-head")
ARTICLE = (
    "Senator Mary Jones attacked the plan on Tuesday.\n\n"
    "“This is a shameful betrayal of every family in this city,” she said.\n\n"
    "The council defended the budget. Jones said the mayor's cronies had wasted millions.\n"
)

pytestmark = pytest.mark.slow


def head_folder() -> Path:
    for folder in (default_model_path(), TRAINED):
        if (folder / HEAD_FILE).is_file():
            return folder
    pytest.skip("no model directory with an attribution head")


@pytest.fixture(scope="module")
def analysis() -> Analysis:
    return Model.load(head_folder(), Settings()).analyze(ARTICLE, threshold=0.0)


def test_the_quote_and_the_paraphrase_are_said_by_the_senator(analysis: Analysis) -> None:
    shameful = [s for s in analysis.spans if "shameful" in ARTICLE[s.start : s.end]]
    cronies = [s for s in analysis.spans if "cronies" in ARTICLE[s.start : s.end]]
    assert shameful and cronies
    for span in shameful + cronies:
        assert span.voice == "attributed"
        assert span.speaker is not None and "Mary Jones" in span.speaker


def test_offsets_are_exact(analysis: Analysis) -> None:
    assert analysis.attributions
    for said in analysis.attributions:
        for role, where in (("cue", said.cue), ("source", said.source)):
            text = getattr(said, f"{role}_text")
            assert where is None or ARTICLE[where[0] : where[1]] == text
        assert " … ".join(ARTICLE[a:b] for a, b in said.content) == said.content_text


def test_the_head_changes_no_technique_span(analysis: Analysis, tmp_path: Path) -> None:
    # The same directory without its head: links to every other file.
    for path in head_folder().iterdir():
        if path.name not in {HEAD_FILE, "attribution.json"}:
            (tmp_path / path.name).symlink_to(path)
    plain = Model.load(tmp_path, Settings()).analyze(ARTICLE, threshold=0.0)
    assert plain.attributions is None
    assert plain.spans == analysis.spans and plain.passages == analysis.passages


def test_brat_from_the_command_reads_back(tmp_path: Path) -> None:
    article = tmp_path / "jones.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    result = invoke("attributions", str(article), "-f", "brat", "--model", str(head_folder()))
    assert result.exit_code == 0, result.output
    found = parse_ann(result.stdout)
    assert found and all(ARTICLE[a:b] for a_ in found for a, b in a_.content)

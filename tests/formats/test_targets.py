"""Whom each fragment aims at, in the outputs: JSON (``spans[].target`` with offsets, text
and name, or null), the terminal's "aims at" column, the HTML report's tooltip, the web
page's tooltip code and its analyzer API."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient

from spinscope._formats import FORMATS, Record, aims_at
from spinscope._pipeline import Analysis, Span, Target, build_analysis
from spinscope._web import ServeConfig, create_app

from ..fakes import fake_model

GUAIDO = (
    "Juan Guaido and his cronies met the liberals on Monday. Guaido is a disgrace, the city "
    "said. It is a plan to save the city, and the plan of the city is a plan that is shameful."
)
NAMED = {"start": 0, "end": 11, "text": "Juan Guaido", "name": "Juan Guaido"}
SURNAME = {"start": 56, "end": 62, "text": "Guaido", "name": "Juan Guaido"}


def aimed() -> Analysis:
    return fake_model().analyze(GUAIDO)


def untargeted() -> Analysis:
    return build_analysis("Vile lies!", [Span(0, 4, "Loaded_Language", 0.9)], "m", 0.3)


def render(name: str, analysis: Analysis) -> str:
    return FORMATS.get(name).render(Record("a.txt", "a", analysis))


def test_aims_at_in_plain_words() -> None:
    assert aims_at(Span(0, 4, "Doubt", 0.5)) is None
    named = Span(0, 4, "Doubt", 0.5, target=Target(7, 13, "Guaido", "Juan Guaido"))
    assert aims_at(named) == "aims at Juan Guaido"


def test_json_gives_each_span_its_target_or_null() -> None:
    doc = json.loads(render("json", aimed()))
    assert [s["target"] for s in doc["spans"]] == [NAMED, SURNAME, None]
    for s in doc["spans"][:2]:
        assert GUAIDO[s["target"]["start"] : s["target"]["end"]] == s["target"]["text"]
    assert json.loads(render("json", untargeted()))["spans"][0]["target"] is None


def test_the_terminal_says_whom_each_fragment_aims_at() -> None:
    out = render("text", aimed())
    assert "aims at" in out and out.count("Juan Guaido") >= 2
    assert "aims at" not in render("text", untargeted())


def test_the_report_tooltips_say_whom_each_fragment_aims_at() -> None:
    html = render("html", aimed())
    assert html.count('<p class="target">aims at Juan Guaido</p>') == 2
    assert 'class="target"' not in render("html", untargeted())


def test_the_web_page_and_api_say_whom_each_fragment_aims_at() -> None:
    app = create_app(fake_model(), ServeConfig())
    with TestClient(app, base_url="http://localhost") as client:
        doc = client.post("/api/analyze", json={"text": GUAIDO}).json()
        script = client.get("/static/highlight.js").text
    assert [s["target"] for s in doc["spans"]] == [NAMED, SURNAME, None]
    assert "'Aims at '" in script and "s.target.name" in script

"""The compare page and its JSON twin with the fake model: the form, the tables of a
comparison, ``POST /api/compare`` (the JSON of ``spinscope compare -f json``), and bad
input answered 4xx with ``{"error": ...}`` (the page shows the message with the status)."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from fastapi.testclient import TestClient

from spinscope._compare import CompareOptions
from spinscope._errors import BusyError
from spinscope._web import ServeConfig, create_app
from spinscope._web._analyzer import Analyzer

from ..fakes import GatedTagger, fake_model

LOCAL = "http://localhost"
A = 'The mayor said "they are traitors and liars". Our city is a disgrace.'
B = 'Our city is a disgrace. The mayor said "they are traitors and liars".'


@pytest.fixture(scope="module")
def client() -> TestClient:
    app = create_app(fake_model(attribution=True), ServeConfig(max_bytes=2000))
    return TestClient(app, base_url=LOCAL)


def error_of(response: Any, status: int) -> str:
    assert response.status_code == status, response.text
    doc = response.json()
    assert set(doc) == {"error"}, doc
    message: str = doc["error"]
    return message


def test_the_form_renders_without_inline_script(client: TestClient) -> None:
    page = client.get("/compare")
    assert page.status_code == 200
    html = page.text
    for field in ('name="a"', 'name="b"', 'name="a_url"', 'name="b_url"', 'action="/compare"'):
        assert field in html
    assert "<script" not in html and " style=" not in html
    assert 'href="/compare" aria-current="page"' in html
    assert client.get("/static/compare.css").headers["content-type"].startswith("text/css")


def test_the_posted_form_shows_the_comparison(client: TestClient) -> None:
    page = client.post("/compare", data={"a": A, "b": B, "a_url": "", "b_url": ""})
    assert page.status_code == 200, page.text
    html = page.text
    for heading in ("Techniques side by side", "Sentences that say the same thing"):
        assert heading in html
    assert "Quotes both report" in html and "— mayor" in html
    assert "&#34;they are traitors and liars&#34;" in html  # escaped, never markup
    assert A.replace('"', "&#34;") in html  # the form keeps what was given


def test_the_json_twin_is_the_cli_json(client: TestClient) -> None:
    doc = client.post("/api/compare", json={"a": A, "b": B, "top": 1}).json()
    assert (doc["a"]["source"], doc["b"]["source"]) == ("a", "b")
    assert [(p["a"]["sentence"], p["b"]["sentence"]) for p in doc["sentences"]] == [(0, 1), (1, 0)]
    assert [q["a"]["speaker"] for q in doc["quotes"]] == ["mayor"]
    assert doc["options"] == {"similarity": 0.75, "overlap": 0.5, "top": 1}
    assert len(doc["a"]["top"]) == 1


@pytest.mark.parametrize(
    ("body", "status", "words"),
    [
        ({"a": A}, 422, "exactly one of b or b_url"),
        ({"a": A, "b": B, "b_url": "https://x.example/"}, 422, "exactly one of b or b_url"),
        ({"a": A, "b": B, "bogus": "y" * 5000}, 422, "bogus"),
        ({"a": A, "b": B, "similarity": 1.5}, 422, "similarity"),
        ({"a": A, "b": B, "threshold": -1}, 422, "threshold"),
        ({"a": A, "b": 5}, 422, "b"),
        ({"a": " \n", "b": B}, 400, "a: the text holds only whitespace"),
        ({"a": A, "b": "x" * 3000}, 413, "b: the text is 3,000 bytes"),
        ({"a": A, "b_url": "file:///etc/passwd"}, 400, "b: file:///etc/passwd"),
        ({"a_url": "http://127.0.0.1:8000/", "b": B}, 502, "a: "),
    ],
)
def test_bad_input_is_an_error_body_with_a_4xx_or_5xx(
    client: TestClient, body: dict[str, object], status: int, words: str
) -> None:
    message = error_of(client.post("/api/compare", json=body), status)
    assert words in message and "yyyyy" not in message and len(message) < 300


def test_malformed_json_and_lone_surrogates_are_422(client: TestClient) -> None:
    headers = {"Content-Type": "application/json"}
    raw = client.post("/api/compare", content=b"{not json", headers=headers)
    assert error_of(raw, 422) == "the request body is not valid JSON"
    lone = client.post("/api/compare", content=b'{"a": "x \\ud800", "b": "y"}', headers=headers)
    assert error_of(lone, 422).startswith("a:")


@pytest.mark.parametrize(
    ("form", "status", "words"),
    [
        ({"a": A}, 400, "article B: paste its text or give a URL"),
        ({"a": A, "b": B, "b_url": "https://x.example/"}, 400, "not both"),
        ({"a": "  ", "a_url": "", "b": B}, 400, "article A: paste its text"),
        ({"a": A, "b": "x" * 3000}, 413, "over the 2,000-byte limit"),
        ({"a": A, "b_url": "ftp://x.example/"}, 400, "only http and https"),
    ],
)
def test_the_page_shows_errors_with_their_status(
    client: TestClient, form: dict[str, str], status: int, words: str
) -> None:
    page = client.post("/compare", data=form)
    assert page.status_code == status
    assert 'role="alert"' in page.text and words in page.text
    assert "Techniques side by side" not in page.text


def test_the_schema_documents_the_route_and_its_rule(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    responses = schema["paths"]["/api/compare"]["post"]["responses"]
    error = {"$ref": "#/components/schemas/ErrorBody"}
    for status in ["400", "413", "422", "502", "503", "504"]:
        assert responses[status]["content"]["application/json"]["schema"] == error
    body = schema["components"]["schemas"]["CompareRequest"]
    assert body["allOf"][1] == {"oneOf": [{"required": ["b"]}, {"required": ["b_url"]}]}
    assert "/compare" not in schema["paths"]


def test_a_comparison_takes_an_analysis_slot() -> None:
    tagger = GatedTagger()
    analyzer = Analyzer(fake_model(tagger=tagger), concurrency=1, queue=0)
    holder = threading.Thread(target=analyzer.analyze, args=("They are traitors.", None, None))
    holder.start()
    assert tagger.entered.wait(10)
    with pytest.raises(BusyError):
        analyzer.compare((A, B), ("a", "b"), CompareOptions(), None)
    tagger.gate.set()
    holder.join(10)
    assert analyzer.compare((A, B), ("a", "b"), CompareOptions(), None).sentences

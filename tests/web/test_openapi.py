"""The OpenAPI schema says what the API takes and answers, exactly: request fields are
strings or absent (never null) and not coerced from other types, every JSON answer has a
closed schema, and every error status a route can answer is listed with the
``{"error": ...}`` body. The answers Schemathesis cannot reach by guessing (stored keys,
quotes both articles share, a span's evidence) are checked against the schema here."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any, get_args
from urllib.parse import quote

import httpx
import pytest
import schemathesis
from fastapi.testclient import TestClient
from schemathesis.schemas import BaseSchema

from spinscope._formats import analysis_json
from spinscope._pipeline import Evidence, Example, Target
from spinscope._store import ArticleRecord, Result, Store
from spinscope._store._queries import REPORT_COLUMNS
from spinscope._web import ServeConfig, create_app
from spinscope._web._openapi import DashboardOut, OverviewOut
from spinscope._web._params import FILTER_NAMES, MAX_PER_PAGE, MAX_TOP

from ..fakes import fake_model
from ..storedata import ARTICLES, fill

LOCAL = "http://localhost"
TEXT = "They are traitors and liars. Save our city!"
QUOTED = 'The mayor said "they are traitors and liars". Our city is a disgrace.'
ODD_KEY = "voiced/q 1%.txt"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    db = str(tmp_path_factory.mktemp("openapi") / "store.db")
    with Store.open(db) as store:
        # Before the others, so that their model (m1) is the latest, the default.
        voiced = fake_model(attribution=True).analyze(QUOTED)
        record = ArticleRecord(ODD_KEY, QUOTED, "Q", "Gazette", None, "2020-05-01")
        store.save(None, [Result(record, voiced, 0.1)])
        fill(store)
    app = create_app(fake_model(attribution=True), ServeConfig(db=db))
    with TestClient(app, base_url=LOCAL) as c:
        yield c


@pytest.fixture(scope="module")
def doc(client: TestClient) -> dict[str, Any]:
    found: dict[str, Any] = client.get("/openapi.json").json()
    return found


@pytest.fixture(scope="module")
def schema(doc: dict[str, Any]) -> BaseSchema:
    return schemathesis.openapi.from_dict(doc)


def conforms(schema: BaseSchema, method: str, path: str, response: Any) -> None:
    """``response`` (httpx's or httpx2's: TestClient answers with either, whichever is
    installed) matches what the schema lists for its status; raises otherwise."""
    schema[path][method].validate_response(response)


def answer(body: dict[str, Any]) -> httpx.Response:
    """A 200 of ``POST /api/analyze`` with ``body``, as if the app had sent it."""
    request = httpx.Request("POST", LOCAL + "/api/analyze")
    response = httpx.Response(200, json=body, request=request)
    response.elapsed = timedelta(0)
    return response


# --- requests: strings or absent, no coercion ---------------------------------------


@pytest.mark.parametrize("route", ["/api/analyze", "/api/report", "/api/semeval"])
@pytest.mark.parametrize("field", ["html", "url"])
def test_a_null_beside_the_text_is_422_naming_the_field(
    client: TestClient, route: str, field: str
) -> None:
    # {"text": ..., "url": null} gives two keys of the "exactly one of" rule.
    response = client.post(route, json={"text": TEXT, field: None})
    assert response.status_code == 422
    assert response.json() == {"error": f"{field}: give a string, or leave the field out"}


def test_a_null_alone_is_422_not_an_empty_request(client: TestClient) -> None:
    response = client.post("/api/analyze", json={"url": None})
    assert response.status_code == 422 and response.json()["error"].startswith("url: ")


def test_a_null_side_of_a_comparison_is_422(client: TestClient) -> None:
    response = client.post("/api/compare", json={"a": TEXT, "a_url": None, "b": TEXT})
    assert response.status_code == 422 and response.json()["error"].startswith("a_url: ")


@pytest.mark.parametrize(
    ("route", "extra", "field"),
    [
        ("/api/analyze", {"threshold": "0.5"}, "threshold"),
        ("/api/analyze", {"threshold": True}, "threshold"),
        ("/api/compare", {"top": False}, "top"),
        ("/api/compare", {"top": "3"}, "top"),
        ("/api/compare", {"similarity": "0.5"}, "similarity"),
    ],
)
def test_values_of_another_type_are_422_not_coerced(
    client: TestClient, route: str, extra: dict[str, Any], field: str
) -> None:
    body = {"text": TEXT} if route == "/api/analyze" else {"a": TEXT, "b": TEXT}
    response = client.post(route, json={**body, **extra})
    assert response.status_code == 422 and response.json()["error"].startswith(f"{field}:")


def test_whole_numbers_still_pass_as_thresholds(client: TestClient) -> None:
    assert client.post("/api/analyze", json={"text": TEXT, "threshold": 1}).status_code == 200
    compare = {"a": TEXT, "b": TEXT, "similarity": 0, "overlap": 1, "top": 2}
    assert client.post("/api/compare", json=compare).status_code == 200


@pytest.mark.parametrize(
    ("name", "fields"),
    [("AnalyzeRequest", ["text", "html", "url"]), ("CompareRequest", ["a", "b", "a_url", "b_url"])],
)
def test_the_schema_says_the_text_fields_are_non_empty_strings(
    doc: dict[str, Any], name: str, fields: list[str]
) -> None:
    body = doc["components"]["schemas"][name]
    for field in fields:
        prop = body["properties"][field]
        assert prop["type"] == "string" and prop["minLength"] == 1, prop
        assert "anyOf" not in prop
    assert body["additionalProperties"] is False


# --- answers: every JSON body closed, every error listed --------------------------------


def open_objects(node: Any, where: str = "") -> Iterator[str]:
    """Where a schema allows any key: an object without ``additionalProperties: false``
    (or a schema for the values of a map)."""
    if isinstance(node, dict):
        is_object = node.get("type") == "object" or "properties" in node
        if is_object and node.get("additionalProperties", True) is True:
            yield where
        for key, value in node.items():
            yield from open_objects(value, f"{where}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from open_objects(value, f"{where}/{i}")


def test_no_schema_of_the_api_leaves_an_object_open(doc: dict[str, Any]) -> None:
    # The multipart upload body is FastAPI's own; its one field is declared.
    found = [w for w in open_objects(doc) if "Body_analyze_file" not in w]
    assert found == []


def test_every_json_answer_has_a_schema(doc: dict[str, Any]) -> None:
    for path, item in doc["paths"].items():
        for method, operation in item.items():
            ok = operation["responses"]["200"]["content"]
            for media, content in ok.items():
                shape = content["schema"]
                assert (
                    "$ref" in shape
                    or "$ref" in shape.get("items", {})
                    or (media != "application/json" and shape == {"type": "string"})
                ), (method, path, shape)


def test_every_operation_lists_the_errors_it_can_answer(doc: dict[str, Any]) -> None:
    assert "HTTPValidationError" not in doc["components"]["schemas"]
    error = {"$ref": "#/components/schemas/ErrorBody"}
    for path, item in doc["paths"].items():
        for method, operation in item.items():
            codes = set(operation["responses"]) - {"200"}
            assert "400" in codes, path  # a Host not allowed
            assert ("401" in codes) == (path != "/api/health"), path  # the token
            if path.startswith(("/api/corpus", "/api/dashboard")):
                assert {"400", "404", "503"} <= codes, path
            for code in codes:
                answer = operation["responses"][code]["content"]["application/json"]
                assert answer["schema"] == error, (method, path, code)


def test_the_store_routes_document_their_query(doc: dict[str, Any]) -> None:
    def names(path: str) -> dict[str, Any]:
        operation = doc["paths"][path]["get"]
        return {p["name"]: p["schema"] for p in operation.get("parameters", [])}

    corpus, dashboard = names("/api/corpus"), names("/api/dashboard")
    assert set(corpus) == {*FILTER_NAMES, "page", "per_page"}
    assert set(dashboard) == {*FILTER_NAMES, "top"} - {"q"}
    assert corpus["per_page"]["maximum"] == MAX_PER_PAGE
    assert dashboard["top"]["maximum"] == MAX_TOP
    assert corpus["source"]["type"] == "array"  # repeatable


def test_the_dashboard_schema_has_the_report_columns() -> None:
    assert set(DashboardOut.model_fields) - {"filters"} == set(REPORT_COLUMNS)
    for name, columns in REPORT_COLUMNS.items():
        if name == "overview":  # the report's model is in its filters
            assert set(OverviewOut.model_fields) == set(columns) - {"model"}
            continue
        (row,) = get_args(DashboardOut.model_fields[name].annotation)
        assert set(row.model_fields) == set(columns), name


# --- answers Schemathesis does not reach by guessing ---------------------------------


def test_every_stored_article_matches_the_schema(schema: BaseSchema, client: TestClient) -> None:
    keys = [record.key for record, _ in ARTICLES] + [ODD_KEY]
    for key in keys:
        response = client.get("/api/corpus/articles/" + quote(key, safe=""))
        assert response.status_code == 200, key
        conforms(schema, "GET", "/api/corpus/articles/{key}", response)
    voiced = client.get("/api/corpus/articles/" + quote(ODD_KEY, safe="")).json()
    assert voiced["analysis"]["spans"][0]["voice"] == "attributed"


@pytest.mark.parametrize(
    "query", ["", "?source=Gazette", "?technique=doubt&top=1", "?model=m0", "?model=fake-model"]
)
def test_the_dashboard_with_voices_matches_the_schema(
    schema: BaseSchema, client: TestClient, query: str
) -> None:
    response = client.get("/api/dashboard" + query)
    assert response.status_code == 200
    conforms(schema, "GET", "/api/dashboard", response)


def test_the_corpus_pages_match_the_schema(schema: BaseSchema, client: TestClient) -> None:
    first = client.get("/api/corpus?per_page=2")
    assert first.status_code == 200 and first.json()["next"]
    conforms(schema, "GET", "/api/corpus", first)
    conforms(schema, "GET", "/api/corpus", client.get(first.json()["next"]))


def test_a_comparison_with_shared_quotes_matches_the_schema(
    schema: BaseSchema, client: TestClient
) -> None:
    response = client.post("/api/compare", json={"a": QUOTED, "b": QUOTED})
    assert response.status_code == 200 and response.json()["quotes"]
    conforms(schema, "POST", "/api/compare", response)


def test_an_analysis_with_every_optional_part_matches_the_schema(schema: BaseSchema) -> None:
    analysis = fake_model(attribution=True).analyze(QUOTED)
    evidence = Evidence((Example("traitors", "Name_Calling,Labeling", 0.9),), 2)
    first = replace(analysis.spans[0], evidence=evidence, target=Target(4, 9, "mayor"))
    rich = replace(analysis, spans=(first, *analysis.spans[1:]))
    body = analysis_json("<text>", rich)
    span = body["spans"][0]
    assert {"voice", "speaker", "cue", "attribution", "evidence"} <= set(span)
    assert span["target"] is not None and body["attributions"]
    conforms(schema, "POST", "/api/analyze", answer(body))
    bad = {**body, "spans": [{**span, "evidence": {"examples": [], "recurs": "2"}}]}
    with pytest.raises(AssertionError, match='not of type "integer"'):
        conforms(schema, "POST", "/api/analyze", answer(bad))


def test_the_schema_at_a_path_is_the_one_served(tmp_path: Path) -> None:
    # The bare app (no store) serves the same schema: the documentation does not depend
    # on the configuration.
    bare = TestClient(create_app(fake_model()), base_url=LOCAL).get("/openapi.json").json()
    db = str(tmp_path / "s.db")
    Store.open(db).close()
    with TestClient(create_app(fake_model(), ServeConfig(db=db)), base_url=LOCAL) as c:
        assert c.get("/openapi.json").json() == bare


@pytest.mark.slow
def test_the_shipped_models_answers_match_the_schema() -> None:
    """The real model has an evidence index and an attribution head: its spans carry
    every optional key, and a comparison its shared quotes."""
    from spinscope import load_model

    from ..conftest import ROOT

    text = (ROOT / "examples" / "harbour-bridge.txt").read_text(encoding="utf-8")
    client = TestClient(create_app(load_model()), base_url=LOCAL)
    schema = schemathesis.openapi.from_dict(client.get("/openapi.json").json())
    analysis = client.post("/api/analyze", json={"text": text})
    assert analysis.status_code == 200 and "evidence" in analysis.json()["spans"][0]
    conforms(schema, "POST", "/api/analyze", analysis)
    comparison = client.post("/api/compare", json={"a": text, "b": text[: len(text) // 2]})
    assert comparison.status_code == 200 and comparison.json()["quotes"] is not None
    conforms(schema, "POST", "/api/compare", comparison)
    for path in ["/api/health", "/api/techniques"]:
        conforms(schema, "GET", path, client.get(path))

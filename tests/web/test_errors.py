"""Every error the API answers is ``{"error": "..."}`` with the status the README promises,
never a 500 and never the input echoed back; the OpenAPI schema says so. The fake model
stands in, and no URL here is fetched beyond the guard."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from spinscope._web import ServeConfig, create_app

from ..fakes import fake_model

LOCAL = "http://localhost"
TEXT = "They are traitors and liars. Save our city!"


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app(fake_model()), base_url=LOCAL)


def post_raw(client: TestClient, route: str, body: str) -> Any:
    """POST ``body`` as it is: JSON text that ``json.dumps`` would never write."""
    return client.post(route, content=body.encode(), headers={"Content-Type": "application/json"})


def error_of(response: Any, status: int) -> str:
    assert response.status_code == status, response.text
    doc = response.json()
    assert set(doc) == {"error"}, doc
    message: str = doc["error"]
    return message


@pytest.mark.parametrize("route", ["/api/analyze", "/api/report", "/api/semeval"])
@pytest.mark.parametrize(
    ("field", "value"),
    [("text", "a \\ud800 b"), ("html", "<p>a \\udfff</p>"), ("url", "http://a\\ud800b.example/")],
)
def test_lone_surrogates_are_422_naming_the_field(
    client: TestClient, route: str, field: str, value: str
) -> None:
    response = post_raw(client, route, f'{{"{field}": "{value}"}}')
    assert field in error_of(response, 422)


@pytest.mark.parametrize("threshold", ["NaN", "1e999", "-Infinity", "Infinity"])
def test_non_finite_thresholds_are_422(client: TestClient, threshold: str) -> None:
    response = post_raw(client, "/api/analyze", f'{{"text": "a", "threshold": {threshold}}}')
    assert error_of(response, 422).startswith("threshold:")


@pytest.mark.parametrize(
    "url",
    [
        "",
        "ftp://a.example/x",
        "file:///etc/passwd",
        "http://[::1/",
        "http://127.0.0.1:99999/",
        "http://" + "a" * 300 + ".example/",
        "http://a..b/",
    ],
)
def test_unusable_urls_are_400(client: TestClient, url: str) -> None:
    message = error_of(client.post("/api/analyze", json={"url": url}), 400)
    assert len(message) < 300


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8000/", "http://169.254.169.254/", "http://[::1]/", "http://10.0.0.1"]
)
def test_refused_addresses_are_502(client: TestClient, url: str) -> None:
    assert "refusing" in error_of(client.post("/api/analyze", json={"url": url}), 502)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"text": "x" * 5000, "threshold": 2}, "threshold"),
        ({"text": "x" * 5000, "bogus": "y" * 5000}, "bogus"),
        ({"text": "a", "html": "b"}, "exactly one of text, html or url"),
        ({}, "exactly one of text, html or url"),
        ({"text": 5}, "text"),
        ({"text": "a", "techniques": "Doubt"}, "techniques"),
    ],
)
def test_422s_are_one_short_message_without_the_input(
    client: TestClient, body: dict[str, object], field: str
) -> None:
    message = error_of(client.post("/api/analyze", json=body), 422)
    assert field in message and "xxxxx" not in message and "yyyyy" not in message
    assert len(message) < 300


def test_malformed_json_and_a_missing_upload_are_422(client: TestClient) -> None:
    message = error_of(post_raw(client, "/api/analyze", "{not json"), 422)
    assert message == "the request body is not valid JSON"
    assert "file" in error_of(client.post("/api/analyze-file"), 422)


def test_unknown_paths_and_methods_are_error_json(client: TestClient) -> None:
    assert error_of(client.get("/api/nope"), 404)
    assert error_of(client.get("/api/analyze"), 405)


def test_a_chunked_body_over_the_limit_is_413() -> None:
    small = TestClient(create_app(fake_model(), ServeConfig(max_bytes=10)), base_url=LOCAL)

    def chunks() -> Iterator[bytes]:
        yield b'{"text": "'
        for _ in range(20):
            yield b"a" * 10_000  # 200 kB in all, over the 6 * 10 + 64 kB limit
        yield b'"}'

    response = small.post(
        "/api/analyze", content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert "limit" in error_of(response, 413)
    head = b'--B\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\n'
    upload = small.post(
        "/api/analyze-file",
        content=iter([head, *[b"a" * 10_000] * 20, b"\r\n--B--\r\n"]),
        headers={"Content-Type": "multipart/form-data; boundary=B"},
    )
    assert "limit" in error_of(upload, 413)


def test_the_swagger_page_is_gone_and_the_schema_stays(client: TestClient) -> None:
    assert client.get("/docs").status_code == 404
    assert client.get("/redoc").status_code == 404
    assert client.get("/openapi.json").status_code == 200


def test_the_schema_documents_every_error_and_the_one_of_rule(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    error = {"$ref": "#/components/schemas/ErrorBody"}
    for route in ["/api/analyze", "/api/report", "/api/semeval"]:
        responses = schema["paths"][route]["post"]["responses"]
        for status in ["400", "413", "415", "422", "502", "503", "504"]:
            assert responses[status]["content"]["application/json"]["schema"] == error
        assert "Retry-After" in responses["503"]["headers"]
        assert "exactly one of" in schema["paths"][route]["post"]["description"]
    upload = schema["paths"]["/api/analyze-file"]["post"]["responses"]
    assert {"400", "413", "415", "422", "503"} <= set(upload)
    body = schema["components"]["schemas"]["AnalyzeRequest"]
    assert body["oneOf"] == [{"required": ["text"]}, {"required": ["html"]}, {"required": ["url"]}]
    assert "exactly one of" in body["description"]
    assert schema["components"]["schemas"]["ErrorBody"]["required"] == ["error"]


def test_a_good_request_still_passes(client: TestClient) -> None:
    assert client.post("/api/analyze", json={"text": TEXT, "threshold": 0.5}).status_code == 200

"""The web API through the real app and the shipped model; URL fetching against a local server."""

from __future__ import annotations

import http.server
import json
import re
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient

from spinscope import Model, load_model
from spinscope._ingest._fetch import FetchPolicy
from spinscope._web import ServeConfig, create_app

from ..conftest import ROOT

# The app answers only Host names of its allowlist (TestClient's own is "testserver").
LOCAL = "http://localhost"

pytestmark = pytest.mark.slow
ARTICLE = (ROOT / "examples" / "harbour-bridge.txt").read_text(encoding="utf-8")
PAGE = (
    "<html><head><title>Council Traitors</title></head><body><nav>Home | About</nav>"
    "<article><p>"
    + "The corrupt council has betrayed every honest family in this town. " * 8
    + "</p><p>Stand up for our town!</p></article><footer>(c) 2026</footer></body></html>"
)


@pytest.fixture(scope="module")
def model() -> Model:
    return load_model()


@pytest.fixture(scope="module")
def client(model: Model) -> TestClient:
    return TestClient(create_app(model), base_url=LOCAL)


class _Pages(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        routes = {
            "/article.html": ("text/html; charset=utf-8", PAGE.encode()),
            "/article.txt": ("text/plain", ARTICLE.encode()),
            "/image.png": ("image/png", b"\x89PNG\r\n\x1a\n"),
        }
        if self.path == "/slow":
            time.sleep(3)
        if self.path == "/to-file":
            self.send_response(302)
            self.send_header("Location", "file:///etc/passwd")
            self.end_headers()
            return
        if self.path == "/missing" or self.path not in routes:
            self.send_response(404)
            self.end_headers()
            return
        media, body = routes[self.path]
        self.send_response(200)
        self.send_header("Content-Type", media)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Pages)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="module")
def intranet_client(model: Model) -> TestClient:
    policy = FetchPolicy(allow_private=True, timeout=1.0)
    return TestClient(create_app(model, ServeConfig(fetch=policy)), base_url=LOCAL)


def test_analyze_text_returns_the_cli_json(client: TestClient) -> None:
    response = client.post("/api/analyze", json={"text": ARTICLE, "threshold": 0})
    assert response.status_code == 200
    doc = response.json()
    assert {"model", "threshold", "summary", "spans", "sentences", "passages", "text"} <= set(doc)
    assert doc["text"] == ARTICLE
    assert doc["spans"]
    for span in doc["spans"]:
        assert ARTICLE[span["start"] : span["end"]] == span["text"]


def test_threshold_and_technique_filter(client: TestClient) -> None:
    every = client.post("/api/analyze", json={"text": ARTICLE, "threshold": 0}).json()
    names = {s["technique"] for s in every["spans"]}
    one = sorted(names)[0]
    only = client.post("/api/analyze", json={"text": ARTICLE, "threshold": 0, "techniques": [one]})
    assert {s["technique"] for s in only.json()["spans"]} == {one}


def test_html_is_reduced_to_title_and_body(client: TestClient) -> None:
    doc = client.post("/api/analyze", json={"html": PAGE}).json()
    assert doc["text"].startswith("Council Traitors\n\n")
    assert "Home | About" not in doc["text"] and "(c) 2026" not in doc["text"]


def test_upload_of_text_and_html_files(client: TestClient) -> None:
    files = {"file": ("a.txt", ARTICLE.encode(), "text/plain")}
    assert client.post("/api/analyze-file", files=files).json()["text"] == ARTICLE
    files = {"file": ("a.html", PAGE.encode(), "text/html")}
    assert client.post("/api/analyze-file", files=files).json()["text"].startswith("Council")


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"text": ""}, 400),
        ({"text": "   \n "}, 400),
        ({"text": "a", "html": "<p>b</p>"}, 422),
        ({}, 422),
        ({"text": "a", "threshold": 2}, 422),
        ({"text": "a", "bogus": 1}, 422),
        ({"text": "a", "techniques": ["Nope"]}, 400),
        ({"html": "<html><body></body></html>"}, 400),
    ],
)
def test_bad_requests_get_clear_json_errors(
    client: TestClient, body: dict[str, object], status: int
) -> None:
    response = client.post("/api/analyze", json=body)
    assert response.status_code == status
    assert set(response.json()) == {"error"} and response.json()["error"]


def test_malformed_json_is_422(client: TestClient) -> None:
    response = client.post(
        "/api/analyze", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422


def test_binary_upload_is_415_and_large_text_is_413(model: Model) -> None:
    small = TestClient(create_app(model, ServeConfig(max_bytes=1000)), base_url=LOCAL)
    files = {"file": ("x.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "image/png")}
    assert small.post("/api/analyze-file", files=files).status_code == 415
    response = small.post("/api/analyze", json={"text": "word " * 300})
    assert response.status_code == 413 and "limit" in response.json()["error"]
    huge = small.post(
        "/api/analyze", content=b"x" * 100_000, headers={"Content-Type": "application/json"}
    )
    assert huge.status_code == 413


def test_urls_are_fetched_from_the_intranet_only_when_allowed(
    client: TestClient, intranet_client: TestClient, site: str
) -> None:
    refused = client.post("/api/analyze", json={"url": site + "/article.html"})
    assert refused.status_code == 502 and "refusing" in refused.json()["error"]
    doc = intranet_client.post("/api/analyze", json={"url": site + "/article.html"}).json()
    assert doc["text"].startswith("Council Traitors") and doc["source"].endswith("/article.html")
    text = intranet_client.post("/api/analyze", json={"url": site + "/article.txt"}).json()
    assert text["text"] == ARTICLE


@pytest.mark.parametrize(
    ("path", "status"),
    [("/missing", 502), ("/image.png", 415), ("/to-file", 502), ("/slow", 504)],
)
def test_url_failures_have_the_right_status(
    intranet_client: TestClient, site: str, path: str, status: int
) -> None:
    response = intranet_client.post("/api/analyze", json={"url": site + path})
    assert response.status_code == status, response.json()


@pytest.mark.parametrize(
    ("url", "status"),
    [("ftp://example.org/a", 400), ("file:///etc/passwd", 400), ("http://169.254.169.254/", 502)],
)
def test_other_schemes_and_metadata_addresses_are_refused(
    client: TestClient, url: str, status: int
) -> None:
    response = client.post("/api/analyze", json={"url": url})
    assert response.status_code == status


def test_health_techniques_docs_and_headers(client: TestClient, model: Model) -> None:
    health = client.get("/api/health").json()
    assert health["model"] == model.model_id and health["version"]
    assert len(client.get("/api/techniques").json()) == 14
    assert client.get("/openapi.json").status_code == 200
    assert client.get("/docs").status_code == 404  # Swagger UI needs a CDN the CSP forbids
    page = client.get("/")
    assert "default-src 'none'" in page.headers["content-security-policy"]
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert not re.search(r'(src|href)="(https?:)?//', page.text)  # every asset is local
    assert client.get("/static/app.js").headers["content-type"].startswith("text/javascript")


def test_report_and_semeval_downloads(client: TestClient) -> None:
    report = client.post("/api/report", json={"text": "<script>alert(1)</script> They lie!"})
    assert report.status_code == 200 and "&lt;script&gt;" in report.text
    assert "attachment" in report.headers["content-disposition"]
    lines = client.post("/api/semeval", json={"text": ARTICLE, "threshold": 0}).text.splitlines()
    assert lines and all(line.split("\t")[0] == "1" for line in lines)


def test_concurrent_requests_share_the_model_safely(client: TestClient) -> None:
    def call(_: int) -> str:
        response = client.post("/api/analyze", json={"text": ARTICLE, "threshold": 0})
        return json.dumps(response.json()["spans"])

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(call, range(16)))
    assert len(set(results)) == 1

"""How the app is put together: routers over what ``app.state`` holds, handed to routes by
dependencies; every page with its JSON twin; downloads written by the format registry."""

from __future__ import annotations

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from spinscope._formats import Record, get_format
from spinscope._web import ServeConfig, create_app
from spinscope._web._app import ROUTERS
from spinscope._web._deps import get_config

from ..fakes import fake_model

# The app answers only Host names of its allowlist (TestClient's own is "testserver").
LOCAL = "http://localhost"

TEXT = "They are traitors and liars. Save our city, save this plan. The traitors!"


@pytest.fixture()
def client() -> TestClient:
    return TestClient(create_app(fake_model()), base_url=LOCAL)


@pytest.mark.parametrize(("route", "name"), [("/api/report", "html"), ("/api/semeval", "semeval")])
def test_downloads_are_written_by_the_format_registry(
    client: TestClient, route: str, name: str
) -> None:
    fmt = get_format(name)
    response = client.post(route, json={"text": TEXT, "threshold": 0.1})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == fmt.media_type
    analysis = fake_model().analyze(TEXT, threshold=0.1)
    assert response.text == fmt.render(Record("<text>", "1", analysis))


def test_analysis_json_is_that_of_the_model(client: TestClient) -> None:
    doc = client.post("/api/analyze", json={"text": TEXT}).json()
    assert doc == {"source": "<text>", **fake_model().analyze(TEXT).to_dict()}


def test_routes_take_the_config_from_a_dependency() -> None:
    app = create_app(fake_model())
    app.dependency_overrides[get_config] = lambda: ServeConfig(max_bytes=10)
    response = TestClient(app, base_url=LOCAL).post("/api/analyze", json={"text": TEXT})
    assert response.status_code == 413 and "10-byte limit" in response.json()["error"]


def test_every_page_has_a_json_twin() -> None:
    routes = [r for router in ROUTERS for r in router.routes if isinstance(r, APIRoute)]
    paths = {r.path for r in routes if "GET" in (r.methods or ())}
    pages = {p for p in paths if not p.startswith(("/api/", "/static/"))}
    assert pages == {"/", "/compare", "/corpus", "/corpus/articles/{key:path}", "/dashboard"}
    twins = {"/": "/api/analyze"}
    for page in pages:
        assert any(r.path == twins.get(page, "/api" + page) for r in routes), page

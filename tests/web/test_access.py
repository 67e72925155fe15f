"""Who may call the app: the ``Host`` allowlist (the DNS-rebinding defence) and the
optional token, by header or by the cookie ``/?token=...`` sets; and a store that fails
says so without naming the driver's hosts or paths."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from spinscope._web import ServeConfig, create_app
from spinscope._web._access import split_host

from ..fakes import fake_model

TOKEN = "s3cret-Token_value"


def answer(config: ServeConfig, host: str, path: str = "/api/techniques") -> int:
    client = TestClient(create_app(fake_model(), config), base_url=f"http://{host}")
    return client.get(path).status_code


@pytest.mark.parametrize(
    "host", ["localhost", "localhost:8000", "127.0.0.1:8000", "[::1]:8000", "LOCALHOST."]
)
def test_loopback_names_are_allowed(host: str) -> None:
    assert answer(ServeConfig(), host) == 200


@pytest.mark.parametrize(
    "host", ["evil.example", "evil.example:8000", "testserver", "127.0.0.1.evil.example"]
)
def test_other_host_names_are_400(host: str) -> None:
    client = TestClient(create_app(fake_model()), base_url=f"http://{host}")
    for path in ["/", "/api/techniques", "/api/health", "/static/app.js"]:
        response = client.get(path)
        assert response.status_code == 400
        assert "--allow-host" in response.json()["error"]
        assert response.headers["x-content-type-options"] == "nosniff"


def test_the_bound_host_and_allowed_names_are_accepted() -> None:
    config = ServeConfig(host="10.1.2.3", allowed_hosts=("Spinscope.LAN", "::2"))
    for host in ["10.1.2.3:8000", "spinscope.lan", "spinscope.lan:8443", "[::2]:80"]:
        assert answer(config, host) == 200, host
    assert answer(config, "other.lan") == 400


@pytest.mark.parametrize("header", ["", "a:b:c", "[::1", "[::1]x", "localhost:port", ":80"])
def test_malformed_host_headers_are_refused(header: str) -> None:
    assert split_host(header) is None


@pytest.fixture()
def guarded() -> TestClient:
    return TestClient(
        create_app(fake_model(), ServeConfig(token=TOKEN)), base_url="http://localhost"
    )


def test_without_the_token_only_assets_and_health_answer(guarded: TestClient) -> None:
    for path in ["/", "/api/techniques", "/openapi.json", "/corpus", "/api/dashboard"]:
        response = guarded.get(path)
        assert response.status_code == 401, path
        assert response.headers["www-authenticate"] == "Bearer"
        assert "token" in response.json()["error"]
    assert guarded.post("/api/analyze", json={"text": "Liars!"}).status_code == 401
    assert guarded.get("/api/health").status_code == 200
    assert guarded.get("/static/app.js").status_code == 200


def test_the_bearer_token_opens_every_route(guarded: TestClient) -> None:
    good = {"Authorization": f"Bearer {TOKEN}"}
    assert guarded.get("/api/techniques", headers=good).status_code == 200
    answer = guarded.post("/api/analyze", json={"text": "Liars!"}, headers=good)
    assert answer.status_code == 200
    for bad in [f"Bearer {TOKEN}x", f"Basic {TOKEN}", TOKEN, "Bearer "]:
        assert guarded.get("/api/techniques", headers={"Authorization": bad}).status_code == 401


def test_visiting_the_token_url_sets_a_strict_cookie(guarded: TestClient) -> None:
    assert guarded.get("/?token=wrong", follow_redirects=False).status_code == 401
    assert "spinscope_token" not in guarded.cookies
    login = guarded.get(f"/?token={TOKEN}", follow_redirects=False)
    assert login.status_code == 303 and login.headers["location"] == "/"
    cookie = login.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/" in cookie
    # The client keeps the cookie: the page and the API now answer.
    assert guarded.get("/").status_code == 200
    assert guarded.post("/api/analyze", json={"text": "Liars!"}).status_code == 200


def test_a_wrong_cookie_is_refused(guarded: TestClient) -> None:
    guarded.cookies.set("spinscope_token", "nope")
    assert guarded.get("/api/techniques").status_code == 401

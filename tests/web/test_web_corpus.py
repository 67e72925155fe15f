"""The corpus view and dashboard of ``spinscope serve --db``: JSON twins, filters, paging,
errors, key encoding and CSP on SQLite and PostgreSQL; then the pages in real Chromium."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from markupsafe import escape
from typer.testing import CliRunner

from spinscope._cli._app import app as cli
from spinscope._errors import StoreError
from spinscope._pipeline._analysis import Span, build_analysis
from spinscope._store import ArticleRecord, Filters, Result, Store, build_report, get_article
from spinscope._web import ServeConfig, create_app
from spinscope._web._deps import Queries
from spinscope._web._params import article_path

from ..conftest import ROOT
from ..fakes import fake_model
from ..liveserver import live

# The app answers only Host names of its allowlist (TestClient's own is "testserver").
LOCAL = "http://localhost"

TEXT = "Vile liars. The traitors lied again, and the city shrugged. Rise up now!"
QUIET = "Nothing happened at the harbour today."
# Keys as batch inputs can make them: paths, query strings, dot segments, any script.
ODD_KEYS = [
    "dir/sub/a b.txt",
    "q?x=1&y=#frag",
    "../../etc/passwd",
    "ünïcödé/ключ",
    "feed/item.json",
    "trailing/",
]
# Starlette's TestClient decodes paths twice, so keys holding "%" go to a live server.
PERCENT_KEYS = ["100% sure", "a%2Fb/%20%25"]
EVIL = "<script>alert(1)</script>"
# key, title, source, url, published, text, spans
Found = list[tuple[int, int, str, float]]
Row = tuple[str, str | None, str | None, str | None, str | None, str, Found]
ROWS: list[Row] = [
    (
        "a1",
        "Liars everywhere",
        "Daily Planet",
        "https://planet.example/1",
        "2020-01-05",
        TEXT,
        [
            (0, 4, "Loaded_Language", 0.9),
            (5, 10, "Loaded_Language", 0.8),
            (16, 24, "Name_Calling,Labeling", 0.7),
        ],
    ),
    (
        "a2",
        "Again",
        "Daily Planet",
        None,
        "2020-01-20",
        TEXT,
        [(0, 4, "Loaded_Language", 0.6), (12, 35, "Doubt", 0.5)],
    ),
    ("a3", "Flags", "Gazette", None, "2020-02-03", TEXT, [(60, 72, "Flag-Waving", 0.95)]),
    ("a4", "Quiet day", "Gazette", None, "2020-02-14", QUIET, []),
    ("a5", None, None, None, None, TEXT, [(5, 10, "Loaded_Language", 0.4)]),
    (
        "evil",
        EVIL,
        "<b>bold</b>",
        "javascript:alert(1)",
        "2019-12-01",
        TEXT,
        [(0, 4, "Loaded_Language", 0.35)],
    ),
    *[(k, None, "Odd", None, "2020-03-01", TEXT, [(60, 72, "Slogans", 0.5)]) for k in ODD_KEYS],
    *[(k, None, "Percent", None, None, TEXT, []) for k in PERCENT_KEYS],
]
ALL = {r[0] for r in ROWS}


def fill(store: Store) -> None:
    """An older model ``m0`` analyzed ``a1``; model ``m1`` (the latest) analyzed all."""

    def result(row: Row, model: str, spans: Found) -> Result:
        key, title, source, url, published, text, _ = row
        analysis = build_analysis(text, [Span(*s) for s in spans], model, 0.3)
        return Result(ArticleRecord(key, text, title, source, url, published), analysis, 0.01)

    store.save(
        store.start_run("m0", "local", 1, ["x"]),
        [result(ROWS[0], "m0", [(60, 72, "Slogans", 0.9)])],
    )
    store.save(store.start_run("m1", "local", 1, ["x"]), [result(r, "m1", r[6]) for r in ROWS])


@pytest.fixture()
def client(store: Store, db_url: str) -> Iterator[TestClient]:
    fill(store)
    with TestClient(create_app(fake_model(), ServeConfig(db=db_url)), base_url=LOCAL) as c:
        yield c


def keys(client: TestClient, query: str = "") -> list[str]:
    doc = client.get("/api/corpus?per_page=100&" + query).json()
    return [a["key"] for a in doc["articles"]]


def test_corpus_json_lists_every_article_highest_score_first(
    client: TestClient, store: Store
) -> None:
    doc = client.get("/api/corpus?per_page=100").json()
    assert doc["total"] == len(ALL) and {a["key"] for a in doc["articles"]} == ALL
    assert doc["filters"]["model"] == "m1" and doc["pages"] == 1
    scores = [a["score"] for a in doc["articles"]]
    assert scores == sorted(scores, reverse=True)
    a1 = next(a for a in doc["articles"] if a["key"] == "a1")
    assert a1["techniques"] == {"Loaded_Language": 2, "Name_Calling,Labeling": 1}
    assert a1["href"] == "/corpus/articles/a1" and a1["api"] == "/api/corpus/articles/a1"
    assert a1["source"] == "Daily Planet" and a1["n_spans"] == 3
    stored = get_article(store, "a1")
    assert stored is not None and a1["score"] == round(stored.analysis.summary.score, 4)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=quiet", {"a4"}),
        ("q=HARBOUR+today", {"a4"}),
        ("q=traitors&source=Gazette", {"a3"}),
        ("source=Gazette", {"a3", "a4"}),
        ("source=(unknown)", {"a5"}),
        ("source=Gazette&source=Daily+Planet", {"a1", "a2", "a3", "a4"}),
        ("technique=doubt", {"a2"}),
        ("technique=Loaded_Language&source=Daily+Planet", {"a1", "a2"}),
        ("technique=Slogans&technique=Flag-Waving", {"a3", *ODD_KEYS}),
        ("from=2020-02&to=2020-02", {"a3", "a4"}),
        ("from=2020-01-10&to=2020-01-31", {"a2"}),
        ("to=2019-12", {"evil"}),
        ("model=m0", {"a1"}),
        ("model=nope", set()),
        ("source=&technique=&from=&q=+", ALL),
    ],
)
def test_filters_narrow_the_listing(client: TestClient, query: str, expected: set[str]) -> None:
    assert set(keys(client, query)) == expected


def test_pages_follow_each_other_without_gaps(client: TestClient) -> None:
    everything = keys(client)
    first = client.get("/api/corpus?per_page=3&source=Odd&q=liars").json()
    assert first["total"] == 6 and first["pages"] == 2 and first["prev"] is None
    assert first["next"] == "/api/corpus?q=liars&source=Odd&per_page=3&page=2"
    second = client.get(first["next"]).json()
    assert second["next"] is None and second["prev"] == "/api/corpus?q=liars&source=Odd&per_page=3"
    seen = [a["key"] for a in first["articles"] + second["articles"]]
    assert sorted(seen) == sorted(ODD_KEYS)
    assert seen == [k for k in everything if k in ODD_KEYS]
    beyond = client.get("/api/corpus?per_page=3&source=Odd&page=9").json()
    assert beyond["articles"] == [] and beyond["total"] == 6 and beyond["prev"] is None


@pytest.mark.parametrize(
    ("path", "query", "says"),
    [
        ("/corpus", "from=2020-1", "use YYYY-MM or YYYY-MM-DD"),
        ("/corpus", "to=yesterday", "use YYYY-MM or YYYY-MM-DD"),
        ("/corpus", "technique=nope", "unknown technique"),
        ("/corpus", "page=0", "whole number"),
        ("/corpus", "page=x", "whole number"),
        ("/corpus", "per_page=101", "from 1 to 100"),
        ("/dashboard", "from=2020-1-1", "use YYYY-MM or YYYY-MM-DD"),
        ("/dashboard", "technique=nope&source=Gazette", "unknown technique"),
        ("/dashboard", "top=0", "whole number"),
    ],
)
def test_bad_input_is_400_with_the_message_on_json_and_page(
    client: TestClient, path: str, query: str, says: str
) -> None:
    response = client.get(f"/api{path}?{query}")
    assert response.status_code == 400
    error = response.json()["error"]
    assert says in error
    page = client.get(f"{path}?{query}")
    assert page.status_code == 400 and page.headers["content-type"].startswith("text/html")
    assert str(escape(error)) in page.text
    assert 'name="from"' in page.text  # the form is there to correct the input


def test_unknown_article_is_404(client: TestClient) -> None:
    response = client.get("/api/corpus/articles/no%2Fsuch")
    assert response.status_code == 404 and "'no/such'" in response.json()["error"]
    page = client.get("/corpus/articles/no%2Fsuch")
    assert page.status_code == 404 and "no/such" in page.text
    assert client.get("/api/corpus/articles/a1?model=m9").status_code == 404


@pytest.mark.parametrize("key", ODD_KEYS)
def test_odd_keys_are_encoded_whole_and_come_back(
    client: TestClient, store: Store, key: str
) -> None:
    listed = client.get("/api/corpus?per_page=100&source=Odd").json()["articles"]
    href = next(a["href"] for a in listed if a["key"] == key)
    assert href == article_path(key) and "/" not in href.removeprefix("/corpus/articles/")
    doc = client.get("/api" + href).json()
    assert doc["key"] == key
    stored = get_article(store, key)
    assert stored is not None
    assert doc["analysis"] == json.loads(json.dumps(stored.analysis.to_dict()))
    page = client.get(href)
    assert page.status_code == 200 and str(escape(key)) in page.text
    assert f'data-api="{escape("/api" + href)}"' in page.text


def test_keys_with_percent_signs_round_trip_through_a_real_server(
    store: Store, db_url: str
) -> None:
    import httpx

    fill(store)
    with live(create_app(fake_model(), ServeConfig(db=db_url))) as base:
        listed = httpx.get(base + "/api/corpus?source=Percent").json()["articles"]
        assert sorted(a["key"] for a in listed) == sorted(PERCENT_KEYS)
        for a in listed:
            assert httpx.get(base + a["api"]).json()["key"] == a["key"]
            assert httpx.get(base + a["href"]).status_code == 200


def test_article_json_has_the_record_and_the_analysis_of_the_model(client: TestClient) -> None:
    doc = client.get("/api/corpus/articles/a1").json()
    assert {k: doc[k] for k in ("key", "title", "source", "url", "published")} == {
        "key": "a1",
        "title": "Liars everywhere",
        "source": "Daily Planet",
        "url": "https://planet.example/1",
        "published": "2020-01-05",
    }
    assert doc["analysis"]["model"] == "m1" and doc["analysis"]["text"] == TEXT
    assert [s["text"] for s in doc["analysis"]["spans"]] == ["Vile", "liars", "traitors"]
    older = client.get("/api/corpus/articles/a1?model=m0").json()["analysis"]
    assert [s["technique"] for s in older["spans"]] == ["Slogans"]
    # The listing of one model links to that model's analyses.
    assert client.get("/api/corpus?model=m0").json()["articles"][0]["href"].endswith("?model=m0")


@pytest.mark.parametrize(
    "query", ["", "source=Gazette", "technique=loaded+language&from=2020-01", "source=(unknown)"]
)
def test_dashboard_json_is_the_report(client: TestClient, store: Store, query: str) -> None:
    doc = client.get("/api/dashboard?" + query).json()
    params = dict(p.split("=") for p in query.replace("+", " ").split("&") if p)
    filters = Filters(
        sources=tuple(v for k, v in params.items() if k == "source"),
        date_from=params.get("from"),
        techniques=tuple(v for k, v in params.items() if k == "technique"),
    )
    assert doc == json.loads(json.dumps(build_report(store, filters).to_dict()))
    assert set(doc) == {
        "filters",
        "overview",
        "techniques",
        "by_source",
        "by_month",
        "coverage_by_source",
        "top_articles",
        "voice_by_source",
        "voice_by_month",
        "speakers",
        "targets",
    }


def test_dashboard_top_and_model(client: TestClient) -> None:
    assert len(client.get("/api/dashboard?top=2").json()["top_articles"]) == 2
    old = client.get("/api/dashboard?model=m0").json()
    assert old["filters"]["model"] == "m0"
    assert [t["technique"] for t in old["techniques"]] == ["Slogans"]


def _pages(client: TestClient) -> list[str]:
    return [
        "/",
        "/corpus",
        "/corpus?q=liars&per_page=2",
        "/corpus?from=bad",
        "/corpus/articles/a1",
        "/corpus/articles/missing",
        "/dashboard",
        "/dashboard?technique=nope",
    ]


def test_html_pages_have_the_csp_local_assets_and_navigation(client: TestClient) -> None:
    for path in _pages(client):
        page = client.get(path)
        csp = page.headers["content-security-policy"]
        assert "default-src 'none'" in csp and "script-src 'self'" in csp, path
        assert "unsafe-inline" not in csp
        html = page.text
        assert not re.search(r"<script(?![^>]*\bsrc=\"/static/)", html), path  # no inline script
        assert not re.search(r"\sstyle=|\son\w+=", html), path  # no inline style or handler
        assert not re.search(r'src="(https?:)?//', html), path  # every asset is local
        assert 'href="/corpus"' in html and 'href="/dashboard"' in html, path
    dashboard = client.get("/dashboard").text
    assert '<script src="/static/dashboard.js">' in dashboard
    assert "<option>Gazette</option>" in dashboard and "<option>(unknown)</option>" in dashboard
    assert "<option selected>m1</option>" in dashboard  # two models: a model choice


def test_corpus_page_lists_results_with_a_pager(client: TestClient) -> None:
    html = client.get("/corpus?q=liars&per_page=2").text
    total = len(ALL) - 1
    assert f"<strong>{total}</strong> articles" in html and f"page 1 of {(total + 1) // 2}" in html
    assert html.count('<a class="title"') == 2
    assert 'href="/corpus?q=liars&amp;per_page=2&amp;page=2" rel="next"' in html
    assert 'href="/dashboard"' in html
    second = client.get("/corpus?q=liars&per_page=2&page=2").text
    assert 'href="/corpus?q=liars&amp;per_page=2" rel="prev"' in second
    chosen = client.get("/corpus?technique=doubt&source=Daily+Planet").text
    assert '<option value="Doubt" selected>Doubt</option>' in chosen
    assert "<option selected>Daily Planet</option>" in chosen


def test_stored_markup_is_shown_as_text_and_bad_urls_are_not_links(client: TestClient) -> None:
    listing = client.get("/corpus?source=<b>bold</b>").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in listing and EVIL not in listing
    assert "&lt;b&gt;bold&lt;/b&gt;" in listing and "<b>bold</b>" not in listing
    page = client.get("/corpus/articles/evil").text
    assert EVIL not in page and "javascript:" not in page
    good = client.get("/corpus/articles/a1").text
    assert 'href="https://planet.example/1" rel="noopener noreferrer nofollow"' in good


def test_static_assets(client: TestClient) -> None:
    for name, media in [
        ("dashboard.js", "text/javascript"),
        ("charts.js", "text/javascript"),
        ("highlight.js", "text/javascript"),
        ("article.js", "text/javascript"),
        ("app.css", "text/css"),
        ("favicon.svg", "image/svg+xml"),
    ]:
        response = client.get("/static/" + name)
        assert response.status_code == 200 and response.headers["content-type"].startswith(media)
    for name in ["layout.html", "corpus.html", "nope.js", "..%2Fapp.py"]:
        assert client.get("/static/" + name).status_code == 404


def test_an_empty_store_has_empty_pages(store: Store, db_url: str) -> None:
    empty = TestClient(create_app(fake_model(), ServeConfig(db=db_url)), base_url=LOCAL)
    assert empty.get("/api/corpus").json()["articles"] == []
    assert "<strong>0</strong> articles" in empty.get("/corpus").text
    report = empty.get("/api/dashboard").json()
    assert report["overview"]["analyses"] == 0 and report["techniques"] == []
    assert empty.get("/dashboard").status_code == 200


def test_a_store_that_breaks_while_serving_answers_503(client: TestClient, store: Store) -> None:
    from sqlalchemy import text

    with store.engine.begin() as conn:
        conn.execute(text("DROP TABLE technique_counts"))
    response = client.get("/api/dashboard")
    assert response.status_code == 503
    error = response.json()["error"]
    assert error.startswith("cannot read the results store")
    # The driver's first error line (tables, hosts, paths) stays in the server's log.
    assert "technique_counts" not in error and "no such table" not in error
    assert "store.db" not in error and "postgres" not in error.lower()


def test_without_a_store_the_corpus_routes_say_how_to_start() -> None:
    plain = TestClient(create_app(fake_model()), base_url=LOCAL)
    for path in ["/corpus", "/dashboard", "/corpus/articles/a1"]:
        page = plain.get(path)
        assert page.status_code == 404 and "spinscope serve --db" in page.text
        assert page.headers["content-type"].startswith("text/html")
        response = plain.get("/api" + path)
        assert response.status_code == 404 and "--db" in response.json()["error"]
    index = plain.get("/")
    assert index.status_code == 200 and 'href="/corpus"' not in index.text
    assert '<script src="/static/app.js">' in index.text and 'id="download-json"' in index.text


def test_a_store_that_cannot_be_opened_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = tmp_path / "missing.db"
    with pytest.raises(StoreError, match="no such file"):
        create_app(fake_model(), ServeConfig(db=str(missing)))
    monkeypatch.setattr("spinscope._cli._util.load_model", lambda _: fake_model())
    runner = CliRunner()
    result = runner.invoke(cli, ["serve", "--db", str(missing)])
    assert result.exit_code == StoreError.exit_code
    assert "no such file" in result.output and "Traceback" not in result.output
    other = tmp_path / "other.db"
    import sqlite3

    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE t (x)")
    result = runner.invoke(cli, ["serve", "--db", str(other)])
    assert result.exit_code == StoreError.exit_code and "not a spinscope" in result.output


# -- real Chromium ------------------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
OUTPUT = ROOT / "test-output"


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from ..corpusdemo import fill_demo

    db = tmp_path_factory.mktemp("demo") / "demo.db"
    with Store.open(str(db)) as store:
        fill_demo(store)
    with live(create_app(fake_model(), ServeConfig(db=str(db)))) as base:
        yield base


@pytest.mark.slow
def test_dashboard_draws_filters_and_links_to_highlighted_articles(demo_server: str) -> None:
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: apt-get install chromium (done by .ci/run)")
    # Locator expectations, not wait_for_function: the CSP forbids evaluating strings.
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--no-first-run"]
        )
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        # CSP violations and failed loads are reported as console errors.
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(demo_server + "/dashboard")
        page.wait_for_selector('body[data-drawn="report"]')
        assert page.locator("#chart-techniques svg g.row").count() == 14
        assert page.locator("#chart-coverage svg g.row").count() == 7
        assert page.locator("#chart-sources svg rect.seg").count() > 20
        assert page.locator("#chart-months svg polyline.series").count() == 6
        assert page.locator("#top-articles tbody tr").count() == 10
        assert page.locator("#overview .card").count() == 6
        OUTPUT.mkdir(exist_ok=True)
        page.screenshot(path=str(OUTPUT / "dashboard.png"), full_page=True)

        page.locator("#chart-sources svg rect.seg").first.hover()
        tip = page.locator("#tooltip")
        assert tip.is_visible() and "fragments" in tip.inner_text()
        # Clicking a technique filters every chart by it; its chip takes it away again.
        page.locator("#chart-techniques svg g.row").nth(2).click()
        expect(page.locator("#chart-techniques svg g.row")).to_have_count(1)
        assert "technique=" in page.url and page.locator("#chips button").count() == 1
        assert page.locator("#chart-months svg polyline.series").count() == 1
        page.locator("#chips button").click()
        expect(page.locator("#chart-techniques svg g.row")).to_have_count(14)
        # The form filters too, and a bad date shows the server's message.
        page.fill("#filters input[name=from]", "2024-13-99")
        page.click("#filters button[type=submit]")
        page.wait_for_selector("#status.error")
        assert "YYYY-MM" in page.inner_text("#status")
        page.fill("#filters input[name=from]", "2025-01")
        page.select_option("#filters select[name=source]", "Patriot Voice")
        page.click("#filters button[type=submit]")
        expect(page.locator("#chart-coverage svg g.row")).to_have_count(1)
        assert page.locator("#chips button").count() == 2

        page.locator("#top-articles tbody a").first.click()
        page.wait_for_selector("#result:not([hidden])")
        assert "/corpus/articles/" in page.url
        marks = page.locator("mark.hl")
        assert marks.count() > 0
        marks.first.hover()
        assert "confidence" in page.locator("#tooltip").inner_text()
        assert page.locator("#legend button").count() > 0
        page.goto(demo_server + "/corpus?technique=slogans")
        assert page.locator("ol.results > li").count() == 20
        browser.close()
    # Chromium logs the one 400 answer (the bad date) as an error; nothing else may fail.
    bad_request = [e for e in errors if "status of 400" in e]
    assert len(bad_request) == 1 and len(errors) == 1, errors


def test_searches_and_reports_beyond_the_query_slots_get_503_and_health_does_not_wait(
    client: TestClient,
) -> None:
    queries = Queries(1, wait=0.05)
    client.app.state.queries = queries  # type: ignore[attr-defined]
    with queries.slot():
        for path in ("/api/corpus?q=traitors", "/api/dashboard"):
            busy = client.get(path)
            assert busy.status_code == 503, path
            assert busy.headers["Retry-After"] == "1" and "busy" in busy.json()["error"]
        page = client.get("/corpus?q=traitors")
        assert page.status_code == 503 and page.headers["Retry-After"] == "1"
        assert "busy: 1 searches or reports running" in page.text
        assert client.get("/api/health").status_code == 200
    assert client.get("/api/corpus?q=traitors").json()["total"] > 0
    assert client.get("/corpus?q=traitors").status_code == 200


def test_search_words_are_whole_words_and_phrases_in_order(client: TestClient) -> None:
    assert set(keys(client, "q=traitor")) == set()
    assert set(keys(client, "q=traitors")) == ALL - {"a4"}
    assert set(keys(client, 'q="city+shrugged"')) == ALL - {"a4"}
    assert keys(client, 'q="shrugged+city"') == []
    assert keys(client, "q=%25") == [] and keys(client, "q=*") == []


@pytest.mark.parametrize(
    "query",
    ["q=%00", "q=liars%00", "model=%00", "source=%00", "technique=Doubt%00", "q=%00&source=%00"],
)
def test_a_nul_in_any_corpus_parameter_is_no_error(client: TestClient, query: str) -> None:
    # PostgreSQL text cannot hold NUL: a NUL once reached the driver and answered 503.
    for path in ("/api/corpus?", "/api/dashboard?", "/corpus?", "/dashboard?"):
        response = client.get(path + query)
        assert response.status_code in (200, 400), (path + query, response.status_code)
    doc = client.get("/api/corpus?" + query)
    if doc.status_code == 200:
        assert doc.json()["total"] == 0 or "q=liars" in query

"""Whose voice on the web, with the fake model and its fake attribution head: the analyzer
API, the page's own-voice toggle and tooltip code, a stored article's JSON and the
dashboard's voice and speaker sections, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from spinscope._pipeline._analysis import Span, build_analysis
from spinscope._pipeline._targets import Target
from spinscope._store import ArticleRecord, Result, Store
from spinscope._web import ServeConfig, create_app

from ..fakes import fake_model

# The app answers only Host names of its allowlist (TestClient's own is "testserver").
LOCAL = "http://localhost"
QUOTED = 'The mayor said "they are traitors and liars". Our city is a disgrace.'
AIMED = "Bob Smith is a vile stooge."
BOB = Target(0, 9, "Bob Smith", "Bob Smith")


@pytest.fixture()
def client(store: Store, db_url: str) -> Iterator[TestClient]:
    voiced = fake_model(attribution=True).analyze(QUOTED)
    plain = fake_model().analyze(QUOTED)
    store.save(
        None,
        [
            Result(
                ArticleRecord("voiced", QUOTED, "Q", "Gazette", None, "2020-05-01"), voiced, 0.1
            ),
            Result(ArticleRecord("plain", QUOTED, "P", "Herald", None, "2020-05-02"), plain, 0.1),
        ],
    )
    app = create_app(fake_model(attribution=True), ServeConfig(db=db_url))
    with TestClient(app, base_url=LOCAL) as c:
        yield c


def test_the_analyzer_says_whose_voice_each_span_is(client: TestClient) -> None:
    doc = client.post("/api/analyze", json={"text": QUOTED}).json()
    assert [(s["voice"], s["speaker"], s["cue"]) for s in doc["spans"]] == [
        ("attributed", "mayor", "said"),
        ("attributed", "mayor", "said"),
        ("author", None, None),
    ]


def test_the_page_has_the_own_voice_toggle_and_no_inline_script(client: TestClient) -> None:
    page = client.get("/").text
    assert 'id="own-voice"' in page and 'id="voice-filter" hidden' in page
    assert "<script>" not in page
    script = client.get("/static/highlight.js").text
    assert "said by " in script and "the article's own voice" in script
    assert "innerHTML" not in script


def test_a_stored_article_shows_its_voices_and_no_rebuilt_offsets(client: TestClient) -> None:
    analysis = client.get("/api/corpus/articles/voiced").json()["analysis"]
    assert [s["voice"] for s in analysis["spans"]] == ["attributed", "attributed", "author"]
    assert analysis["spans"][0]["speaker"] == "mayor"
    assert "attributions" not in analysis
    assert all("attribution" not in s for s in analysis["spans"])
    plain = client.get("/api/corpus/articles/plain").json()["analysis"]
    assert all("voice" not in s for s in plain["spans"])
    page = client.get("/corpus/articles/voiced").text
    assert 'id="own-voice"' in page


def test_the_dashboard_has_voices_and_speakers(client: TestClient) -> None:
    doc = client.get("/api/dashboard").json()
    voices = {(v["source"], v["voice"]) for v in doc["voice_by_source"]}
    assert voices == {("Gazette", "author"), ("Gazette", "attributed"), ("Herald", "unknown")}
    assert [s["speaker"] for s in doc["speakers"]] == ["mayor"]
    only = client.get("/api/dashboard?source=Herald").json()
    assert only["speakers"] == [] and {v["voice"] for v in only["voice_by_source"]} == {"unknown"}
    page = client.get("/dashboard").text
    assert 'id="chart-voices"' in page and 'id="speakers"' in page and 'id="targets"' in page


@pytest.mark.slow
def test_the_pages_show_voices_in_chromium(tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    from ..liveserver import live
    from .test_web_corpus import CHROMIUM

    db = tmp_path / "voices.db"
    with Store.open(str(db)) as store:
        voiced = fake_model(attribution=True).analyze(QUOTED)
        record = ArticleRecord("voiced", QUOTED, "Q", "Gazette", None, "2020-05-01")
        aimed = build_analysis(
            AIMED, [Span(20, 26, "Name_Calling,Labeling", 0.9, target=BOB)], voiced.model_id, 0.3
        )
        other = ArticleRecord("aimed", AIMED, "A", "Herald <b>", None, "2020-05-03")
        store.save(None, [Result(record, voiced, 0.1), Result(other, aimed, 0.1)])
    app = create_app(fake_model(attribution=True), ServeConfig(db=str(db)))
    with live(app) as base, sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(base + "/corpus/articles/voiced")
        page.wait_for_selector("#result:not([hidden])")
        marks = page.locator("mark.hl")
        expect(marks).to_have_count(3)
        marks.first.hover()
        assert "Said by mayor (“said”)." in page.locator("#tooltip").inner_text()
        marks.last.hover()
        assert "The article's own voice." in page.locator("#tooltip").inner_text()
        assert "(1 of 3 fragments)" in page.inner_text("#voice-filter")
        page.check("#own-voice")
        expect(marks).to_have_count(1)
        page.goto(base + "/dashboard")
        page.wait_for_selector('body[data-drawn="report"]')
        assert page.locator("#chart-voices tbody tr").count() == 2  # Gazette and Herald
        assert "mayor" in page.inner_text("#speakers")
        targets = page.inner_text("#targets")
        assert "Herald <b>" in targets and "Bob Smith" in targets and "Name calling" in targets
        page.click('button[data-chart="voices"][data-mode="month"]')
        assert "May 2020" in page.inner_text("#chart-voices") or "2020" in page.inner_text(
            "#chart-voices"
        )
        browser.close()
    assert errors == []

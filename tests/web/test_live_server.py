"""A live server: the page in real headless Chromium (Debian's package, driven by Playwright)
and the server under misbehaving clients."""

from __future__ import annotations

import shutil
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from spinscope import load_model
from spinscope._web import create_app

from ..conftest import ROOT
from ..liveserver import live

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Dialog, Page

pytestmark = pytest.mark.slow
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTICLE = (ROOT / "examples" / "harbour-bridge.txt").read_text(encoding="utf-8")
OUTPUT = ROOT / "test-output"


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with live(create_app(load_model())) as base:
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: apt-get install chromium (done by .ci/run)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


def analyze(page: Page, server: str, text: str) -> None:
    page.goto(server + "/")
    page.fill("#text", text)
    page.click("#analyze")
    page.wait_for_selector("#result:not([hidden])")


def test_paste_highlight_hover_filter_and_screenshot(browser: Browser, server: str) -> None:
    page = browser.new_page(viewport={"width": 1200, "height": 1400})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    analyze(page, server, ARTICLE)
    page.fill("#threshold", "0.05")
    page.dispatch_event("#threshold", "input")
    marks = page.locator("mark.hl")
    assert marks.count() > 0
    legend = page.locator("#legend button")
    assert legend.count() > 0
    counts = sum(int(t.rsplit("(", 1)[1].rstrip(")")) for t in legend.all_inner_texts())
    assert counts >= 1
    marks.first.hover()
    tip = page.locator("#tooltip")
    assert tip.is_visible()
    assert "confidence" in tip.inner_text()
    OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUTPUT / "page.png"), full_page=False)
    # Hiding a technique removes its highlights; the slider at 1 removes all.
    before = marks.count()
    legend.first.click()
    assert legend.first.get_attribute("aria-pressed") == "false"
    assert marks.count() < before
    page.fill("#threshold", "1")
    page.dispatch_event("#threshold", "input")
    assert marks.count() == 0
    assert not errors


def test_keyboard_users_can_tab_to_spans(browser: Browser, server: str) -> None:
    page = browser.new_page()
    analyze(page, server, ARTICLE)
    page.fill("#threshold", "0")
    page.dispatch_event("#threshold", "input")
    page.locator("mark.hl").first.focus()
    assert page.evaluate("document.activeElement.tagName") == "MARK"
    assert page.locator("#tooltip").is_visible()


def test_article_with_script_is_shown_as_text_and_never_run(browser: Browser, server: str) -> None:
    page = browser.new_page()
    dialogs: list[str] = []

    def dismiss(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)
    evil = (
        'The corrupt traitors lied. <script>window.pwned = 1; alert("x")</script> '
        '<img src=x onerror="window.pwned = 2"> <a href="javascript:alert(1)">click</a> '
        "They are shameful liars!"
    )
    analyze(page, server, evil)
    page.fill("#threshold", "0")
    page.dispatch_event("#threshold", "input")
    page.wait_for_timeout(300)
    assert page.evaluate("window.pwned") is None
    assert not dialogs
    assert "<script>" in page.inner_text("#article")
    assert page.locator("#article script, #article img, #article a").count() == 0


def test_phone_width_screenshot(browser: Browser, server: str) -> None:
    page = browser.new_page(viewport={"width": 390, "height": 844})
    analyze(page, server, ARTICLE)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUTPUT / "page-phone.png"))


def test_server_keeps_answering_while_a_client_trickles_a_body(server: str) -> None:
    import httpx

    host, port = server.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port))) as slow:
        slow.sendall(
            b"POST /api/analyze HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            b'Content-Length: 1000000\r\n\r\n{"text": "'
        )
        for _ in range(3):
            slow.sendall(b"aaaa")
            response = httpx.get(server + "/api/health", timeout=5)
            assert response.status_code == 200
        with socket.create_connection((host, int(port))) as huge:
            huge.sendall(
                b"POST /api/analyze HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                b"Content-Type: application/json\r\nContent-Length: 999999999\r\n\r\n"
            )
            assert b" 413 " in huge.recv(200)
        assert httpx.get(server + "/api/health", timeout=5).status_code == 200

"""The analyzer: its page (``/``) and the JSON API over the same model.

- ``POST /api/analyze``: text, HTML or the article at a URL; the JSON of
  ``spinscope analyze -f json``.
- ``POST /api/analyze-file``: an uploaded .txt or .html file, the same JSON.
- ``POST /api/report`` and ``POST /api/semeval``: the same analysis as a download, the
  standalone HTML report or SemEval lines, written by the format registry of
  :mod:`spinscope._formats` (``html`` and ``semeval``) and served with its media type.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, UploadFile
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, ConfigDict, Field, model_validator

from .._errors import InputError, TooLargeError
from .._formats import Format, Record, analysis_json, get_format
from .._ingest import decode_text, extract_article, fetch
from ._config import ServeConfig
from ._deps import AnalyzerDep, ConfigDep, PagesDep
from ._middleware import REPORT_CSP

router = APIRouter()
REPORT = get_format("html")
SEMEVAL = get_format("semeval")
# The SemEval article id of the one article of a request.
ARTICLE_ID = "1"


class AnalyzeRequest(BaseModel):
    """Body of ``POST /api/analyze``: exactly one of ``text``, ``html`` or ``url``."""

    model_config = ConfigDict(extra="forbid")

    text: str | None = None
    html: str | None = None
    url: str | None = None
    threshold: float | None = Field(default=None, ge=0.0, le=1.0)
    techniques: list[str] | None = None

    @model_validator(mode="after")
    def one_source(self) -> AnalyzeRequest:
        given = [k for k in ("text", "html", "url") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of text, html or url")
        return self


def text_of(body: AnalyzeRequest, config: ServeConfig) -> tuple[str, str]:
    """The text to analyze and where it came from (``<text>``, ``<html>`` or the URL).

    Raises:
        TooLargeError: for a text or page over ``config.max_bytes``.
        FetchError: when the URL cannot be fetched.
    """
    if body.text is not None:
        text, source = body.text, "<text>"
    elif body.html is not None:
        check_size(body.html, config.max_bytes)
        text, source = extract_article(body.html, "the HTML"), "<html>"
    else:
        assert body.url is not None
        fetched = fetch(body.url, config.fetch)
        text = fetched.text
        if fetched.media_type != "text/plain":
            text = extract_article(text, fetched.url)
        source = fetched.url
    check_size(text, config.max_bytes)
    return text, source


def check_size(text: str, limit: int) -> None:
    """Raise :class:`TooLargeError` when ``text`` is over ``limit`` bytes of UTF-8."""
    size = len(text.encode("utf-8"))
    if size > limit:
        raise TooLargeError(f"the text is {size:,} bytes, over the {limit:,}-byte limit")


@router.post("/api/analyze")
def analyze(body: AnalyzeRequest, analyzer: AnalyzerDep, config: ConfigDep) -> dict[str, Any]:
    """Analyze text, HTML or the article at a URL; the JSON of `spinscope analyze -f json`."""
    text, source = text_of(body, config)
    return analysis_json(source, analyzer.analyze(text, body.threshold, body.techniques))


@router.post("/api/analyze-file")
def analyze_file(
    file: Annotated[UploadFile, File()],
    analyzer: AnalyzerDep,
    config: ConfigDep,
    threshold: float | None = None,
) -> dict[str, Any]:
    """Analyze an uploaded .txt or .html file."""
    data = file.file.read(config.max_bytes * 2 + 1)
    name = file.filename or "upload"
    text, _ = decode_text(data, name)
    if name.lower().endswith((".html", ".htm")) or text.lstrip()[:15].lower().startswith(
        ("<!doctype html", "<html")
    ):
        text = extract_article(text, name)
    check_size(text, config.max_bytes)
    if threshold is not None and not 0 <= threshold <= 1:
        raise InputError(f"threshold {threshold} is not between 0 and 1")
    return analysis_json(name, analyzer.analyze(text, threshold, None))


def document(
    fmt: Format[Record], record: Record, headers: dict[str, str] | None = None
) -> Response:
    """``record`` as one document in ``fmt``, with the format's media type."""
    return Response(fmt.render(record), media_type=fmt.media_type, headers=headers)


def answers(fmt: Format[Record]) -> dict[int | str, dict[str, Any]]:
    """The OpenAPI description of a route answering a document in ``fmt``."""
    schema = {"schema": {"type": "string"}}
    return {200: {"description": "Successful Response", "content": {fmt.media_type: schema}}}


@router.post("/api/report", response_class=Response, responses=answers(REPORT))
def report(body: AnalyzeRequest, analyzer: AnalyzerDep, config: ConfigDep) -> Response:
    """The standalone HTML report of an analysis, as a download."""
    text, source = text_of(body, config)
    analysis = analyzer.analyze(text, body.threshold, body.techniques)
    return document(
        REPORT,
        Record(source, ARTICLE_ID, analysis),
        headers={
            "Content-Disposition": f'attachment; filename="spinscope-report.{REPORT.extension}"',
            "Content-Security-Policy": REPORT_CSP,
        },
    )


@router.post("/api/semeval", response_class=Response, responses=answers(SEMEVAL))
def semeval(body: AnalyzeRequest, analyzer: AnalyzerDep, config: ConfigDep) -> Response:
    """The analysis as SemEval lines (article id ``1``)."""
    text, source = text_of(body, config)
    analysis = analyzer.analyze(text, body.threshold, body.techniques)
    return document(SEMEVAL, Record(source, ARTICLE_ID, analysis))


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def index(pages: PagesDep) -> HTMLResponse:
    return HTMLResponse(pages.index)

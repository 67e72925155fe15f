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

from fastapi import APIRouter, File, Query, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .._errors import InputError, TooLargeError
from .._formats import Format, Record, analysis_json, get_format
from .._ingest import decode_text, extract_article
from .._pipeline import Analysis
from ._config import ServeConfig
from ._deps import AnalyzerDep, ConfigDep, Fetcher, FetcherDep, PagesDep
from ._middleware import REPORT_CSP, error_responses
from ._openapi import Absent, AnalyzeOut

router = APIRouter()
REPORT = get_format("html")
SEMEVAL = get_format("semeval")
# The SemEval article id of the one article of a request.
ARTICLE_ID = "1"
# The errors of the routes that analyze a JSON body (text, HTML or a URL) or an upload.
BODY_ERRORS = error_responses(400, 401, 413, 415, 422, 502, 503, 504)
UPLOAD_ERRORS = error_responses(400, 401, 413, 415, 422, 503)
ANALYSIS: dict[int | str, dict[str, Any]] = {
    200: {"model": AnalyzeOut, "description": "the analysis"}
}
# An empty text is refused with a 400 (as one of only spaces is); the schema says so.
NOT_EMPTY: dict[str, Any] = {"minLength": 1}


class AnalyzeRequest(BaseModel):
    """Body of ``POST /api/analyze``: exactly one of ``text``, ``html`` or ``url``,
    and optionally a ``threshold`` (0 to 1) and the ``techniques`` to keep."""

    # The schema says "exactly one of" too, so that clients can read the rule.
    model_config = ConfigDict(
        extra="forbid",
        # No coercion: "0.5" is not a threshold, false is not a number (the schema's types).
        strict=True,
        json_schema_extra={
            "oneOf": [{"required": [k]} for k in ("text", "html", "url")],
            "examples": [
                {"text": "They are traitors and liars. Save our city!", "threshold": 0.4},
                {"url": "https://example.com/news/1", "techniques": ["Loaded_Language"]},
            ],
        },
    )

    # A string or absent: the schema's "exactly one of" counts the keys given, so a null
    # (which would count as absent) is refused rather than read as no value.
    text: str | Absent = Field(
        default=None, description="plain text to analyze", json_schema_extra=NOT_EMPTY
    )
    html: str | Absent = Field(
        default=None,
        description="an HTML page, reduced to its article",
        json_schema_extra=NOT_EMPTY,
    )
    url: str | Absent = Field(
        default=None,
        description="an http(s) URL of an article to fetch",
        json_schema_extra=NOT_EMPTY,
    )
    threshold: float | None = Field(default=None, ge=0.0, le=1.0, allow_inf_nan=False)
    techniques: list[str] | None = None

    @field_validator("text", "html", "url")
    @classmethod
    def encodable(cls, value: str | None) -> str | None:
        """Refuse a null and strings that are not Unicode text (:func:`given_text`)."""
        return given_text(value)

    @field_validator("techniques")
    @classmethod
    def encodable_names(cls, value: list[str] | None) -> list[str] | None:
        if value is not None and not all(_encodable(v) for v in value):
            raise ValueError("not valid Unicode (a name holds a lone surrogate)")
        return value

    @model_validator(mode="after")
    def one_source(self) -> AnalyzeRequest:
        given = [k for k in ("text", "html", "url") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of text, html or url")
        return self


def _encodable(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def unicode_text(value: str | None) -> str | None:
    """A request field as it is, unless it is not Unicode text: JSON may carry a lone
    surrogate (``\\ud800``), which no encoder can write (a validator's body).

    Example:
        >>> unicode_text("ok"), unicode_text(None)
        ('ok', None)
    """
    if value is not None and not _encodable(value):
        raise ValueError("not valid Unicode (it holds a lone surrogate)")
    return value


def given_text(value: str | None) -> str:
    """A string field that was given (a validator runs only on given values): a null is
    refused, and so is a string that is not Unicode text (:func:`unicode_text`).

    Example:
        >>> given_text("ok")
        'ok'
    """
    if value is None:
        raise ValueError("give a string, or leave the field out")
    unicode_text(value)
    return value


def text_of(body: AnalyzeRequest, config: ServeConfig, fetcher: Fetcher) -> tuple[str, str]:
    """The text to analyze and where it came from (``<text>``, ``<html>`` or the URL).

    Raises:
        TooLargeError: for a text or page over ``config.max_bytes``.
        InputError: for an unusable URL.
        FetchError: when the URL cannot be fetched.
        BusyError: when every URL fetch slot is taken.
    """
    if body.text is not None:
        text, source = body.text, "<text>"
    elif body.html is not None:
        check_size(body.html, config.max_bytes)
        text, source = extract_article(body.html, "the HTML"), "<html>"
    else:
        assert body.url is not None
        fetched = fetcher.fetch(body.url)
        text = fetched.text
        if fetched.media_type != "text/plain":
            text = extract_article(text, fetched.url)
        source = fetched.url
    check_size(text, config.max_bytes)
    return text, source


def check_size(text: str, limit: int) -> None:
    """Raise :class:`TooLargeError` when ``text`` is over ``limit`` bytes of UTF-8."""
    # surrogatepass: a size is never the place to fail on bad Unicode (validation is).
    size = len(text.encode("utf-8", errors="surrogatepass"))
    if size > limit:
        raise TooLargeError(f"the text is {size:,} bytes, over the {limit:,}-byte limit")


@router.post("/api/analyze", response_model=None, responses={**ANALYSIS, **BODY_ERRORS})
def analyze(
    body: AnalyzeRequest, analyzer: AnalyzerDep, config: ConfigDep, fetcher: FetcherDep
) -> JSONResponse:
    """Analyze text, HTML or the article at a URL; the JSON of `spinscope analyze -f json`.

    Give exactly one of `text`, `html` or `url`. Errors are `{"error": "..."}`.
    """
    text, source = text_of(body, config, fetcher)
    analysis = analyzer.analyze(text, body.threshold, body.techniques)
    return analysis_response(source, analysis)


def analysis_response(source: str, analysis: Analysis) -> JSONResponse:
    """The analysis as JSON, sent as it is: it holds only JSON types, so FastAPI's generic
    encoder (about 5% of a request's CPU) has nothing to convert."""
    return JSONResponse(analysis_json(source, analysis))


@router.post("/api/analyze-file", response_model=None, responses={**ANALYSIS, **UPLOAD_ERRORS})
def analyze_file(
    file: Annotated[UploadFile, File(description="a .txt or .html file")],
    analyzer: AnalyzerDep,
    config: ConfigDep,
    threshold: Annotated[float | None, Query(description="least confidence, 0 to 1")] = None,
) -> JSONResponse:
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
    return analysis_response(name, analyzer.analyze(text, threshold, None))


def document(
    fmt: Format[Record], record: Record, headers: dict[str, str] | None = None
) -> Response:
    """``record`` as one document in ``fmt``, with the format's media type."""
    return Response(fmt.render(record), media_type=fmt.media_type, headers=headers)


def answers(fmt: Format[Record]) -> dict[int | str, dict[str, Any]]:
    """The OpenAPI description of a route answering a document in ``fmt``, or an error."""
    schema = {"schema": {"type": "string"}}
    ok = {"description": "Successful Response", "content": {fmt.media_type: schema}}
    return {200: ok, **BODY_ERRORS}


@router.post("/api/report", response_class=Response, responses=answers(REPORT))
def report(
    body: AnalyzeRequest, analyzer: AnalyzerDep, config: ConfigDep, fetcher: FetcherDep
) -> Response:
    """The standalone HTML report of an analysis, as a download.

    Give exactly one of `text`, `html` or `url`. Errors are `{"error": "..."}`.
    """
    text, source = text_of(body, config, fetcher)
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
def semeval(
    body: AnalyzeRequest, analyzer: AnalyzerDep, config: ConfigDep, fetcher: FetcherDep
) -> Response:
    """The analysis as SemEval lines (article id ``1``).

    Give exactly one of `text`, `html` or `url`. Errors are `{"error": "..."}`.
    """
    text, source = text_of(body, config, fetcher)
    analysis = analyzer.analyze(text, body.threshold, body.techniques)
    return document(SEMEVAL, Record(source, ARTICLE_ID, analysis))


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def index(pages: PagesDep) -> HTMLResponse:
    return HTMLResponse(pages.index)

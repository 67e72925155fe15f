"""Comparing two articles of one story: the page ``/compare`` and its JSON twin
``POST /api/compare`` (the JSON of ``spinscope compare -f json``).

Each article is given as text (``a``, ``b``) or as the URL of a page (``a_url``,
``b_url``), fetched under the same guard and limits as the analyzer's. The page is a
plain form posted back to ``/compare`` and answered with the comparison drawn as tables,
so it needs no script; an error is shown on the page with the status the JSON twin
answers (400 for an empty text, 413 for one over the size limit, 502 for a URL that
cannot be fetched...). The comparison runs in one analysis slot (see :class:`~._analyzer.Analyzer`).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .._compare import CompareOptions, Comparison
from .._errors import BusyError, InputError, SpinscopeError
from .._techniques import TECHNIQUES
from ._analyze import NOT_EMPTY, AnalyzeRequest, given_text, text_of
from ._analyzer import Analyzer
from ._config import ServeConfig
from ._deps import AnalyzerDep, ConfigDep, Fetcher, FetcherDep, PagesDep
from ._middleware import ErrorBody, error_responses, status_of, validation_message
from ._openapi import Absent, ComparisonOut

router = APIRouter()
SIDES = ("a", "b")
ERRORS: dict[int | str, dict[str, Any]] = {
    200: {"model": ComparisonOut, "description": "the comparison"},
    **error_responses(400, 401, 413, 415, 502, 503, 504),
    422: {
        "model": ErrorBody,
        "description": "a malformed request: not JSON, a wrong field or type, or not "
        "exactly one of a and a_url (and of b and b_url)",
    },
}


class CompareRequest(BaseModel):
    """Body of ``POST /api/compare``: each article as text (``a``, ``b``) or a URL
    (``a_url``, ``b_url``), and optionally the thresholds."""

    # The schema says "one of each" too, so that clients can read the rule.
    model_config = ConfigDict(
        extra="forbid",
        # No coercion: "0.5" is not a threshold, false is not a number (the schema's types).
        strict=True,
        json_schema_extra={
            "allOf": [
                {"oneOf": [{"required": [side]}, {"required": [f"{side}_url"]}]} for side in SIDES
            ],
            "examples": [
                {
                    "a": 'The mayor said "they are traitors". Rise up!',
                    "b": 'The mayor said "they are traitors" again.',
                    "top": 2,
                }
            ],
        },
    )

    # Strings or absent, never null: see AnalyzeRequest.
    a: str | Absent = Field(
        default=None, description="the first article's plain text", json_schema_extra=NOT_EMPTY
    )
    b: str | Absent = Field(
        default=None, description="the second article's plain text", json_schema_extra=NOT_EMPTY
    )
    a_url: str | Absent = Field(
        default=None, description="or the URL of the first article", json_schema_extra=NOT_EMPTY
    )
    b_url: str | Absent = Field(
        default=None, description="or the URL of the second article", json_schema_extra=NOT_EMPTY
    )
    threshold: float | None = Field(
        default=None, ge=0.0, le=1.0, allow_inf_nan=False, description="least confidence"
    )
    similarity: float = Field(
        default=0.75, ge=0.0, le=1.0, allow_inf_nan=False, description="least sentence cosine"
    )
    overlap: float = Field(
        default=0.5, ge=0.0, le=1.0, allow_inf_nan=False, description="least quote word overlap"
    )
    top: int = Field(default=3, ge=0, le=50, description="top fragments per article")

    @field_validator("a", "b", "a_url", "b_url")
    @classmethod
    def encodable(cls, value: str | None) -> str | None:
        """Refuse a null and strings that are not Unicode text (:func:`given_text`)."""
        return given_text(value)

    @model_validator(mode="after")
    def one_each(self) -> CompareRequest:
        """Refuse a side given twice (text and URL) or not at all."""
        for side in SIDES:
            if (getattr(self, side) is None) == (getattr(self, f"{side}_url") is None):
                raise ValueError(f"give exactly one of {side} or {side}_url")
        return self

    def options(self) -> CompareOptions:
        """The thresholds asked for."""
        return CompareOptions(self.similarity, self.overlap, self.top)


def run_comparison(
    body: CompareRequest, analyzer: Analyzer, config: ServeConfig, fetcher: Fetcher
) -> Comparison:
    """Read both articles (fetching URLs), then analyze and compare them in one slot.

    Raises:
        InputError: for an empty or oversized text (its message names the side), a bad URL.
        FetchError: when a URL cannot be fetched.
        BusyError: when every slot (or every URL fetch slot) is taken.

    Example:
        >>> # run_comparison(CompareRequest(a=text_a, b_url=url), analyzer, config, fetcher)
    """
    texts, sources = [], []
    for side in SIDES:
        url = getattr(body, f"{side}_url")
        request = (
            AnalyzeRequest(text=getattr(body, side)) if url is None else AnalyzeRequest(url=url)
        )
        try:
            text, source = text_of(request, config, fetcher)
        except SpinscopeError as exc:
            # The same class (a 413 stays a 413), the message names the side.
            raise type(exc)(f"{side}: {exc}") from None
        texts.append(text)
        sources.append(side if url is None else source)
    pair, names = (texts[0], texts[1]), (sources[0], sources[1])
    return analyzer.compare(pair, names, body.options(), body.threshold)


@router.post("/api/compare", response_model=None, responses=ERRORS)
def compare_api(
    body: CompareRequest, analyzer: AnalyzerDep, config: ConfigDep, fetcher: FetcherDep
) -> dict[str, Any]:
    """Compare two articles of one story: techniques side by side, the sentences that say
    the same thing with each one's techniques, and the quotes both report.

    Give `a` or `a_url`, and `b` or `b_url`. Errors are `{"error": "..."}`.

    Example: `curl -d '{"a": "...", "b_url": "https://..."}' -H 'Content-Type:
    application/json' localhost:8000/api/compare`
    """
    return run_comparison(body, analyzer, config, fetcher).to_dict()


def _info() -> dict[str, Any]:
    return {t.name: t for t in TECHNIQUES}


@router.get("/compare", response_class=HTMLResponse, include_in_schema=False)
def compare_form(pages: PagesDep) -> HTMLResponse:
    """The empty form (``GET /compare``)."""
    empty = dict.fromkeys(("a", "b", "a_url", "b_url"), "")
    return pages.render(
        "compare.html", active="compare", form=empty, result=None, error=None, info=_info()
    )


# A form field; a blank one counts as absent (see form_request).
FormField = Annotated[str, Form()]


@router.post("/compare", response_class=HTMLResponse, include_in_schema=False)
def compare_page(
    pages: PagesDep,
    analyzer: AnalyzerDep,
    config: ConfigDep,
    fetcher: FetcherDep,
    a: FormField = "",
    b: FormField = "",
    a_url: FormField = "",
    b_url: FormField = "",
) -> HTMLResponse:
    """The posted form (``POST /compare``): the comparison drawn as tables, or the form
    again with the error, answered with the status the JSON twin would have."""
    form = {"a": a, "b": b, "a_url": a_url, "b_url": b_url}
    headers: dict[str, str] = {}
    try:
        body = form_request(form)
        result: dict[str, Any] | None = run_comparison(body, analyzer, config, fetcher).to_dict()
        error, status = None, 200
    except SpinscopeError as exc:
        result, error, status = None, str(exc), status_of(exc)
        if isinstance(exc, BusyError):
            headers["Retry-After"] = str(exc.retry_after)
    except ValidationError as exc:
        result, error, status = None, validation_message(list(exc.errors())), 422
    response = pages.render(
        "compare.html",
        status,
        active="compare",
        form=form,
        result=result,
        error=error,
        info=_info(),
    )
    response.headers.update(headers)
    return response


def form_request(form: dict[str, str]) -> CompareRequest:
    """The request of the page's form: a blank field is absent, and a side with both
    its text and a URL, or neither, is an error that says so.

    Raises:
        InputError: for a side with no article or with two.

    Example:
        >>> form_request({"a": "Rain.", "b": " ", "a_url": "", "b_url": "https://x.org"}).b_url
        'https://x.org'
    """
    given: dict[str, str] = {}
    for side in SIDES:
        text, url = form[side], form[f"{side}_url"].strip()
        if text.strip() and url:
            raise InputError(f"article {side.upper()}: paste its text or give a URL, not both")
        if not text.strip() and not url:
            raise InputError(f"article {side.upper()}: paste its text or give a URL")
        given[side if text.strip() else f"{side}_url"] = text if text.strip() else url
    return CompareRequest.model_validate(given)

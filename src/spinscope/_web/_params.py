"""Query strings of the corpus view and the dashboard: read into filters, written into links.

The same parameters work on every corpus route, page or JSON twin: ``q``, ``source`` and
``technique`` (both repeatable), ``from``, ``to``, ``model``, and ``page``/``per_page`` or
``top``. Empty values count as absent, so a submitted form with blank fields is no filter.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

from starlette.datastructures import QueryParams

from .._errors import InputError
from .._store import Filters, Store, models, resolve, sources
from .._techniques import TECHNIQUES
from ._middleware import error_responses
from ._openapi import CorpusOut, DashboardOut, StoredArticleOut

PER_PAGE = 20
MAX_PER_PAGE = 100
TOP = 10
MAX_TOP = 100
# The filter parameters, in the order links write them.
FILTER_NAMES = ("q", "source", "technique", "from", "to", "model")
# YYYY-MM or YYYY-MM-DD; a date that does not exist (2020-02-30, year 0) is still a 400.
DATE = r"^[0-9]{4}-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?$"


def _query(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "schema": schema,
        "description": description,
    }


def _whole(high: int, default: int) -> dict[str, Any]:
    return {"type": "integer", "minimum": 1, "maximum": high, "default": default}


# The query parameters as the OpenAPI schema shows them (the routes read the query string
# themselves, so that one bad value is one message): for ``openapi_extra``.
_NAMES = {"type": "array", "items": {"type": "string"}}
_FILTERS = [
    _query("source", _NAMES, "keep these sources; (unknown): articles without one"),
    _query("technique", _NAMES, "keep these techniques: label, part or title, any case"),
    _query("from", {"type": "string", "pattern": DATE}, "published from: YYYY-MM[-DD]"),
    _query("to", {"type": "string", "pattern": DATE}, "published up to: YYYY-MM[-DD]"),
    _query("model", {"type": "string"}, "the analyses of this model (default: the latest)"),
]
CORPUS_QUERY = {
    "parameters": [
        _query("q", {"type": "string"}, 'every word and "quoted phrase" in the title or text'),
        *_FILTERS,
        _query("page", _whole(10**9, 1), "the page wanted"),
        _query("per_page", _whole(MAX_PER_PAGE, PER_PAGE), "articles a page"),
    ]
}
DASHBOARD_QUERY = {
    "parameters": [
        *_FILTERS,
        _query("top", _whole(MAX_TOP, TOP), "how many top articles, speakers and targets"),
    ]
}
_STORE_ERRORS = {
    400: "a bad filter, page or page size (the message names it), or a Host not allowed",
    404: "no results store is open (start the server with --db)",
    503: "every query slot is taken (retry after Retry-After seconds), or the results "
    "store cannot be read",
}
CORPUS_RESPONSES = {
    200: {"model": CorpusOut, "description": "one page of matching articles"},
    **error_responses(400, 401, 404, 503, describe=_STORE_ERRORS),
}
ARTICLE_RESPONSES = {
    200: {"model": StoredArticleOut, "description": "the article and its analysis"},
    **error_responses(
        400,
        401,
        404,
        422,
        503,
        describe={
            **_STORE_ERRORS,
            400: "a Host not allowed",
            404: "no analysis of this article is stored, or no results store is open",
            422: "a malformed request",
        },
    ),
}
DASHBOARD_RESPONSES = {
    200: {"model": DashboardOut, "description": "the report for the filters"},
    **error_responses(400, 401, 404, 503, describe=_STORE_ERRORS),
}


@dataclass(frozen=True)
class CorpusQuery:
    """One page of the corpus listing: filters, a text query and the page wanted."""

    filters: Filters
    text: str = ""
    page: int = 1
    per_page: int = PER_PAGE

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


def values(params: QueryParams, name: str) -> tuple[str, ...]:
    """The non-blank values of ``name``, stripped."""
    return tuple(v.strip() for v in params.getlist(name) if v.strip())


def one(params: QueryParams, name: str) -> str | None:
    """The first non-blank value of ``name``."""
    found = values(params, name)
    return found[0] if found else None


def filters_from(params: QueryParams) -> Filters:
    """The :class:`Filters` of a query string.

    Raises:
        InputError: for a malformed date or an unknown technique.

    Example:
        >>> filters_from(QueryParams("source=A&source=&from=2020-01&technique=doubt")).to_dict()
        {'model': None, 'sources': ['A'], 'from': '2020-01', 'to': None, 'techniques': ['Doubt']}
    """
    return Filters(
        model_id=one(params, "model"),
        sources=values(params, "source"),
        date_from=one(params, "from"),
        date_to=one(params, "to"),
        techniques=values(params, "technique"),
    )


def number(params: QueryParams, name: str, default: int, high: int) -> int:
    """The whole number ``name``, from 1 to ``high``; ``default`` when absent.

    Raises:
        InputError: for anything else.
    """
    raw = one(params, name)
    if raw is None:
        return default
    # ASCII digits only: "²".isdigit() is true, but int() refuses it.
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= high:
        raise InputError(f"{name} {raw!r}: use a whole number from 1 to {high}")
    return int(raw)


def corpus_query(params: QueryParams) -> CorpusQuery:
    """The listing a query string asks for.

    Raises:
        InputError: for a bad filter, page or page size.
    """
    return CorpusQuery(
        filters_from(params),
        one(params, "q") or "",
        number(params, "page", 1, 10**9),
        number(params, "per_page", PER_PAGE, MAX_PER_PAGE),
    )


def choices(store: Store, params: QueryParams) -> dict[str, Any]:
    """What the filter form offers (sources of the model, techniques, models) and which
    of it is chosen; a bad query string still shows back what was asked, so that the one
    bad field can be corrected."""
    try:
        given = filters_from(params)
    except InputError:
        given = Filters(model_id=one(params, "model"))
        picked = values(params, "source"), values(params, "technique")
    else:
        picked = given.sources, given.techniques
    model = resolve(store, Filters(model_id=given.model_id)).model_id
    return {
        "sources": sources(store, model),
        "techniques": [(t.name, t.title) for t in TECHNIQUES],
        "info": {t.name: t for t in TECHNIQUES},
        "models": models(store),
        "model": model,
        "chosen_sources": picked[0],
        "chosen_techniques": picked[1],
    }


def form_values(params: QueryParams) -> dict[str, str]:
    """The first raw value of each filter, to show back in a form (even when invalid)."""
    return {name: one(params, name) or "" for name in FILTER_NAMES}


def link(path: str, pairs: Iterable[tuple[str, str]]) -> str:
    """``path`` with the non-blank ``pairs`` as its query string.

    Example:
        >>> link("/corpus", [("q", "a b"), ("source", ""), ("page", "2")])
        '/corpus?q=a+b&page=2'
    """
    kept = [(k, v) for k, v in pairs if v]
    return path + ("?" + urlencode(kept) if kept else "")


def filter_pairs(params: QueryParams) -> list[tuple[str, str]]:
    """The filter parameters of ``params`` (every value), without paging."""
    return [(name, v) for name in FILTER_NAMES for v in values(params, name)]


def paged(path: str, base: list[tuple[str, str]], per_page: int, n: int) -> str:
    """The link to page ``n`` of a listing at ``path`` filtered by ``base``.

    Example:
        >>> paged("/corpus", [("q", "x")], 20, 3)
        '/corpus?q=x&page=3'
    """
    size = [("per_page", str(per_page))] if per_page != PER_PAGE else []
    return link(path, [*base, *size, ("page", str(n) if n > 1 else "")])


def article_path(key: str, model: str | None = None) -> str:
    """The page of the article stored under ``key``; its JSON twin is ``/api`` + this.

    The key is encoded whole, slashes included, so that no key can change the path's
    shape (``..`` segments, a trailing ``/``).

    Example:
        >>> article_path("ptc/article 1.txt")
        '/corpus/articles/ptc%2Farticle%201.txt'
    """
    path = "/corpus/articles/" + quote(key, safe="")
    return link(path, [("model", model or "")])


def page_numbers(page: int, pages: int) -> list[int | None]:
    """The page links to show: the first, the last and two around ``page``; ``None`` for a gap.

    Example:
        >>> page_numbers(6, 12)
        [1, None, 4, 5, 6, 7, 8, None, 12]
    """
    shown = sorted({1, pages, *range(max(1, page - 2), min(pages, page + 2) + 1)})
    out: list[int | None] = []
    for n in shown:
        if out and n - (out[-1] or 0) > 1:
            out.append(None)
        out.append(n)
    return out


def safe_url(url: str | None) -> str | None:
    """``url`` when it is a web address; a stored ``javascript:`` URL is never a link."""
    if url and url.lower().startswith(("http://", "https://")):
        return url
    return None

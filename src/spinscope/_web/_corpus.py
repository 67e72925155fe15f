"""The corpus view of a results store (``spinscope serve --db TARGET``), and the query
parameters it shares with the dashboard of :mod:`._dashboard`.

Every page has a JSON twin built from the same data, at the same path under ``/api`` and
with the same query string, as the analyzer page has (``/`` and ``/api/analyze``):

- ``/corpus`` and ``/api/corpus``: stored articles matching the filters and a text query,
  highest score first, one page at a time.
- ``/corpus/articles/{key}`` and ``/api/corpus/articles/{key}``: one article and its
  analysis (the JSON's ``analysis`` is what ``/api/analyze`` answers, without ``source``).
- ``/dashboard`` and ``/api/dashboard``: the report of ``spinscope report``, in
  :mod:`._dashboard`.

A prefix rather than a ``.json`` suffix because keys are free text and may themselves end
in ``.json``. Keys are percent-encoded whole, ``/`` as ``%2F`` (see :func:`article_path`).

Query parameters, all optional: ``q`` (words and ``"quoted phrases"`` that must all be
in the title or body, found through the store's full-text index), ``source`` and
``technique`` (repeatable; ``(unknown)`` is the source of articles without one),
``from`` and ``to`` (``YYYY-MM`` or ``YYYY-MM-DD``), ``model`` (default: the model stored
last), ``page`` and ``per_page`` (corpus, at most 100), ``top`` (dashboard). A bad value
answers 400 with ``{"error": ...}`` (pages show the message), an unknown article 404, a
search or report while :class:`~._deps.Queries` has every slot taken 503 with
``Retry-After``, and without ``--db`` every route answers 404 saying how to start the
server.
"""

from __future__ import annotations

import math
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse

from .._errors import BusyError, InputError
from .._store import (
    Store,
    StoredAnalysis,
    article_techniques,
    get_article,
    resolve,
    search_articles,
)
from ._deps import NO_STORE, PagesDep, QueriesDep, StoreDep, no_store_json
from ._params import (
    ARTICLE_RESPONSES,
    CORPUS_QUERY,
    CORPUS_RESPONSES,
    CorpusQuery,
    article_path,
    choices,
    corpus_query,
    filter_pairs,
    form_values,
    link,
    page_numbers,
    paged,
    safe_url,
)

router = APIRouter()


def listing(store: Store, query: CorpusQuery, base: list[tuple[str, str]]) -> dict[str, Any]:
    """One page of matching articles, as the corpus page and its JSON twin show it.

    Args:
        store: The results store.
        query: Filters, text query and page.
        base: The filter parameters as given, kept in the previous and next links.
    """
    f = resolve(store, query.filters)
    total, rows = search_articles(store, f, query.text, query.per_page, query.offset)
    used = article_techniques(store, f.model_id or "", [r["key"] for r in rows])
    for r in rows:
        r["score"] = round(r["score"], 4)
        r["coverage"] = round(r["coverage"], 4)
        r["techniques"] = used.get(r["key"], {})
        # Only a model asked for goes into links; otherwise an article shows its latest.
        r["href"] = article_path(r["key"], query.filters.model_id)
        r["api"] = "/api" + r["href"]
    pages = max(1, math.ceil(total / query.per_page))
    n = query.page
    return {
        "filters": f.to_dict(),
        "query": query.text,
        "total": total,
        "page": n,
        "per_page": query.per_page,
        "pages": pages,
        "articles": rows,
        "prev": paged("/api/corpus", base, query.per_page, n - 1) if 1 < n <= pages else None,
        "next": paged("/api/corpus", base, query.per_page, n + 1) if n < pages else None,
    }


def pager(page: dict[str, Any], base: list[tuple[str, str]]) -> dict[str, Any]:
    """The page links under an HTML listing: previous, numbers (``None``: a gap), next."""
    size, n, last = page["per_page"], page["page"], page["pages"]
    return {
        "prev": paged("/corpus", base, size, n - 1) if 1 < n <= last else None,
        "next": paged("/corpus", base, size, n + 1) if n < last else None,
        "numbers": [
            None if i is None else {"n": i, "href": paged("/corpus", base, size, i)}
            for i in page_numbers(min(n, last), last)
        ],
    }


def article_json(found: StoredAnalysis) -> dict[str, Any]:
    """The JSON of a stored article: where it came from, and its analysis.

    Each span has its ``voice``, ``speaker`` and ``cue`` when they were stored; the
    attributions' offsets are not stored, so ``attributions`` and each span's
    ``attribution`` are left out rather than shown rebuilt.
    """
    a = found.article
    analysis = found.analysis.to_dict()
    analysis.pop("attributions", None)
    for span in analysis["spans"]:
        span.pop("attribution", None)
    return {
        "key": a.key,
        "title": a.title,
        "source": a.source,
        "url": a.url,
        "published": a.published,
        "created_at": found.created_at,
        "run_id": found.run_id,
        "analysis": analysis,
    }


def _missing(key: str) -> str:
    return f"no stored analysis of article {key!r}"


@router.get(
    "/api/corpus",
    response_model=None,
    responses=CORPUS_RESPONSES,
    openapi_extra=CORPUS_QUERY,
)
def corpus_api(
    request: Request, store: StoreDep, queries: QueriesDep
) -> dict[str, Any] | JSONResponse:
    """Stored articles matching the filters, highest score first, one page.

    Query: ``q`` (every word and ``"quoted phrase"`` in the title or body, whole words),
    ``source`` and ``technique`` (repeatable), ``from`` and ``to`` (``YYYY-MM[-DD]``),
    ``model``, ``page``, ``per_page`` (1-100).
    """
    if store is None:
        return no_store_json()
    params = request.query_params
    query = corpus_query(params)
    with queries.slot():
        return listing(store, query, filter_pairs(params))


@router.get("/corpus", response_class=HTMLResponse, include_in_schema=False)
def corpus_page(
    request: Request, store: StoreDep, pages: PagesDep, queries: QueriesDep
) -> HTMLResponse:
    if store is None:
        return pages.message(404, "Corpus", NO_STORE, "corpus")
    params = request.query_params
    form, base = form_values(params), filter_pairs(params)
    headers: dict[str, str] = {}
    try:
        query = corpus_query(params)
        with queries.slot():
            page: dict[str, Any] | None = listing(store, query, base)
        error, status = None, 200
    except InputError as exc:
        page, error, status = None, str(exc), 400
    except BusyError as exc:
        page, error, status = None, str(exc), 503
        headers["Retry-After"] = str(exc.retry_after)
    response = pages.render(
        "corpus.html",
        status,
        active="corpus",
        form=form,
        page=page,
        pager=pager(page, base) if page else None,
        error=error,
        dashboard_link=link("/dashboard", [p for p in base if p[0] != "q"]),
        **choices(store, params),
    )
    response.headers.update(headers)
    return response


@router.get("/api/corpus/articles/{key:path}", response_model=None, responses=ARTICLE_RESPONSES)
def article_api(
    key: str, store: StoreDep, model: str | None = None
) -> dict[str, Any] | JSONResponse:
    """One stored article and its analysis (by ``model``, or the latest).

    The key is percent-encoded whole, ``/`` as ``%2F``; unknown keys answer 404.
    """
    if store is None:
        return no_store_json()
    found = get_article(store, key, model or None)
    if found is None:
        return JSONResponse({"error": _missing(key)}, status_code=404)
    return article_json(found)


@router.get("/corpus/articles/{key:path}", response_class=HTMLResponse, include_in_schema=False)
def article_page(
    key: str, store: StoreDep, pages: PagesDep, model: str | None = None
) -> HTMLResponse:
    if store is None:
        return pages.message(404, "Corpus", NO_STORE, "corpus")
    found = get_article(store, key, model or None)
    if found is None:
        return pages.message(404, "Article not found", _missing(key), "corpus")
    return pages.render(
        "article.html",
        active="corpus",
        article=found.article,
        model=found.analysis.model_id,
        created_at=found.created_at,
        url=safe_url(found.article.url),
        api="/api" + article_path(key, model or None),
    )

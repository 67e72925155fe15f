"""The corpus view and the dashboard of a results store (``spinscope serve --db TARGET``).

Every page has a JSON twin built from the same data, at the same path under ``/api`` and
with the same query string, as the analyzer page has (``/`` and ``/api/analyze``):

- ``/corpus`` and ``/api/corpus``: stored articles matching the filters and a text query,
  highest score first, one page at a time.
- ``/corpus/articles/{key}`` and ``/api/corpus/articles/{key}``: one article and its
  analysis (the JSON's ``analysis`` is what ``/api/analyze`` answers, without ``source``).
- ``/dashboard`` and ``/api/dashboard``: the report of ``spinscope report``
  (``Report.to_dict()``), drawn as charts by ``static/dashboard.js``.

A prefix rather than a ``.json`` suffix because keys are free text and may themselves end
in ``.json``. Keys are percent-encoded whole, ``/`` as ``%2F`` (see :func:`article_path`).

Query parameters, all optional: ``q`` (text in the title or body), ``source`` and
``technique`` (repeatable; ``(unknown)`` is the source of articles without one),
``from`` and ``to`` (``YYYY-MM`` or ``YYYY-MM-DD``), ``model`` (default: the model stored
last), ``page`` and ``per_page`` (corpus, at most 100), ``top`` (dashboard). A bad value
answers 400 with ``{"error": ...}`` (pages show the message), an unknown article 404, and
without ``--db`` every route answers 404 saying how to start the server.
"""

from __future__ import annotations

import math
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse
from starlette.datastructures import QueryParams

from .._errors import InputError
from .._store import (
    Filters,
    Store,
    StoredAnalysis,
    article_techniques,
    build_report,
    get_article,
    models,
    resolve,
    search_articles,
    sources,
)
from .._techniques import TECHNIQUES
from ._pages import Pages
from ._params import (
    MAX_TOP,
    TOP,
    CorpusQuery,
    article_path,
    corpus_query,
    filter_pairs,
    filters_from,
    form_values,
    link,
    number,
    one,
    page_numbers,
    paged,
    safe_url,
    values,
)

NO_STORE = (
    "no results store is open: start the server with spinscope serve --db TARGET "
    "(a SQLite file or a postgresql:// URL filled by spinscope batch)"
)


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
    """The JSON of a stored article: where it came from, and its analysis."""
    a = found.article
    return {
        "key": a.key,
        "title": a.title,
        "source": a.source,
        "url": a.url,
        "published": a.published,
        "created_at": found.created_at,
        "run_id": found.run_id,
        "analysis": found.analysis.to_dict(),
    }


def _missing(key: str) -> str:
    return f"no stored analysis of article {key!r}"


def corpus_routes(store: Store | None, pages: Pages) -> APIRouter:
    """The routes of the corpus view and the dashboard over ``store`` (404s when ``None``)."""
    router = APIRouter()

    def no_store_json() -> JSONResponse:
        return JSONResponse({"error": NO_STORE}, status_code=404)

    def choices(params: QueryParams) -> dict[str, Any]:
        """What the filter form offers and which of it is chosen."""
        assert store is not None
        try:
            given = filters_from(params)
        except InputError:
            # Show back what was asked, so that the one bad field can be corrected.
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

    @router.get("/api/corpus", response_model=None)
    def corpus_api(request: Request) -> dict[str, Any] | JSONResponse:
        """Stored articles matching the filters, highest score first, one page.

        Query: ``q`` (text in the title or body), ``source`` and ``technique`` (repeatable),
        ``from`` and ``to`` (``YYYY-MM[-DD]``), ``model``, ``page``, ``per_page`` (1-100).
        """
        if store is None:
            return no_store_json()
        params = request.query_params
        return listing(store, corpus_query(params), filter_pairs(params))

    @router.get("/corpus", response_class=HTMLResponse, include_in_schema=False)
    def corpus_page(request: Request) -> HTMLResponse:
        if store is None:
            return pages.message(404, "Corpus", NO_STORE, "corpus")
        params = request.query_params
        form, base = form_values(params), filter_pairs(params)
        try:
            page: dict[str, Any] | None = listing(store, corpus_query(params), base)
            error, status = None, 200
        except InputError as exc:
            page, error, status = None, str(exc), 400
        return pages.render(
            "corpus.html",
            status,
            active="corpus",
            form=form,
            page=page,
            pager=pager(page, base) if page else None,
            error=error,
            dashboard_link=link("/dashboard", [p for p in base if p[0] != "q"]),
            **choices(params),
        )

    @router.get("/api/corpus/articles/{key:path}", response_model=None)
    def article_api(key: str, model: str | None = None) -> dict[str, Any] | JSONResponse:
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
    def article_page(key: str, model: str | None = None) -> HTMLResponse:
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

    @router.get("/api/dashboard", response_model=None)
    def dashboard_api(request: Request) -> dict[str, Any] | JSONResponse:
        """The report of ``spinscope report`` for the filters (``Report.to_dict()``).

        Query: ``source`` and ``technique`` (repeatable), ``from``, ``to``, ``model``, and
        ``top`` (how many of the most propagandistic articles, 1-100, default 10).
        """
        if store is None:
            return no_store_json()
        params = request.query_params
        top = number(params, "top", TOP, MAX_TOP)
        return build_report(store, filters_from(params), top).to_dict()

    @router.get("/dashboard", response_class=HTMLResponse, include_in_schema=False)
    def dashboard_page(request: Request) -> HTMLResponse:
        if store is None:
            return pages.message(404, "Dashboard", NO_STORE, "dashboard")
        params = request.query_params
        form = form_values(params)
        try:
            filters_from(params)
            number(params, "top", TOP, MAX_TOP)
            error, status = None, 200
        except InputError as exc:
            error, status = str(exc), 400
        return pages.render(
            "dashboard.html",
            status,
            active="dashboard",
            form=form,
            error=error,
            corpus_link=link("/corpus", filter_pairs(params)),
            **choices(params),
        )

    return router

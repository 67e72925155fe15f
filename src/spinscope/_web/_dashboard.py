"""The dashboard of a results store: ``/dashboard`` and its JSON twin ``/api/dashboard``,
the report of ``spinscope report`` (``Report.to_dict()``) drawn as charts by
``static/dashboard.js``.

Query: ``source`` and ``technique`` (repeatable), ``from``, ``to``, ``model``, and ``top``
(how many of the most propagandistic articles and of the speakers, 1-100, default 10).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse

from .._errors import InputError
from .._store import build_report
from ._deps import NO_STORE, PagesDep, QueriesDep, StoreDep, no_store_json
from ._params import (
    DASHBOARD_QUERY,
    DASHBOARD_RESPONSES,
    MAX_TOP,
    TOP,
    choices,
    filter_pairs,
    filters_from,
    form_values,
    link,
    number,
)

router = APIRouter()


@router.get(
    "/api/dashboard",
    response_model=None,
    responses=DASHBOARD_RESPONSES,
    openapi_extra=DASHBOARD_QUERY,
)
def dashboard_api(
    request: Request, store: StoreDep, queries: QueriesDep
) -> dict[str, Any] | JSONResponse:
    """The report of ``spinscope report`` for the filters (``Report.to_dict()``).

    Query: ``source`` and ``technique`` (repeatable), ``from``, ``to``, ``model``, and
    ``top`` (how many of the most propagandistic articles and of the speakers, 1-100,
    default 10).
    """
    if store is None:
        return no_store_json()
    params = request.query_params
    top = number(params, "top", TOP, MAX_TOP)
    filters = filters_from(params)
    with queries.slot():
        return build_report(store, filters, top).to_dict()


@router.get("/dashboard", response_class=HTMLResponse, include_in_schema=False)
def dashboard_page(request: Request, store: StoreDep, pages: PagesDep) -> HTMLResponse:
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
        **choices(store, params),
    )

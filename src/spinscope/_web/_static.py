"""What every page leans on: the static assets, the list of techniques, and the health
check (``/static/{name}``, ``/api/techniques``, ``/api/health``)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException
from fastapi.responses import Response

from .._techniques import techniques_json
from .._version import __version__
from ._deps import ModelDep, PagesDep
from ._middleware import error_responses
from ._openapi import HealthOut, TechniqueOut

router = APIRouter()


@router.get(
    "/api/techniques",
    response_model=None,
    responses={
        200: {"model": list[TechniqueOut], "description": "the 14 techniques"},
        **error_responses(400, 401, describe={400: "a Host not allowed"}),
    },
)
def techniques() -> list[dict[str, str]]:
    """The 14 techniques with definition, example and colour."""
    return techniques_json()


@router.get(
    "/api/health",
    response_model=None,
    responses={
        200: {"model": HealthOut, "description": "the server is up"},
        # Open without the token: never a 401.
        **error_responses(400, describe={400: "a Host not allowed"}),
    },
)
async def health(model: ModelDep) -> dict[str, Any]:
    """Liveness, model id and version, and the model's default threshold.

    ``async``, so it runs on the event loop and answers at once even while every
    analysis slot and every worker thread is busy.
    """
    return {
        "status": "ok",
        "model": model.model_id,
        "version": __version__,
        "default_threshold": model.config.confidence_threshold,
    }


@router.get("/static/{name}", include_in_schema=False)
def static(name: str, pages: PagesDep) -> Response:
    found = pages.asset(name)
    if found is None:
        raise HTTPException(404)
    return found

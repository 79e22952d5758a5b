"""Operational endpoints and the problem-type pages."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.api.problem_catalog import BY_SLUG
from app.api.problems import ApiProblem, problem_responses
from app.api.runtime import runtime_of
from app.persistence.database import database_answers

router = APIRouter(tags=["operations"])


@router.get("/healthz", operation_id="operations-health", include_in_schema=True)
async def health() -> dict[str, str]:
    """The process is up."""
    return {"status": "ok"}


@router.get(
    "/readyz",
    operation_id="operations-ready",
    responses={503: {"description": "The database does not answer."}},
)
async def ready(request: Request) -> Response:
    """The database answers."""
    if not await database_answers(runtime_of(request).engine):
        return Response('{"status":"unavailable"}', status_code=503, media_type="application/json")
    return Response('{"status":"ok"}', media_type="application/json")


@router.get(
    "/problems/{slug}",
    operation_id="problems-get",
    response_class=Response,
    responses={
        200: {"content": {"text/html": {"schema": {"type": "string"}}}},
        **{k: v for k, v in problem_responses("not_found").items() if k == 404},
    },
)
async def problem_page(slug: str) -> Response:
    """What a problem `type` means and what to do about it."""
    kind = BY_SLUG.get(slug.replace("_", "-"))  # the code as written answers too
    if kind is None:
        raise ApiProblem("not_found", "No problem type has this name.")
    html = (
        f"<!doctype html><title>{kind.title}</title><h1>{kind.title}</h1>"
        f"<p>Status {kind.status}, code <code>{kind.code}</code>.</p><p>{kind.description}</p>"
    )
    return Response(html, media_type="text/html")

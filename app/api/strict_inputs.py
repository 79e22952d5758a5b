"""What REST operations refuse before anything else: query parameters they do not declare
(`?limt=2` would otherwise silently return 50 rows) and bodies that are not JSON (which
would otherwise fail validation with a confusing 422)."""

from __future__ import annotations

from fastapi import Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from app.api.problems import ApiProblem

JSON_MEDIA_TYPES = ("application/json",)


_DECLARED = "_rapport_query_parameters"


def _declared_parameters(route: APIRoute) -> frozenset[str]:
    """The query parameters the operation reads, its dependencies' included (worked out
    once per route)."""
    known: frozenset[str] | None = getattr(route, _DECLARED, None)
    if known is None:
        known = _query_parameters(route)
        setattr(route, _DECLARED, known)
    return known


def _query_parameters(route: APIRoute) -> frozenset[str]:
    names: set[str] = set()
    pending: list[Dependant] = [route.dependant]
    while pending:
        dependant = pending.pop()
        names.update(param.alias for param in dependant.query_params)
        pending.extend(dependant.dependencies)
    return frozenset(names)


def media_type(content_type: str) -> str:
    """A Content-Type's media type, in lower case, without its parameters."""
    return content_type.split(";", 1)[0].strip().lower()


def _is_json(content_type: str) -> bool:
    media = media_type(content_type)
    return media in JSON_MEDIA_TYPES or (
        media.startswith("application/") and media.endswith("+json")
    )


def _has_a_body(request: Request) -> bool:
    length = request.headers.get("content-length")
    return (length is not None and length.strip() not in ("", "0")) or (
        "transfer-encoding" in request.headers
    )


async def strict_inputs(request: Request) -> None:
    """A router dependency of every REST operation."""
    route = request.scope.get("route")
    if not isinstance(route, APIRoute):
        return
    unknown = sorted(set(request.query_params) - _declared_parameters(route))
    if unknown:
        declared = ", ".join(sorted(_declared_parameters(route))) or "none"
        raise ApiProblem(
            "unknown_parameter",
            f"This operation has no query parameter {', '.join(unknown)} (it reads: {declared}).",
            parameters=unknown,
        )
    if _has_a_body(request) and not _is_json(request.headers.get("content-type", "")):
        if route.body_field is not None:
            detail = "Send the body as JSON, with Content-Type: application/json."
        else:
            detail = "This operation takes no body; send none."
        raise ApiProblem("unsupported_media_type", detail)

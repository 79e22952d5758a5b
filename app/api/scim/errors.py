"""SCIM's own error format (RFC 7644 §3.12): `schemas`, `status` as a string, `scimType`,
`detail`. The same refusals as REST (credentials, scopes, rules), said the SCIM way."""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request
from fastapi.responses import Response
from fastapi.routing import APIRoute
from pydantic import ValidationError
from scim2_models import Context, Error, SCIMException

from app.api.problems import ApiProblem
from app.domain.errors import DomainError, Forbidden, InvalidInput, NotFound, StateConflict

SCIM_MEDIA_TYPE = "application/scim+json"
logger = logging.getLogger("rapport.scim")

# Rule refusals whose SCIM keyword is not the default of their kind.
_KEYWORDS = {
    "duplicate_username": "uniqueness",
    "duplicate_external_id": "uniqueness",
    "duplicate_email": "uniqueness",
    "reporting_cycle": "invalidValue",
    "invalid_filter": "invalidFilter",
    "invalid_syntax": "invalidSyntax",
}
_STATUSES = {"precondition_failed": 412}


def scim_error(
    status: int, detail: str, scim_type: str | None = None, headers: dict[str, str] | None = None
) -> Response:
    body = Error(status=status, scim_type=scim_type, detail=detail)
    return Response(
        body.model_dump_json(scim_ctx=Context.DEFAULT),
        status_code=status,
        media_type=SCIM_MEDIA_TYPE,
        headers=headers,
    )


def _of_domain(error: DomainError) -> Response:
    keyword = _KEYWORDS.get(error.code)
    if isinstance(error, NotFound):
        return scim_error(404, error.detail)
    if isinstance(error, InvalidInput):
        return scim_error(400, error.detail, keyword or "invalidValue")
    if isinstance(error, StateConflict):
        return scim_error(_STATUSES.get(error.code, 409), error.detail, keyword)
    if isinstance(error, Forbidden):
        return scim_error(403, error.detail)
    return scim_error(400, error.detail, keyword)


def error_response(error: Exception) -> Response | None:
    """The SCIM answer to a refusal, or None for a fault."""
    if isinstance(error, ApiProblem):
        return scim_error(error.kind.status, error.detail, headers=error.headers)
    if isinstance(error, DomainError):
        return _of_domain(error)
    if isinstance(error, SCIMException):
        found = error.to_error()
        return scim_error(found.status or 400, found.detail or "", found.scim_type)
    if isinstance(error, ValidationError):
        first = Error.from_validation_error(error.errors()[0])
        detail = first.detail or "The payload does not follow the schema."
        return scim_error(first.status or 400, detail, first.scim_type or "invalidValue")
    return None


class ScimRoute(APIRoute):
    """A SCIM operation: refusals raised anywhere in it (the credential check included)
    come back in SCIM's error format rather than as RFC 9457 problems."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def scim_handler(request: Request) -> Response:
            try:
                return await handler(request)
            except Exception as error:
                answer = error_response(error)
                if answer is not None:
                    return answer
                logger.exception("unexpected fault on %s %s", request.method, request.url.path)
                return scim_error(500, "An unexpected fault occurred; it has been logged.")

        return scim_handler

"""SCIM's own error format (RFC 7644 §3.12): `schemas`, `status` as a string, `scimType`,
`detail`. The same refusals as REST (credentials, scopes, rules), said the SCIM way."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from fastapi.responses import Response
from pydantic import ValidationError
from scim2_models import Context, Error, SCIMException

from app.api.problems import ApiProblem, database_unavailable_headers
from app.domain.errors import DomainError, Forbidden, InvalidInput, NotFound, StateConflict
from app.persistence.availability import DatabaseUnavailable

SCIM_MEDIA_TYPE = "application/scim+json"
logger = logging.getLogger("rapport.scim")

# Rule refusals whose SCIM keyword is not the default of their kind.
_KEYWORDS = {
    "duplicate_username": "uniqueness",
    "duplicate_external_id": "uniqueness",
    "duplicate_email": "uniqueness",
    "reporting_cycle": "invalidValue",
}


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
        return scim_error(409, error.detail, keyword)
    if isinstance(error, Forbidden):
        return scim_error(403, error.detail)
    return scim_error(400, error.detail, keyword)


class ScimRefused(DomainError):
    """A refusal said only in SCIM's terms (a keyword and a status), such as a payload
    scim2-models refused or a filter Rapport does not answer; it never reaches REST."""

    def __init__(self, status: int, scim_type: str | None, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.scim_type = scim_type


@contextmanager
def refusals() -> Iterator[None]:
    """Parsing and patching with scim2-models: what it refuses is the client's error (400
    with its keyword), never a fault."""
    try:
        yield
    except ValidationError as error:
        raise _refused(error) from error
    except SCIMException as error:
        if isinstance(error.__cause__, ValidationError):  # a patched value (pydantic's text)
            raise _refused(error.__cause__) from error
        found = error.to_error()
        raise ScimRefused(found.status or 400, found.scim_type, found.detail or "") from error


def _refused(error: ValidationError) -> ScimRefused:
    first = Error.from_validation_error(error.errors()[0])
    detail = first.detail or "The payload does not follow the schema."
    return ScimRefused(first.status or 400, first.scim_type or "invalidValue", detail)


def error_response(error: Exception) -> Response | None:
    """The SCIM answer to a refusal, or None for a fault."""
    if isinstance(error, ScimRefused):
        return scim_error(error.status, error.detail, error.scim_type)
    if isinstance(error, ApiProblem):
        return scim_error(error.kind.status, error.detail, headers=error.headers)
    if isinstance(error, DomainError):
        return _of_domain(error)
    if isinstance(error, DatabaseUnavailable):
        return scim_error(503, error.detail, headers=database_unavailable_headers())
    return None


def scim_answer(error: Exception) -> Response:
    """The answer to any failure under /scim/v2 (a fault is logged and answered 500)."""
    answer = error_response(error)
    if answer is not None:
        return answer
    logger.error("unexpected fault on a SCIM request", exc_info=error)
    return scim_error(500, "An unexpected fault occurred; it has been logged.")

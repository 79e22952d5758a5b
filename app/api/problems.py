"""RFC 9457 problem responses: one handler per failure family, one shape for all."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any
from uuid import uuid4

import orjson
from asgi_correlation_id import correlation_id
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.api.problem_catalog import CATALOG, ProblemKind
from app.api.rest.entity_tags import ETAG, entity_tag
from app.api.schemas.common import NOTHING_TO_CHANGE, NULL_FIELD
from app.domain.errors import DomainError
from app.domain.versions import PreconditionFailed
from app.persistence.availability import DatabaseUnavailable
from app.safe_logging import log_fault

PROBLEM_MEDIA_TYPE = "application/problem+json"
REQUEST_ID_HEADER = "X-Request-ID"
logger = logging.getLogger("rapport.api")


class Problem(BaseModel):
    """An RFC 9457 problem; `code` is stable and machine-readable."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(examples=["/problems/schedule-conflict"])
    title: str
    status: int
    detail: str
    code: str
    request_id: str | None = Field(
        default=None,
        description="The request's id, as in its X-Request-ID header: quote it to support.",
    )


def new_request_id() -> str:
    """A request's id when the client sent none (or something that is not a UUID)."""
    return str(uuid4())


def current_request_id() -> str | None:
    """The id of the request being handled, if any."""
    return correlation_id.get()


class ApiProblem(Exception):
    """A problem raised by the HTTP layer itself (credentials, scopes)."""

    def __init__(
        self, code: str, detail: str, headers: dict[str, str] | None = None, **extra: Any
    ) -> None:
        super().__init__(detail)
        self.kind = CATALOG[code]
        self.detail = detail
        self.headers = headers
        self.extra = extra


def problem_body(kind: ProblemKind, detail: str, **extra: Any) -> bytes:
    """The RFC 9457 document, as JSON."""
    body = {
        "type": kind.type_uri,
        "title": kind.title,
        "status": kind.status,
        "detail": detail,
        "code": kind.code,
        **extra,
    }
    if (request_id := current_request_id()) is not None:
        body["request_id"] = request_id
    return orjson.dumps(body)


def problem_response(
    kind: ProblemKind,
    detail: str,
    *,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> Response:
    return Response(
        problem_body(kind, detail, **extra),
        status_code=kind.status,
        media_type=PROBLEM_MEDIA_TYPE,
        headers=headers,
    )


def _status_kind(error: DomainError) -> ProblemKind:
    """The catalog entry of a domain failure; a code missing from it is a defect (500)."""
    kind = CATALOG.get(error.code)
    if kind is None:
        logger.error("problem code %s is not in the catalog", error.code)
        return CATALOG["internal_error"]
    return kind


# A surface with an error format of its own (SCIM), by path prefix: its answer to a failure.
ErrorFormat = Callable[[Exception], Response]


def _own_format(request: Request, error: Exception) -> Response | None:
    """Failures under a surface's prefix are said in its format; the transaction has been
    rolled back by then, as for any failure."""
    formats: dict[str, ErrorFormat] = getattr(request.app.state, "error_formats", {})
    for prefix, answer in formats.items():
        if request.url.path.startswith(prefix):
            return answer(error)
    return None


async def _domain_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, DomainError)
    if (own := _own_format(request, error)) is not None:
        return own
    if isinstance(error, PreconditionFailed):
        tag = entity_tag(error.extra["current_version"])
        return problem_response(
            _status_kind(error), error.detail, headers={ETAG: tag}, current_etag=tag, **error.extra
        )
    return problem_response(_status_kind(error), error.detail, **error.extra)


async def _api_problem(request: Request, error: Exception) -> Response:
    assert isinstance(error, ApiProblem)
    if (own := _own_format(request, error)) is not None:
        return own
    return problem_response(error.kind, error.detail, headers=error.headers, **error.extra)


def _field_path(location: tuple[Any, ...] | list[Any]) -> str:
    parts = [str(part) for part in location if part != "body"]
    return ".".join(parts) or "body"


def validation_code(error_type: str) -> str:
    """A stable code per kind of validation failure (pydantic's error types)."""
    if error_type == "extra_forbidden":
        return "unknown_field"
    if error_type == "timezone_aware":
        return "naive_timestamp"
    if error_type == "missing":
        return "missing_field"
    if error_type in ("string_too_long", "too_long"):
        return "too_long"
    if error_type in (NOTHING_TO_CHANGE, NULL_FIELD):
        return error_type
    if error_type.endswith(("_type", "_parsing")):
        return "wrong_type"
    return "validation_error"


async def _validation_error(_request: Request, error: Exception) -> Response:
    assert isinstance(error, RequestValidationError)
    errors = list(error.errors())
    if any(item.get("type") == "json_invalid" for item in errors):
        return problem_response(CATALOG["malformed_request"], "The body is not valid JSON.")
    listed = [
        {
            "field": _field_path(item["loc"]),
            "message": item["msg"],
            "code": validation_code(str(item["type"])),
        }
        for item in errors
    ]
    first = listed[0]
    detail = f"{first['field']}: {first['message']}"
    if len(listed) > 1:
        detail += f" (and {len(listed) - 1} more)"
    return problem_response(CATALOG[first["code"]], detail, errors=listed)


_HTTP_CODES = {
    400: "malformed_request",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    413: "payload_too_large",
    415: "unsupported_media_type",
}


async def _http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, StarletteHTTPException)
    kind = CATALOG[_HTTP_CODES.get(error.status_code, "internal_error")]
    detail = error.detail if isinstance(error.detail, str) else kind.title
    headers = dict(error.headers or {})
    if kind.code == "not_found":
        detail = "No such resource exists."
    if kind.code == "method_not_allowed":
        headers["Allow"] = ", ".join(_allowed_methods(request))
    return problem_response(kind, detail, headers=headers)


def _allowed_methods(request: Request) -> list[str]:
    """Every method some route serves at this path (Starlette names only the first route's)."""
    methods: set[str] = set()
    for route in request.app.state.api_routes:
        match, _ = route.matches(request.scope)
        if match is not Match.NONE:
            methods |= route.methods
    return sorted(methods)


RETRY_AFTER_SECONDS = 2


def database_unavailable_headers() -> dict[str, str]:
    """Outages are short (a restart, a failover): clients retry soon."""
    return {"Retry-After": str(RETRY_AFTER_SECONDS)}


async def _database_unavailable(request: Request, error: Exception) -> Response:
    """Logged once per outage by app.persistence.availability, not per request."""
    assert isinstance(error, DatabaseUnavailable)
    if (own := _own_format(request, error)) is not None:
        return own
    return problem_response(
        CATALOG["database_unavailable"], error.detail, headers=database_unavailable_headers()
    )


async def _unexpected(request: Request, error: Exception) -> Response:
    if (own := _own_format(request, error)) is not None:
        return own
    route = request.scope.get("route")
    where = str(getattr(route, "operation_id", None) or f"{request.method} (no route)")
    request_id = current_request_id() or "-"
    log_fault(logger, where, request_id, error)
    return problem_response(  # answered outside the request id's middleware: say it here
        CATALOG["internal_error"],
        "An unexpected fault occurred; it has been logged under the request id.",
        headers={REQUEST_ID_HEADER: request_id},
    )


class AnswerFaults:
    """An unexpected fault is answered here, as one more response on its connection.

    Starlette's outermost error handler answers the 500 and then raises the fault again, and
    the server closes the connection on it (with a keep-alive client's next request in
    flight). Caught inside that handler, the fault leaves the connection serving. Only a
    fault after the response has started still reaches it: the response cannot be ended
    well then, and closing the connection is what tells the client."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def sending(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, sending)
        except Exception as error:
            if started:
                raise
            response = await _unexpected(Request(scope), error)
            await response(scope, receive, send)


def install_problem_handlers(app: FastAPI, formats: dict[str, ErrorFormat] | None = None) -> None:
    """One handler per failure family; `formats` gives surfaces their own error format."""
    app.state.error_formats = formats or {}
    app.add_middleware(AnswerFaults)
    app.add_exception_handler(DomainError, _domain_error)
    app.add_exception_handler(ApiProblem, _api_problem)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(DatabaseUnavailable, _database_unavailable)
    app.add_exception_handler(Exception, _unexpected)


def problem_responses(*codes: str) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` for the given codes plus those every operation can return."""
    every = (
        "unauthorized",
        "invalid_credential",
        "token_expired",
        "identity_provider_unavailable",
        "bound_to_another_account",
        "insufficient_scope",
        "rate_limited",
        "validation_error",
        "unknown_field",
        "wrong_type",
        "missing_field",
        "too_long",
        "naive_timestamp",
        "malformed_request",
        "unknown_parameter",
        "internal_error",
        "database_unavailable",
    )
    return exactly_problems(*every, *codes)


def exactly_problems(*codes: str) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` for these codes only (an operation that takes no credential)."""
    by_status: dict[int, list[ProblemKind]] = {}
    for code in dict.fromkeys(codes):
        kind = CATALOG[code]
        by_status.setdefault(kind.status, []).append(kind)
    responses: dict[int | str, dict[str, Any]] = {}
    for status, kinds in sorted(by_status.items()):
        listed = ", ".join(f"`{kind.code}` ({kind.title})" for kind in kinds)
        responses[status] = {
            "description": f"Problem: {listed}.",
            "content": {
                PROBLEM_MEDIA_TYPE: {
                    "schema": {
                        "allOf": [
                            {"$ref": "#/components/schemas/Problem"},
                            {
                                "type": "object",
                                "properties": {
                                    "code": {"type": "string", "enum": [k.code for k in kinds]},
                                    "status": {"type": "integer", "enum": [status]},
                                },
                            },
                        ]
                    }
                }
            },
        }
    return responses


def declare_problems(responses: dict[str, Any], *codes: str) -> None:
    """Add codes to an operation's documented `responses` (keyed by status, as in the
    generated document), beside the codes already declared for the same status."""
    for code in codes:
        kind = CATALOG[code]
        declared = responses.get(str(kind.status))
        if declared is None:
            responses[str(kind.status)] = exactly_problems(code)[kind.status]
            continue
        schema = declared["content"][PROBLEM_MEDIA_TYPE]["schema"]["allOf"][1]
        enum = schema["properties"]["code"]["enum"]
        if code not in enum:
            enum.append(code)
            declared["description"] = (
                declared["description"].rstrip(".") + f", `{code}` ({kind.title})."
            )

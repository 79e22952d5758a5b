"""What /graphql reads before any document: the credential first (a stranger learns nothing
of the schema, not even from a validation message), then the request itself, which must be
one JSON object sent by POST. Every refusal answers JSON in GraphQL's shape (`data: null`,
`errors` with REST's problem `code`) with REST's HTTP status and headers."""

from __future__ import annotations

from typing import Any

import orjson
from cross_web import HTTPException
from fastapi import Response
from strawberry.http import GraphQLRequestData

from app.api.problems import ApiProblem, database_unavailable_headers
from app.persistence.availability import DatabaseUnavailable

GRAPHQL_MEDIA_TYPE = "application/json"
# The codes of the transport refusals by status (as REST names them).
_TRANSPORT_CODES = {
    400: "malformed_request",
    404: "not_found",
    405: "method_not_allowed",
    415: "unsupported_media_type",
}
_CLASSIFICATIONS = {401: "UNAUTHENTICATED", 415: "BAD_REQUEST", 503: "UNAVAILABLE"}


def refusal(problem: ApiProblem) -> Response:
    """The whole request refused before any document was read."""
    extensions = problem_extensions(problem)
    body = {"data": None, "errors": [{"message": problem.detail, "extensions": extensions}]}
    return Response(
        orjson.dumps(body),
        status_code=problem.kind.status,
        media_type=GRAPHQL_MEDIA_TYPE,
        headers=problem.headers,
    )


def problem_extensions(problem: ApiProblem) -> dict[str, Any]:
    """A refusal's GraphQL error extensions: REST's problem code and a classification."""
    return {
        "code": problem.kind.code,
        "classification": _CLASSIFICATIONS.get(problem.kind.status, "BAD_REQUEST"),
        **problem.extra,
    }


def unavailable(lost: DatabaseUnavailable) -> ApiProblem:
    return ApiProblem("database_unavailable", lost.detail, headers=database_unavailable_headers())


def transport_problem(error: HTTPException) -> ApiProblem:
    """A refusal of the HTTP layer (GraphQL's library or ours) with REST's code."""
    code = _TRANSPORT_CODES.get(error.status_code, "malformed_request")
    return ApiProblem(code, error.reason)


def request_data(body: object) -> GraphQLRequestData:
    """One operation request: a JSON object whose `query` is a string, `variables` and
    `extensions` objects, `operationName` a string (each may be absent or null)."""
    if isinstance(body, list):
        raise HTTPException(
            400, "Send one operation per request: a JSON object, not an array of them."
        )
    if not isinstance(body, dict):
        raise HTTPException(
            400, 'The body must be a JSON object such as {"query": "{ me { kind } }"}.'
        )
    query = _member(body, "query", str, "a string")
    if query is None:
        raise HTTPException(400, 'The body names no GraphQL document in "query".')
    return GraphQLRequestData(
        query=query,
        variables=_member(body, "variables", dict, "an object"),
        operation_name=_member(body, "operationName", str, "a string"),
        extensions=_member(body, "extensions", dict, "an object"),
        protocol="http",
    )


def _member(body: dict[str, Any], name: str, kind: type, shown: str) -> Any:
    value = body.get(name)
    if value is not None and not isinstance(value, kind):
        raise HTTPException(400, f'"{name}" must be {shown} or null.')
    return value

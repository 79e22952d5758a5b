"""Errors as clients read them: a domain refusal outside a mutation (a bad cursor, a bad
page size) keeps its REST `code` in `extensions`, with the usual GraphQL `classification`
of its family; an unexpected fault is logged and answered without its text (no stack
trace, no SQL)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from graphql import ExecutionResult, GraphQLError
from strawberry.extensions import SchemaExtension

from app.api.graphql.session import is_fault
from app.api.problems import current_request_id
from app.domain.errors import DomainError, Forbidden, InvalidInput, NotFound, StateConflict
from app.safe_logging import log_fault

logger = logging.getLogger("rapport.graphql")
FAULT_MESSAGE = "An unexpected fault occurred; it has been logged under the request id."
CLASSIFICATIONS: tuple[tuple[type[DomainError], str], ...] = (
    (InvalidInput, "BAD_USER_INPUT"),
    (NotFound, "NOT_FOUND"),
    (Forbidden, "FORBIDDEN"),
    (StateConflict, "CONFLICT"),
)


def classification(error: DomainError) -> str:
    for family, name in CLASSIFICATIONS:
        if isinstance(error, family):
            return name
    return "BAD_USER_INPUT"


class ErrorShaping(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if isinstance(result, ExecutionResult) and result.errors:
            request = current_request_id() or "-"
            result.errors = [_shaped(error, request) for error in result.errors]


def _shaped(error: GraphQLError, request: str) -> GraphQLError:
    original = error.original_error
    if isinstance(original, DomainError):
        extensions: dict[str, Any] = {
            "code": original.code,
            "classification": classification(original),
            **original.extra,
        }
        return _located(error, original.detail, extensions)
    if is_fault(error):
        where = "graphql " + ".".join(str(step) for step in error.path or ())
        log_fault(logger, where, request, original or error)
        return _located(
            error,
            FAULT_MESSAGE,
            {
                "code": "internal_error",
                "classification": "INTERNAL_SERVER_ERROR",
                "request_id": request,
            },
        )
    return error


def _located(error: GraphQLError, message: str, extensions: dict[str, Any]) -> GraphQLError:
    return GraphQLError(
        message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        extensions=extensions,
    )

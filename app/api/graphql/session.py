"""The request's transaction around the execution of an operation, opened by the same
credential check as REST: one read transaction for a query, one write transaction for a
mutation (each mutation field in its own savepoint). Refused credentials answer 401 with
the REST problem code; an unexpected fault rolls everything back, and so does losing the
database (503 `database_unavailable`, as in REST)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncGenerator, AsyncIterator
from typing import cast

from graphql import ExecutionResult, GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from app.api.access import Access
from app.api.graphql.context import GraphContext, audited_operation
from app.api.graphql.settling import settle
from app.api.problems import ApiProblem, database_unavailable_headers
from app.domain.access import KEY_PREFIX, ServiceKey, key_digest
from app.domain.errors import DomainError
from app.persistence.availability import DatabaseUnavailable
from app.services import me
from app.services.context import UseCase


class GraphAccess(Access):
    """REST's credential check and transaction; the audit trail is written per field."""

    def _audited(self, caller: object) -> bool:
        return False


class _RollBack(Exception):
    """Thrown into the transaction to end it without committing."""


class RequestTransaction(SchemaExtension):
    async def on_execute(self) -> AsyncIterator[None]:
        context = self.execution_context.context
        assert isinstance(context, GraphContext)
        if self.execution_context.result is not None:  # refused before it runs (limits)
            yield
            return
        writes = self.execution_context.operation_type is OperationType.MUTATION
        # Access's dependency is an async generator (typed as an iterator for FastAPI).
        transaction = cast(
            AsyncGenerator[UseCase], GraphAccess(None, write=writes)(context.http_request)
        )
        try:
            use_case = await anext(transaction)
        except ApiProblem as refused:
            self.execution_context.result = _refusal(context, refused, "UNAUTHENTICATED")
            yield
            return
        except DatabaseUnavailable as lost:
            self.execution_context.result = _refusal(context, _unavailable(lost), "UNAVAILABLE")
            yield
            return
        try:
            context.begin(use_case, await _key_of(context, use_case))
        except DatabaseUnavailable as lost:
            with contextlib.suppress(DatabaseUnavailable):
                await transaction.aclose()
            self.execution_context.result = _refusal(context, _unavailable(lost), "UNAVAILABLE")
            yield
            return
        yield
        try:
            await self._finish(context, transaction, writes)
        except DatabaseUnavailable as lost:
            self._answer_unavailable(context, lost)

    async def _finish(
        self, context: GraphContext, transaction: AsyncGenerator[UseCase], writes: bool
    ) -> None:
        await settle(context)
        result = self.execution_context.result
        errors = getattr(result, "errors", None) or []
        lost = next((e.original_error for e in errors if _lost_database(e)), None)
        if lost is not None:
            await _end(transaction, _RollBack())
            raise lost
        faults = [e for e in errors if is_fault(e)]
        if writes and faults and isinstance(result, ExecutionResult):
            # Nothing half-written: a fault undoes the request's other mutations too.
            await _end(transaction, _RollBack())
            result.data = None
            return
        await _end(transaction, None)
        use_case = context.use_case
        if use_case.caller.key_id is not None:  # content read by a key: as in REST
            for root in context.root_fields.values():
                if root.read_content:
                    operation = audited_operation(root.name)
                    context.runtime.read_audit.record(use_case, operation, "POST", root.record_ids)

    def _answer_unavailable(self, context: GraphContext, lost: DatabaseUnavailable) -> None:
        """The database went away during the execution: nothing of it stands (503)."""
        result = self.execution_context.result
        assert isinstance(result, ExecutionResult)
        refused = _refusal(context, _unavailable(lost), "UNAVAILABLE")
        result.data, result.errors = refused.data, refused.errors


def _unavailable(lost: DatabaseUnavailable) -> ApiProblem:
    return ApiProblem("database_unavailable", lost.detail, headers=database_unavailable_headers())


def _lost_database(error: GraphQLError) -> bool:
    return isinstance(error.original_error, DatabaseUnavailable)


def _refusal(context: GraphContext, refused: ApiProblem, classification: str) -> ExecutionResult:
    """The whole request refused with REST's problem code, status and headers."""
    context.http_response.status_code = refused.kind.status
    for name, value in (refused.headers or {}).items():
        context.http_response.headers[name] = value
    extensions = {"code": refused.kind.code, "classification": classification, **refused.extra}
    return ExecutionResult(data=None, errors=[GraphQLError(refused.detail, extensions=extensions)])


async def _key_of(context: GraphContext, use_case: UseCase) -> ServiceKey | None:
    """The service key's scopes bind each field: from the credential cache when it holds the
    key, else from the caller's description (the same service as GET /v1/me)."""
    if use_case.caller.key_id is None:
        return None
    _, _, credential = context.http_request.headers.get("authorization", "").partition(" ")
    credential = credential.strip()
    cached = context.runtime.credentials.keys.get(key_digest(credential))
    if credential.startswith(KEY_PREFIX) and cached is not None:
        return cached
    return (await me.describe(use_case)).service_key


async def _end(transaction: AsyncGenerator[UseCase], error: _RollBack | None) -> None:
    try:
        if error is None:
            await anext(transaction)
        else:
            await transaction.athrow(error)
    except (StopAsyncIteration, _RollBack):
        return


def is_fault(error: GraphQLError) -> bool:
    """An error nobody raised on purpose (not a GraphQL error, not a domain refusal, not the
    database going away)."""
    original = error.original_error
    return original is not None and not isinstance(
        original, GraphQLError | DomainError | DatabaseUnavailable
    )

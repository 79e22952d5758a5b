"""GraphQL's side of the request pipeline (app.api.pipeline): the request's transaction
around the execution of an operation, for the caller the router authenticated before
reading the document: one read transaction for a query, one write transaction for a
mutation (each mutation field in its own savepoint, with its own audit line). An unexpected
fault rolls everything back, and so does losing the database (503 `database_unavailable`,
as in REST) or running past the time budget (`time_budget_exceeded`). A query by a service
key that returned content is audited once it has succeeded, a line per top-level field."""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator

from graphql import (
    DocumentNode,
    ExecutionResult,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    SelectionSetNode,
)
from graphql.utilities import get_operation_ast
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionContext
from strawberry.types.graphql import OperationType

from app.api import pipeline
from app.api.graphql.context import GraphContext, TimeBudgetExceeded, audited_operation
from app.api.graphql.settling import settle
from app.api.idempotency import Replayed, idempotent_request
from app.api.pipeline import AuditLine, Identity
from app.api.problems import ApiProblem, database_unavailable_headers
from app.domain.errors import DomainError
from app.persistence.availability import DatabaseUnavailable
from app.services.context import ServiceContext


class _RollBack(Exception):
    """Thrown into the transaction to end it without committing."""


class RequestTransaction(SchemaExtension):
    async def on_execute(self) -> AsyncIterator[None]:
        context = self.execution_context.context
        assert isinstance(context, GraphContext)
        if self.execution_context.result is not None:  # refused before it runs (limits)
            yield
            return
        if self.execution_context.operation_type is OperationType.SUBSCRIPTION:
            yield  # each delivery has a transaction of its own (app.api.graphql.subscriptions)
            return
        identity = context.identity
        assert identity is not None, "the router checks the credential first"
        writes = self.execution_context.operation_type is OperationType.MUTATION
        transaction = _transaction(context, identity, writes)
        try:
            context.begin(await anext(transaction))
        except DatabaseUnavailable as lost:
            self.execution_context.result = _refusal(context, _unavailable(lost), "UNAVAILABLE")
            yield
            return
        except ApiProblem as refused:  # the Idempotency-Key is in use, reused or malformed
            kind = "CONFLICT" if refused.kind.status == 409 else "BAD_USER_INPUT"
            self.execution_context.result = _refusal(context, refused, kind)
            yield
            return
        except Replayed:  # the middleware answers with the stored response
            self.execution_context.result = ExecutionResult(data=None)
            yield
            return
        yield
        try:
            await self._finish(context, transaction, writes)
        except DatabaseUnavailable as lost:
            self._answer_unavailable(context, lost)
        finally:
            context.end()

    async def _finish(
        self, context: GraphContext, transaction: AsyncGenerator[ServiceContext], writes: bool
    ) -> None:
        await settle(context)
        result = self.execution_context.result
        errors = getattr(result, "errors", None) or []
        lost = next((e.original_error for e in errors if _lost_database(e)), None)
        if lost is not None:
            await _end(transaction, _RollBack())
            raise lost
        late = (
            next((e for e in errors if isinstance(e.original_error, TimeBudgetExceeded)), None)
            or context.overran()
        )
        if late is not None and isinstance(result, ExecutionResult):
            # Past its budget the request keeps nothing: a partial answer would look whole.
            await _end(transaction, _RollBack())
            result.data, result.errors = None, [late]
            return
        faults = [e for e in errors if is_fault(e)]
        if writes and faults and isinstance(result, ExecutionResult):
            # Nothing half-written: a fault undoes the request's other mutations too.
            await _end(transaction, _RollBack())
            result.data = None
            return
        pending = idempotent_request(context.http_request.scope) if writes else None
        if pending is not None:  # its answer commits with its changes (the middleware)
            pending.complete()
        await _end(transaction, None)
        if not writes:  # a mutation's lines are written with its changes
            lines = _audit_lines(self.execution_context, context)
            pipeline.finish(context.runtime, context.service_context, lines)

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


async def _transaction(
    context: GraphContext, identity: Identity, writes: bool
) -> AsyncGenerator[ServiceContext]:
    """The request's transaction, for a caller identified before the document was read; a
    mutation sent with an Idempotency-Key claims it (app.api.idempotency). What the
    mutations changed (their refused parts undone) becomes events, as in REST."""
    pending = idempotent_request(context.http_request.scope) if writes else None
    async with pipeline.open_transaction(
        context.runtime, identity.now, write=writes, pending=pending
    ) as opened:
        yield await opened.begin(identity.caller)


def _audit_lines(execution: ExecutionContext, context: GraphContext) -> list[AuditLine]:
    """A line per top-level field of the operation (fragments included), with the ids the
    field addressed."""
    document = execution.graphql_document
    operation = None if document is None else get_operation_ast(document, execution.operation_name)
    if document is None or operation is None:
        return [AuditLine("graphql", "POST")]
    lines = []
    for key, name in _top_level_fields(document, operation.selection_set):
        lines.append(context.addressed.get(key) or AuditLine(audited_operation(name), "POST"))
    return lines


def _top_level_fields(
    document: DocumentNode, selections: SelectionSetNode
) -> list[tuple[str, str]]:
    """(response key, field name) of each field of a selection set, through fragments."""
    fragments = {
        definition.name.value: definition
        for definition in document.definitions
        if isinstance(definition, FragmentDefinitionNode)
    }
    found: dict[str, str] = {}
    spread: set[str] = set()
    pending = list(selections.selections)
    while pending:
        selection = pending.pop(0)
        if isinstance(selection, FieldNode):
            name = selection.name.value
            if name != "__typename":
                found.setdefault((selection.alias or selection.name).value, name)
        elif isinstance(selection, InlineFragmentNode):
            pending.extend(selection.selection_set.selections)
        elif isinstance(selection, FragmentSpreadNode) and selection.name.value not in spread:
            spread.add(selection.name.value)
            fragment = fragments.get(selection.name.value)
            if fragment is not None:
                pending.extend(fragment.selection_set.selections)
    return list(found.items())


async def _end(transaction: AsyncGenerator[ServiceContext], error: _RollBack | None) -> None:
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

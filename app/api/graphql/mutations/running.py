"""How a mutation runs: scope check, input rules, the service call in its own savepoint of
the request's transaction, the audit line, and refusals turned into typed results; and
`mutation`, which makes one such function a field of the Mutation type."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Concatenate, ParamSpec, TypeVar, get_args
from uuid import UUID

import strawberry
from pydantic import BaseModel, ValidationError
from strawberry.types.field import StrawberryField

from app.api.graphql.context import GraphInfo, MissingScope, audited_operation
from app.api.graphql.problems import Problem, problem_of
from app.api.problems import validation_code
from app.api.schemas.common import NOTHING_TO_CHANGE, NULL_FIELD
from app.domain.access import Scope
from app.domain.errors import DomainError, InvalidInput
from app.domain.versions import Expected
from app.services import audit
from app.services.context import ServiceContext

T = TypeVar("T")
S = TypeVar("S")
M = TypeVar("M", bound=BaseModel)
P = ParamSpec("P")

# The ids an audit line names, from the mutation's GraphQL arguments (given by keyword).
AuditIds = Callable[..., Mapping[str, UUID | None]]


def mutation(
    description: str,
    *,
    scope: Scope,
    result: object,
    success: Callable[[T], object],
    audit: AuditIds | None = None,
) -> Callable[[Callable[Concatenate[ServiceContext, P], Awaitable[T]]], StrawberryField]:
    """The Mutation field of `body(ctx, **arguments)`: named after the function, its GraphQL
    arguments the function's parameters after `ctx` (annotations, defaults and
    `strawberry.argument` descriptions read in the function's module), its type the union
    `result`. The body runs inside `perform` (scope, savepoint, audit line with the ids
    `audit` picks from the arguments); its outcome becomes `success(outcome)`, a refusal the
    union's problem type."""

    def field_of(body: Callable[Concatenate[ServiceContext, P], Awaitable[T]]) -> StrawberryField:
        run: Callable[..., Awaitable[T]] = body  # called with the GraphQL arguments by name

        async def resolve(info: GraphInfo, **arguments: Any) -> object:
            async def action(ctx: ServiceContext) -> T:
                return await run(ctx, **arguments)

            record_ids = {} if audit is None else audit(**arguments)
            return answer(await perform(info, scope, action, result, **record_ids), success)

        resolve.__name__ = body.__name__
        resolve.__qualname__ = body.__qualname__
        resolve.__module__ = body.__module__  # where Strawberry resolves the annotations
        resolve.__signature__ = _resolver_signature(body, result)  # type: ignore[attr-defined]
        field: StrawberryField = strawberry.mutation(resolver=resolve, description=description)
        return field

    return field_of


def _resolver_signature(body: Callable[..., object], result: object) -> inspect.Signature:
    """The body's signature as Strawberry reads a resolver's: `info` in place of `ctx`,
    the result union as the return type."""
    _ctx, *arguments = inspect.signature(body).parameters.values()
    info = inspect.Parameter("info", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=GraphInfo)
    return inspect.Signature([info, *arguments], return_annotation=result)


def mutation_type(name: str, fields: tuple[StrawberryField, ...]) -> type:
    """One object type holding the `mutation` fields, in the order given."""
    by_name = {field.base_resolver.name: field for field in fields if field.base_resolver}
    if len(by_name) != len(fields):
        raise ValueError(f"{name}: mutations must have a resolver and distinct names")
    return strawberry.type(type(name, (), by_name))


async def perform(
    info: GraphInfo,
    scope: Scope,
    action: Callable[[ServiceContext], Awaitable[T]],
    result: object,
    **record_ids: UUID | None,
) -> T | Problem:
    """Run one mutation whose result union is `result`. A refusal rolls back only this
    mutation's writes (a savepoint) and comes back as the union's problem type for it; a
    success writes its audit line, named after the mutation, in the same transaction."""
    context = info.context
    try:
        context.require(scope)
        ctx = context.service_context
        async with ctx.uow.savepoint():
            outcome = await action(ctx)
            ids = {name: str(value) for name, value in record_ids.items() if value is not None}
            await audit.record(ctx, audited_operation(info.field_name), "POST", ids)
    except (DomainError, MissingScope) as refusal:
        return problem_of(refusal, problem_types(result))
    return outcome


def problem_types(result: object) -> tuple[type[Problem], ...]:
    """The problem types a result union (`Annotated[Success | …, strawberry.union(…)]`)
    names."""
    (members, *_) = get_args(result)
    return tuple(
        member
        for member in get_args(members)
        if isinstance(member, type) and issubclass(member, Problem)
    )


def answer(outcome: T | Problem, success: Callable[[T], S]) -> S | Problem:
    """The mutation's success type, or the refusal as it is."""
    if isinstance(outcome, Problem):
        return outcome
    return success(outcome)


IF_VERSION = (
    "Change the record only if it is still at this `version` (REST's If-Match); otherwise"
    " the refusal `precondition_failed`, and nothing changes."
)


def expected_version(if_version: int | None) -> Expected | None:
    return None if if_version is None else Expected.exactly(if_version)


# The validation codes a mutation's ValidationProblem names; other rules say validation_error.
GRAPHQL_VALIDATION_CODES = ("too_long", NOTHING_TO_CHANGE, NULL_FIELD)


def checked(model: type[M], values: dict[str, Any]) -> M:
    """The REST input model's rules (lengths, ranges, text rules) applied to GraphQL input."""
    try:
        return model.model_validate(values)
    except ValidationError as error:
        first = error.errors()[0]
        field = _camel(".".join(str(part) for part in first["loc"])) or "input"
        code = validation_code(str(first["type"]))
        if code not in GRAPHQL_VALIDATION_CODES:
            code = "validation_error"
        raise InvalidInput(f"{field}: {first['msg']}", code=code, field=field) from error


def _camel(path: str) -> str:
    head, *rest = path.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)

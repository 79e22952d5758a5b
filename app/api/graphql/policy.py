"""The organization's cadence policy."""

from __future__ import annotations

from typing import Annotated, cast

import strawberry

from app.api.graphql.connections import build
from app.api.graphql.context import GraphInfo
from app.api.graphql.decorators import mutates, resolves
from app.api.graphql.mutations import (
    IF_VERSION,
    answer,
    checked,
    expected_version,
    perform,
    values_of,
)
from app.api.graphql.problems import (
    NotFoundProblem,
    PermissionProblem,
    StateConflictProblem,
    ValidationProblem,
)
from app.api.schemas.settings import PolicyUpdate
from app.domain.access import Scope
from app.domain.policy import Policy as DomainPolicy
from app.services import settings_admin as service
from app.services.context import UseCase


@strawberry.type(description="The cadence policy every pair and meeting is checked against.")
class Policy:
    target_cadence_days: int
    max_cadence_days: int
    min_cadence_days: int
    default_duration_minutes: int
    min_duration_minutes: int
    max_duration_minutes: int
    grace_days: int
    late_cancel_hours: int
    auto_pairs: bool
    require_if_match: bool = strawberry.field(
        description="Edits must name the version they change (ifVersion; REST If-Match)."
    )
    version: int = strawberry.field(
        description="The record's version: 1 when created, one more on every change (REST's"
        " ETag). Pass it as ifVersion to change the record only if nobody else has since."
    )


@strawberry.type
class PolicyQuery:
    @resolves("The cadence policy (pairs:read).")
    async def policy(self, info: GraphInfo) -> Policy:
        info.context.require(Scope.PAIRS_READ)
        return build(Policy, await service.policy(info.context.use_case))


@strawberry.input(description="Only the fields given change; min <= target/default <= max.")
class UpdatePolicyInput:
    target_cadence_days: int | None = strawberry.UNSET
    max_cadence_days: int | None = strawberry.UNSET
    min_cadence_days: int | None = strawberry.UNSET
    default_duration_minutes: int | None = strawberry.UNSET
    min_duration_minutes: int | None = strawberry.UNSET
    max_duration_minutes: int | None = strawberry.UNSET
    grace_days: int | None = strawberry.UNSET
    late_cancel_hours: int | None = strawberry.UNSET
    auto_pairs: bool | None = strawberry.UNSET
    require_if_match: bool | None = strawberry.UNSET
    if_version: int | None = strawberry.field(default=None, description=IF_VERSION)


@strawberry.type
class PolicySuccess:
    policy: Policy


PolicyResult = Annotated[
    PolicySuccess | ValidationProblem | NotFoundProblem | PermissionProblem | StateConflictProblem,
    strawberry.union("PolicyResult"),
]


@strawberry.type
class PolicyMutation:
    @mutates("Change policy figures (policy:write).")
    async def update_policy(self, info: GraphInfo, input: UpdatePolicyInput) -> PolicyResult:
        values = values_of(input)
        expected = expected_version(values.pop("if_version", None))

        async def update(uc: UseCase) -> DomainPolicy:
            changes = checked(PolicyUpdate, values).model_dump(exclude_unset=True)
            return await service.update_policy(uc, changes, expected)

        outcome = await perform(info, Scope.POLICY_WRITE, update, PolicyResult)
        return cast(
            PolicyResult,
            answer(outcome, lambda policy: PolicySuccess(policy=build(Policy, policy))),
        )

"""The mutations of the cadence policy: their inputs, results and Mutation fields."""

from __future__ import annotations

from typing import Annotated

import strawberry

from app.api.graphql.mutations.inputs import derived_input, read
from app.api.graphql.mutations.running import IF_VERSION, expected_version, mutation
from app.api.graphql.problems import (
    NotFoundProblem,
    PermissionProblem,
    StateConflictProblem,
    ValidationProblem,
)
from app.api.graphql.types.policy import Policy, policy_node
from app.api.schemas.settings import PolicyUpdate
from app.domain.access import Scope
from app.domain.policy import Policy as DomainPolicy
from app.services import settings_admin as service
from app.services.context import ServiceContext


@derived_input(
    PolicyUpdate, description="Only the fields given change; min <= target/default <= max."
)
class UpdatePolicyInput:
    if_version: int | None = strawberry.field(default=None, description=IF_VERSION)


@strawberry.type
class PolicySuccess:
    policy: Policy


PolicyResult = Annotated[
    PolicySuccess | ValidationProblem | NotFoundProblem | PermissionProblem | StateConflictProblem,
    strawberry.union("PolicyResult"),
]


def _policy(policy: DomainPolicy) -> PolicySuccess:
    return PolicySuccess(policy=policy_node(policy))


@mutation(
    "Change policy figures (policy:write).",
    scope=Scope.POLICY_WRITE,
    result=PolicyResult,
    success=_policy,
)
async def update_policy(ctx: ServiceContext, input: UpdatePolicyInput) -> DomainPolicy:
    changes = read(input, PolicyUpdate).model_dump(exclude_unset=True)
    return await service.update_policy(ctx, changes, expected_version(input.if_version))


MUTATIONS = (update_policy,)

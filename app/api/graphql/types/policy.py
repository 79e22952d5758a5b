"""The organization's cadence policy."""

from __future__ import annotations

from collections.abc import Callable

from app.api.graphql.types.derived import derived_type, node_maker, version_field
from app.api.schemas.settings import PolicyOut
from app.domain.policy import Policy as DomainPolicy


@derived_type(
    PolicyOut, description="The cadence policy every pair and meeting is checked against."
)
class Policy:
    version: int = version_field()


policy_node: Callable[[DomainPolicy], Policy] = node_maker(Policy)

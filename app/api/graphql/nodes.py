"""Node types that point back up the import order build each other's nodes here: a
commitment's pair and meeting, a meeting's pair, a schedule conflict's meeting. The module
declaring a type registers its builder when imported (the schema imports every type), so a
module below it needs this registry, not the module."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Generic, TypeVar

from app.domain.meetings import Meeting as DomainMeeting
from app.domain.pairs import Pair as DomainPair

if TYPE_CHECKING:
    from app.api.graphql.types.meetings import Meeting
    from app.api.graphql.types.pairs import Pair

R = TypeVar("R")
N = TypeVar("N")


class NodeBuilder(Generic[R, N]):
    """The builder of one node type, filled in by the module that declares the type."""

    def __init__(self, type_name: str) -> None:
        self._type_name = type_name
        self._build: Callable[[R], N] | None = None

    def registers(self, build: Callable[[R], N]) -> Callable[[R], N]:
        """Decorates the declaring module's builder."""
        self._build = build
        return build

    def node(self, record: R) -> N:
        if self._build is None:
            raise LookupError(f"no builder of {self._type_name} nodes: import its module first")
        return self._build(record)


PAIRS: NodeBuilder[DomainPair, Pair] = NodeBuilder("Pair")
MEETINGS: NodeBuilder[DomainMeeting, Meeting] = NodeBuilder("Meeting")

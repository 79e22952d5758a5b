"""`strawberry.field` with a description, typed for mypy --strict (Strawberry types its
keyword-only form as Any), and the registry of the resolvers that have a form for many
parents. Mutations are made by `mutations.running.mutation`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

import strawberry

F = TypeVar("F", bound=Callable[..., Any])

ForAllParents = Callable[..., Awaitable[Sequence[Any]]]
"""A field's resolver over many parents at once: `(parents, **the method's other
parameters)` to the field's value for each parent, in order."""

RESOLVED_FOR_ALL_PARENTS: dict[object, ForAllParents] = {}
"""The resolver methods that have a form for many parents, to that form (read by
app.api.graphql.levels)."""


def resolves(description: str, *, for_all_parents: ForAllParents | None = None) -> Callable[[F], F]:
    """A field with a resolver. `for_all_parents` is the same field resolved for many
    parents at once; the method then only calls it with `[self]`, so the rule lives in one
    place, and a query executed level by level awaits it once per level instead of the
    method once per parent."""
    decorate: Callable[[F], F] = strawberry.field(description=description)

    def register(method: F) -> F:
        if for_all_parents is not None:
            RESOLVED_FOR_ALL_PARENTS[method] = for_all_parents
        return decorate(method)

    return register

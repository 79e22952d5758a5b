"""`strawberry.field` and `strawberry.mutation` with a description, typed for
mypy --strict (Strawberry types their keyword-only form as Any)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import strawberry

F = TypeVar("F", bound=Callable[..., Any])


def resolves(description: str) -> Callable[[F], F]:
    """A field with a resolver."""
    decorate: Callable[[F], F] = strawberry.field(description=description)
    return decorate


def mutates(description: str) -> Callable[[F], F]:
    """A mutation."""
    decorate: Callable[[F], F] = strawberry.mutation(description=description)
    return decorate

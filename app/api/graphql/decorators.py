"""`strawberry.field` with a description, typed for mypy --strict (Strawberry types its
keyword-only form as Any). Mutations are made by `mutations.running.mutation`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import strawberry

F = TypeVar("F", bound=Callable[..., Any])


def resolves(description: str) -> Callable[[F], F]:
    """A field with a resolver."""
    decorate: Callable[[F], F] = strawberry.field(description=description)
    return decorate

"""GraphQL object types declared once, as the response models REST shares (`pydantic_type`
over `app/api/schemas/`): the same fields in camelCase, filled by the same code."""

from __future__ import annotations

from typing import TypeVar

from pydantic import BaseModel

M = TypeVar("M")


def graph(kind: type[M], model: BaseModel, **extra: object) -> M:
    """The GraphQL object of a shared response model (`extra`: the type's further fields)."""
    # Strawberry adds `from_pydantic` to the class; type checkers cannot see it.
    converted: M = getattr(kind, "from_pydantic")(model, extra=extra or None)  # noqa: B009
    return converted

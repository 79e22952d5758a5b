"""GraphQL inputs derived from the shared input models of `app/api/schemas/`: a field's
name, type, default and description are declared once, on the model REST reads, and the
model's rules apply once, when a mutation reads its input back (`read`).

The class given to `derived_input` holds only what GraphQL adds to the model (the target
`id`, `ifVersion`, the `meetingId` REST takes from the path) and the fields whose GraphQL
type differs from the model's annotation."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import MISSING
from typing import Any, TypeVar, cast

from pydantic import BaseModel
from strawberry.experimental.pydantic import input as pydantic_input
from strawberry.types.arguments import InputContext
from strawberry.types.base import has_object_definition
from strawberry.types.field import StrawberryField
from strawberry.types.unset import UNSET

from app.api.graphql.mutations.running import checked
from app.api.schemas.common import Changes

C = TypeVar("C", bound=type)
M = TypeVar("M", bound=BaseModel)


def derived_input(model: type[BaseModel], *, description: str | None = None) -> Callable[[C], C]:
    """The GraphQL input of `model`: every field of the model, after the class's required
    fields (the target) and before its optional ones (`ifVersion`). The fields of an update
    model (`Changes`) are left out of the input unless sent, as in a PATCH body: no default
    in the SDL, and absent from the model read back."""

    def derive(cls: C) -> C:
        derive_fields = pydantic_input(model=model, all_fields=True, description=description)
        derived = cast(C, derive_fields(cls))
        definition = derived.__strawberry_definition__  # type: ignore[attr-defined]
        if issubclass(model, Changes):
            for field in definition.fields:
                if field.python_name in model.model_fields:
                    field.default_value = UNSET
        definition.fields.sort(key=lambda field: _place(field, model))
        definition.from_input = _fields_sent
        return derived

    return derive


def _place(field: StrawberryField, model: type[BaseModel]) -> int:
    if field.python_name in model.model_fields:
        return 1
    return 0 if field.default_value is MISSING else 2


def _fields_sent(cls: type, value: Mapping[str, Any], context: InputContext) -> Any:
    """An input from the fields in the document (or given a default by the SDL); the
    others are UNSET, so that an update sends only what the client named."""
    definition = cls.__strawberry_definition__  # type: ignore[attr-defined]
    name_of = context.config.name_converter.from_field
    return cls(
        **{
            field.python_name: (
                context.convert(
                    value[name_of(field)],
                    field.resolve_type(type_definition=definition),
                    name_of(field),
                )
                if name_of(field) in value
                else UNSET
            )
            for field in definition.fields
        }
    )


def read(graphql_input: object, model: type[M]) -> M:
    """The shared model of a derived input, validated by the model's rules; a refusal is
    InvalidInput naming the field, as REST's 422 does."""
    return checked(model, sent(graphql_input, model))


def sent(graphql_input: object, model: type[BaseModel]) -> dict[str, Any]:
    """The model's fields the client sent, nested derived inputs as their fields."""
    values = {name: getattr(graphql_input, name, UNSET) for name in model.model_fields}
    return {name: _as_sent(value) for name, value in values.items() if value is not UNSET}


def _as_sent(value: object) -> object:
    if isinstance(value, list):
        return [_as_sent(item) for item in value]
    if has_object_definition(type(value)) and hasattr(value, "_pydantic_type"):
        return sent(value, value._pydantic_type)
    return value

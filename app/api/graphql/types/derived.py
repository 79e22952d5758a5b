"""GraphQL object types derived from REST's output models (`app/api/schemas/`): a field's
name, type and description are declared once, on the model REST answers with. A node is
made from a domain record's attributes by `node_maker`, not through the model: the screen
makes about 1,100 nodes per request, and validating each would cost more than the rest of
making it."""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Callable
from operator import attrgetter
from typing import Any, TypeVar, cast, get_type_hints

import strawberry
from pydantic import BaseModel
from strawberry.experimental.pydantic import type as pydantic_type
from strawberry.types.field import StrawberryField

C = TypeVar("C", bound=type)
N = TypeVar("N")

VERSION = (
    "The record's version: 1 when created, one more on every change (REST's ETag). Pass it"
    " as ifVersion to change the record only if nobody else has since."
)


def version_field() -> Any:
    """`version`, which REST sends as the ETag rather than in the body."""
    return strawberry.field(description=VERSION)


def derived_type(model: type[BaseModel], *, description: str) -> Callable[[C], C]:
    """The object type of `model`: the model's fields, then the class's own (`version`,
    fields resolved from other records; a field the class resolves replaces the model's)."""

    def derive(cls: C) -> C:
        _resolve_private_annotations(cls)
        derive_fields = pydantic_type(model=model, all_fields=True, description=description)
        derived = cast(C, derive_fields(cls))
        for name, value in vars(cls).items():
            # The integration makes a new class of the fields alone; plain methods stay.
            if inspect.isfunction(value) and name not in vars(derived):
                setattr(derived, name, value)
        definition = derived.__strawberry_definition__  # type: ignore[attr-defined]
        # The integration's check tells a model from its type in a union; a node is never
        # in one, and the check would run for every node of every answer.
        definition.is_type_of = None
        definition.fields.sort(key=lambda field: _place(field, model))
        return derived

    return derive


def _resolve_private_annotations(cls: type) -> None:
    """The integration recognizes `strawberry.Private` only as an object, not as the text
    that postponed annotations leave (it would publish the field)."""
    private = [name for name, hint in cls.__annotations__.items() if "Private[" in str(hint)]
    if private:
        hints = get_type_hints(cls, include_extras=True)
        cls.__annotations__.update({name: hints[name] for name in private})


def _place(field: StrawberryField, model: type[BaseModel]) -> int:
    return 0 if field.python_name in model.model_fields and field.base_resolver is None else 1


def node_maker(cls: type[N]) -> Callable[[Any], N]:
    """Makes a node of `cls` from a domain record: each field from the attribute of the
    same name, and the record itself in the private `record` field when the type has one.
    The node's attributes are set as its dataclass `__init__` would set them, without the
    call (keyword arguments cost twice as much, 1,100 times a screen); a type whose
    `__init__` would do more is made through it."""
    every = dataclasses.fields(cls)  # type: ignore[arg-type]
    fields = [field for field in every if field.init]
    names = tuple(field.name for field in fields if field.name != "record")
    getter = attrgetter(*names)  # one name: the value itself, not a tuple of one
    read: Callable[[Any], Any] = getter if len(names) > 1 else lambda record: (getter(record),)
    has_record = len(names) < len(fields)
    if _init_does_more(cls, every):
        make: Callable[..., N] = cls
        if has_record:
            return lambda record: make(**dict(zip(names, read(record), strict=True)), record=record)
        return lambda record: make(**dict(zip(names, read(record), strict=True)))
    new = object.__new__

    def node(record: Any) -> N:
        made: N = new(cls)
        attributes = made.__dict__
        attributes.update(zip(names, read(record), strict=True))
        if has_record:
            attributes["record"] = record
        return made

    return node


def _init_does_more(cls: type, every: tuple[dataclasses.Field[Any], ...]) -> bool:
    """Whether the dataclass `__init__` of `cls` does more than set its arguments: a
    default it sets on a field it takes no argument for (a resolved field has none), a
    `__post_init__`, slots."""
    defaulted = any(
        not field.init
        and (
            field.default is not dataclasses.MISSING
            or field.default_factory is not dataclasses.MISSING
        )
        for field in every
    )
    return defaulted or hasattr(cls, "__post_init__") or hasattr(cls, "__slots__")

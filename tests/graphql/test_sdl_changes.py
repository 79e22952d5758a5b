"""What deriving GraphQL's inputs and object types from the shared models changed for
clients: descriptions only. `schema_before_derived_fields.graphql` is the committed SDL
from before; every type, field, argument, input field and enumeration value is still
there with the same type and default, and the descriptions that changed are named here."""

from __future__ import annotations

from pathlib import Path

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    build_schema,
    find_breaking_changes,
    find_dangerous_changes,
)
from graphql.pyutils import Undefined

from app.api.graphql.sdl import sdl

BEFORE = Path(__file__).with_name("schema_before_derived_fields.graphql")

# Descriptions now read from the shared models: REST's wording (snake_case names,
# lower-case enumeration values), added where REST had one, dropped where only GraphQL had.
DESCRIBED_DIFFERENTLY = {
    "AddAgendaItemInput.authorId",
    "AddNoteInput.authorId",
    "AddNoteInput.visibility",
    "ApplyTemplateInput.authorId",
    "ApplyTemplateInput.templateId",
    "CompleteMeetingInput.discussedItemIds",
    "CreatePairInput.cadenceDays",
    "CreatePairInput.durationMinutes",
    "CreatePersonInput.timezone",
    "CreatePersonInput.username",
    "CreateTemplateInput.isDefault",
    "Policy.requireIfMatch",
    "RateMeetingInput.personId",
    "RateMeetingInput.replace",
    "RateMeetingInput.score",
    "RescheduleMeetingInput.startsAt",
    "ScheduleMeetingInput.durationMinutes",
    "ScheduleMeetingInput.startsAt",
    "UpdateAgendaItemInput.state",
    "UpdatePairInput.status",
    "UpdatePolicyInput.requireIfMatch",
}


def _members(schema: GraphQLSchema) -> dict[str, tuple[str, object, str | None]]:
    """Every coordinate (`Type`, `Type.field`, `Type.field(arg)`, `Enum.VALUE`) with its
    type, its default and its description."""
    found: dict[str, tuple[str, object, str | None]] = {}
    for name, named in schema.type_map.items():
        if name.startswith("__"):
            continue
        found[name] = (type(named).__name__, None, named.description)
        if isinstance(named, GraphQLObjectType | GraphQLInterfaceType):
            for field_name, field in named.fields.items():
                found[f"{name}.{field_name}"] = (str(field.type), None, field.description)
                for arg_name, arg in field.args.items():
                    default = None if arg.default_value is Undefined else arg.default_value
                    found[f"{name}.{field_name}({arg_name})"] = (
                        str(arg.type),
                        repr(default),
                        arg.description,
                    )
        elif isinstance(named, GraphQLInputObjectType):
            for field_name, input_field in named.fields.items():
                default = (
                    "none" if input_field.default_value is Undefined else input_field.default_value
                )
                found[f"{name}.{field_name}"] = (
                    str(input_field.type),
                    repr(default),
                    input_field.description,
                )
        elif isinstance(named, GraphQLEnumType):
            for value_name, value in named.values.items():
                found[f"{name}.{value_name}"] = ("value", None, value.description)
    return found


def described(schema: GraphQLSchema) -> dict[str, str | None]:
    return {coordinate: member[2] for coordinate, member in _members(schema).items()}


def _shape(schema: GraphQLSchema) -> dict[str, tuple[str, object]]:
    return {coordinate: member[:2] for coordinate, member in _members(schema).items()}


# Types added since, whole (issue #17: live subscriptions).
ADDED_TYPES = {"Subscription", "MeetingChange", "CadenceChange"}


def test_nothing_changed_for_clients_but_descriptions() -> None:
    before, now = build_schema(BEFORE.read_text()), build_schema(sdl())
    assert find_breaking_changes(before, now) == []
    assert find_dangerous_changes(before, now) == []
    shape_before, shape_now = _shape(before), _shape(now)
    added = {coordinate.partition(".")[0] for coordinate in shape_now.keys() - shape_before}
    assert added == ADDED_TYPES
    assert {c: shape_now[c] for c in shape_before} == shape_before


def test_the_descriptions_that_changed_are_named() -> None:
    before = described(build_schema(BEFORE.read_text()))
    now = described(build_schema(sdl()))
    changed = {coordinate for coordinate in before if before[coordinate] != now.get(coordinate)}
    assert changed == DESCRIBED_DIFFERENTLY

"""How GraphQL nodes are made: from a record, and through the registry by which node types
build each other's nodes."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import pytest
import strawberry

from app.api.graphql.nodes import NodeBuilder
from app.api.graphql.types.derived import node_maker


def test_a_builder_builds_once_its_type_registers() -> None:
    lengths: NodeBuilder[str, int] = NodeBuilder("Length")
    with pytest.raises(LookupError, match="Length"):
        lengths.node("four")

    lengths.registers(len)

    assert lengths.node("four") == 4


@strawberry.type
class Plain:
    name: str
    size: int = 0
    record: strawberry.Private[object] = None

    @strawberry.field
    def doubled(self) -> int:
        return self.size * 2


@strawberry.type
class Checked:
    name: str

    def __post_init__(self) -> None:
        self.name = self.name.strip()


@dataclass
class Record:
    name: str
    size: int


@pytest.mark.parametrize("node_type", [Plain, Checked])
def test_a_node_is_what_its_init_would_make(node_type: type[Any]) -> None:
    """Every field from the record's attribute of that name, the record in `record`, as
    the type's own `__init__` would set them (through it when it would do more)."""
    record = Record(" Ada ", 3)
    made = node_maker(node_type)(record)
    names = [f.name for f in dataclasses.fields(node_type) if f.init and f.name != "record"]
    expected = node_type(**{name: getattr(record, name) for name in names})
    if hasattr(expected, "record"):
        expected.record = record
    assert type(made) is node_type
    assert vars(made) == vars(expected)

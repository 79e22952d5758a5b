"""The registry through which GraphQL node types build each other's nodes."""

from __future__ import annotations

import pytest

from app.api.graphql.nodes import NodeBuilder


def test_a_builder_builds_once_its_type_registers() -> None:
    lengths: NodeBuilder[str, int] = NodeBuilder("Length")
    with pytest.raises(LookupError, match="Length"):
        lengths.node("four")

    lengths.registers(len)

    assert lengths.node("four") == 4

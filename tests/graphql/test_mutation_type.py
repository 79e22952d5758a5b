"""The Mutation type is built from the area modules' `mutation` functions: one field per
function, in the order listed, and never two of one name."""

from __future__ import annotations

from uuid import UUID

import pytest
from strawberry.types.base import get_object_definition

from app.api.graphql.mutations.deletion import DeleteResult, deleted
from app.api.graphql.mutations.running import mutation, mutation_type
from app.api.graphql.schema import MUTATIONS
from app.domain.access import Scope
from app.services.context import ServiceContext


@mutation("Forget a record.", scope=Scope.CONTENT_WRITE, result=DeleteResult, success=deleted)
async def forget(ctx: ServiceContext, id: UUID) -> UUID:
    return id


def test_the_fields_keep_the_order_of_their_listing() -> None:
    built = mutation_type("Built", (*MUTATIONS, forget))
    names = [field.python_name for field in get_object_definition(built, strict=True).fields]
    assert names[0] == "create_person"
    assert names[-2:] == ["update_policy", "forget"]
    assert len(names) == len(MUTATIONS) + 1


def test_two_mutations_of_one_name_are_refused() -> None:
    with pytest.raises(ValueError, match="distinct names"):
        mutation_type("Twice", (forget, forget))

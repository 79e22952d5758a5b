"""The result of every delete: the id that no longer exists, or a refusal."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

import strawberry

from app.api.graphql.problems import (
    MeetingClosed,
    NotFoundProblem,
    PermissionProblem,
    StateConflictProblem,
    ValidationProblem,
)


@strawberry.type(description="The record is gone.")
class Deleted:
    id: UUID


DeleteResult = Annotated[
    Deleted
    | ValidationProblem
    | NotFoundProblem
    | PermissionProblem
    | MeetingClosed
    | StateConflictProblem,
    strawberry.union("DeleteResult"),
]


def deleted(gone: UUID) -> Deleted:
    return Deleted(id=gone)

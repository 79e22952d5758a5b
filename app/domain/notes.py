"""Notes on a meeting by one of its two people."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from uuid import UUID

from app.domain.errors import InvalidInput


class NoteVisibility(StrEnum):
    SHARED = "shared"
    PRIVATE = "private"


@dataclass(slots=True)
class Note:
    id: UUID
    org_id: UUID
    meeting_id: UUID
    author_id: UUID
    body: str
    visibility: NoteVisibility
    created_at: datetime
    updated_at: datetime


def check_visibility_allowed(visibility: NoteVisibility) -> None:
    """Private notes are readable by their author only, so they need a person's identity:
    a service key can never be that author."""
    if visibility is NoteVisibility.PRIVATE:
        raise InvalidInput(
            "Private notes can only be written by a signed-in person (person token);"
            " a service key can write shared notes only.",
            code="private_note_needs_person",
        )

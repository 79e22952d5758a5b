"""Notes on a meeting by one of its two people."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from uuid import UUID

from app.domain.versions import FIRST_VERSION


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
    version: int = FIRST_VERSION

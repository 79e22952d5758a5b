"""Agenda item, note and commitment models."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated
from uuid import UUID

from pydantic import Field

from app.api.schemas.common import (
    NOT_NULL,
    Changes,
    Day,
    Input,
    LongText,
    NoteBody,
    Resource,
    Title,
)
from app.domain.agenda import AgendaItemKind, AgendaItemState
from app.domain.commitments import CommitmentStatus
from app.domain.notes import NoteVisibility


class AgendaItemCreate(Input):
    author_id: UUID | None = Field(
        default=None,
        description="One of the pair's two people; required for service keys, the signed-in"
        " person (and only them) for person tokens.",
    )
    title: Title
    details: LongText | None = None
    kind: AgendaItemKind = AgendaItemKind.OTHER


class AgendaItemUpdate(Changes):
    title: Annotated[Title | None, NOT_NULL] = None
    details: LongText | None = None
    kind: Annotated[AgendaItemKind | None, NOT_NULL] = None
    state: Annotated[AgendaItemState | None, NOT_NULL] = Field(
        default=None, description="open, discussed or deferred (carried_over is set by the system)."
    )


class AgendaOrder(Input):
    item_ids: Annotated[list[UUID], Field(max_length=500)] = Field(
        description="Every item of the meeting, once each, in the new order."
    )


class ApplyTemplate(Input):
    author_id: UUID | None = Field(
        default=None,
        description="One of the pair's two people; required for service keys, the signed-in"
        " person (and only them) for person tokens.",
    )
    template_id: UUID | None = Field(
        default=None,
        description="Defaults to the organization's default template (`no_default_template`"
        " when it has none).",
    )


class AgendaItemOut(Resource):
    meeting_id: UUID
    author_id: UUID
    title: str
    details: str | None
    kind: AgendaItemKind
    position: int
    state: AgendaItemState
    carried_from_id: UUID | None


class NoteCreate(Input):
    author_id: UUID | None = Field(
        default=None,
        description="One of the pair's two people; required for service keys, the signed-in"
        " person (and only them) for person tokens.",
    )
    body: NoteBody
    visibility: NoteVisibility = Field(
        default=NoteVisibility.SHARED,
        description="private: readable by its author only (person tokens only).",
    )


class NoteUpdate(Changes):
    body: NoteBody


class NoteOut(Resource):
    meeting_id: UUID
    author_id: UUID
    body: str
    visibility: NoteVisibility


class CommitmentCreate(Input):
    pair_id: UUID
    owner_id: UUID = Field(description="One of the pair's two people.")
    title: Title
    meeting_id: UUID | None = Field(default=None, description="The meeting it came from.")
    due_on: Day | None = None


class CommitmentUpdate(Changes):
    title: Annotated[Title | None, NOT_NULL] = None
    owner_id: Annotated[UUID | None, NOT_NULL] = None
    due_on: Day | None = None
    status: Annotated[CommitmentStatus | None, NOT_NULL] = None


class CommitmentOut(Resource):
    pair_id: UUID
    meeting_id: UUID | None
    owner_id: UUID
    title: str
    due_on: date | None
    status: CommitmentStatus
    completed_at: datetime | None

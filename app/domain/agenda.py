"""Agenda items: the shared list of talking points (rule 5)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from uuid import UUID

from app.domain.errors import InvalidInput
from app.domain.versions import FIRST_VERSION


class AgendaItemKind(StrEnum):
    """The seeds' structure: check-in, wins, challenges, priorities, goals, development…"""

    CHECK_IN = "check_in"
    WIN = "win"
    CHALLENGE = "challenge"
    PRIORITY = "priority"
    GOAL = "goal"
    DEVELOPMENT = "development"
    FEEDBACK = "feedback"
    METRICS = "metrics"
    STATUS_UPDATE = "status_update"
    OTHER = "other"


class AgendaItemState(StrEnum):
    OPEN = "open"
    DISCUSSED = "discussed"
    DEFERRED = "deferred"
    CARRIED_OVER = "carried_over"


@dataclass(slots=True)
class AgendaItem:
    id: UUID
    org_id: UUID
    meeting_id: UUID
    author_id: UUID
    title: str
    details: str | None
    kind: AgendaItemKind
    position: int
    state: AgendaItemState
    carried_from_id: UUID | None
    created_at: datetime
    updated_at: datetime
    version: int = FIRST_VERSION


def check_settable_state(state: AgendaItemState) -> None:
    """`carried_over` is set by the carry-over rule only, never by a client."""
    if state is AgendaItemState.CARRIED_OVER:
        raise InvalidInput(
            "An item becomes carried_over only when a meeting carries it over.",
            code="state_not_settable",
        )


def check_complete_order(current_ids: list[UUID], requested_ids: list[UUID]) -> None:
    """A new order names every item of the meeting exactly once."""
    if len(requested_ids) != len(set(requested_ids)) or set(requested_ids) != set(current_ids):
        raise InvalidInput(
            "item_ids must list every agenda item of the meeting exactly once.",
            code="invalid_order",
        )

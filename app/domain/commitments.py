"""Commitments: action items of a pair, owned by one of its two people (rule 6)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from uuid import UUID

from app.domain.versions import FIRST_VERSION


class CommitmentStatus(StrEnum):
    OPEN = "open"
    DONE = "done"
    DROPPED = "dropped"


@dataclass(slots=True)
class Commitment:
    id: UUID
    org_id: UUID
    pair_id: UUID
    meeting_id: UUID | None
    owner_id: UUID
    title: str
    due_on: date | None
    status: CommitmentStatus
    completed_at: datetime | None
    created_at: datetime
    updated_at: datetime
    version: int = FIRST_VERSION

    def set_status(self, status: CommitmentStatus, at: datetime) -> None:
        """`completed_at` records when it was done and is cleared when it is reopened."""
        if status is CommitmentStatus.DONE and self.status is not CommitmentStatus.DONE:
            self.completed_at = at
        elif status is not CommitmentStatus.DONE:
            self.completed_at = None
        self.status = status


def follow_up_for(
    meeting_id: UUID, starts_at: datetime, open_commitments: list[Commitment]
) -> list[Commitment]:
    """Rule 6: a meeting shows the pair's open commitments made before it started (those
    made during the meeting are its outcome, shown from the next meeting on)."""
    return [
        commitment
        for commitment in open_commitments
        if commitment.status is CommitmentStatus.OPEN
        and commitment.meeting_id != meeting_id
        and commitment.created_at < starts_at
    ]

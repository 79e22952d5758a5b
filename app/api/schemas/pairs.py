"""Pair models."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import Field, Strict

from app.api.schemas.common import (
    NOT_NULL,
    WHOLE_NUMBER,
    Changes,
    Input,
    Output,
    Resource,
    text_rules,
)
from app.domain.cadence import CadenceState
from app.domain.pairs import PairKind, PairSource, PairStatus
from app.services.cadence import PairCadence

CadenceDays = Annotated[int, Strict(), Field(ge=1, le=365), WHOLE_NUMBER]
DurationMinutes = Annotated[int, Strict(), Field(ge=1, le=1440), WHOLE_NUMBER]


class PairCreate(Input):
    lead_id: UUID
    member_id: UUID
    kind: PairKind = PairKind.MANAGER_REPORT
    cadence_days: CadenceDays | None = Field(
        default=None, description="Defaults to the policy's target_cadence_days."
    )
    duration_minutes: DurationMinutes | None = Field(
        default=None, description="Defaults to the policy's default_duration_minutes."
    )


class PairUpdate(Changes):
    cadence_days: Annotated[CadenceDays | None, NOT_NULL] = None
    duration_minutes: Annotated[DurationMinutes | None, NOT_NULL] = None
    status: Annotated[Literal[PairStatus.ACTIVE, PairStatus.PAUSED] | None, NOT_NULL] = Field(
        default=None,
        description="paused cancels the pair's future meetings; active resumes."
        " Ending is POST /pairs/{id}/end.",
    )


class CadenceOut(Output):
    pair_id: UUID
    last_held_at: datetime | None = Field(description="Start of the latest completed meeting.")
    due_at: datetime = Field(description="(last_held_at or started_at) + cadence_days.")
    next_at: datetime | None = Field(description="Start of the earliest future meeting.")
    state: CadenceState
    cadence_days: int
    grace_days: int
    target_cadence_days: int

    @classmethod
    def of(cls, found: PairCadence) -> CadenceOut:
        return cls(
            pair_id=found.pair.id,
            last_held_at=found.cadence.last_held_at,
            due_at=found.cadence.due_at,
            next_at=found.cadence.next_at,
            state=found.cadence.state,
            cadence_days=found.pair.cadence_days,
            grace_days=found.policy.grace_days,
            target_cadence_days=found.policy.target_cadence_days,
        )


class PairEnd(Input):
    reason: Annotated[str, text_rules(min_length=1, max_length=64)] = "ended"


class PairOut(Resource):
    lead_id: UUID
    member_id: UUID
    kind: PairKind
    cadence_days: int
    duration_minutes: int
    status: PairStatus
    source: PairSource
    started_at: datetime
    ended_at: datetime | None
    ended_reason: str | None

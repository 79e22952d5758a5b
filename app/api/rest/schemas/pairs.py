"""Pair models."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

from pydantic import Field, Strict, StringConstraints

from app.api.rest.schemas.common import Input, Resource
from app.domain.pairs import PairKind, PairSource, PairStatus

CadenceDays = Annotated[int, Strict(), Field(ge=1, le=365)]
DurationMinutes = Annotated[int, Strict(), Field(ge=1, le=1440)]


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


class PairUpdate(Input):
    cadence_days: CadenceDays | None = None
    duration_minutes: DurationMinutes | None = None


class PairEnd(Input):
    reason: Annotated[str, StringConstraints(min_length=1, max_length=64)] = "ended"


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

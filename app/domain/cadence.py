"""The cadence state of a pair now (product.md, "Cadence state of a pair")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from app.domain.pairs import Pair, PairStatus


class CadenceState(StrEnum):
    PAUSED = "paused"
    ENDED = "ended"
    OVERDUE = "overdue"
    UNBOOKED = "unbooked"
    AT_RISK = "at_risk"
    ON_TRACK = "on_track"


@dataclass(frozen=True, slots=True)
class Cadence:
    last_held_at: datetime | None
    due_at: datetime
    next_at: datetime | None
    state: CadenceState


def cadence_of(
    pair: Pair,
    last_held_at: datetime | None,
    next_at: datetime | None,
    now: datetime,
    grace_days: int,
) -> Cadence:
    """The first state that applies: paused/ended, overdue, unbooked, at_risk, on_track."""
    due_at = (last_held_at or pair.started_at) + timedelta(days=pair.cadence_days)
    late_after = due_at + timedelta(days=grace_days)
    return Cadence(last_held_at, due_at, next_at, state_of(pair.status, late_after, next_at, now))


def state_of(
    status: PairStatus, late_after: datetime, next_at: datetime | None, now: datetime
) -> CadenceState:
    """The state of a pair that is overdue after `late_after` (its due date plus grace)."""
    if status is PairStatus.PAUSED:
        return CadenceState.PAUSED
    if status is PairStatus.ENDED:
        return CadenceState.ENDED
    if now > late_after:
        return CadenceState.OVERDUE
    if next_at is None:
        return CadenceState.UNBOOKED
    if next_at > late_after:
        return CadenceState.AT_RISK
    return CadenceState.ON_TRACK

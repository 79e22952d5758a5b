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
    grace = timedelta(days=grace_days)
    if pair.status is PairStatus.PAUSED:
        state = CadenceState.PAUSED
    elif pair.status is PairStatus.ENDED:
        state = CadenceState.ENDED
    elif now > due_at + grace:
        state = CadenceState.OVERDUE
    elif next_at is None:
        state = CadenceState.UNBOOKED
    elif next_at > due_at + grace:
        state = CadenceState.AT_RISK
    else:
        state = CadenceState.ON_TRACK
    return Cadence(last_held_at, due_at, next_at, state)

"""Pairs: the two people who hold 1:1s, and the rules that make a pair valid (rule 7)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from uuid import UUID

from app.domain.errors import InvalidInput, StateConflict
from app.domain.people import Person
from app.domain.policy import Policy
from app.domain.versions import FIRST_VERSION


class PairKind(StrEnum):
    MANAGER_REPORT = "manager_report"
    SKIP_LEVEL = "skip_level"
    MENTORSHIP = "mentorship"
    PEER = "peer"


class PairStatus(StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"
    ENDED = "ended"


class PairSource(StrEnum):
    MANUAL = "manual"
    REPORTING_LINE = "reporting_line"


@dataclass(slots=True)
class Pair:
    id: UUID
    org_id: UUID
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
    created_at: datetime
    updated_at: datetime
    version: int = FIRST_VERSION

    def includes(self, person_id: UUID) -> bool:
        return person_id in (self.lead_id, self.member_id)

    def check_participant(self, person_id: UUID, field: str) -> None:
        """Authors, owners and cancellers are one of the pair's two people."""
        if not self.includes(person_id):
            raise InvalidInput(
                f"{field} must be one of the pair's two people (lead or member).",
                code="not_a_participant",
                field=field,
            )

    def set_active(self, active: bool, at: datetime) -> None:
        """Pause or resume; pausing twice or resuming an active pair changes nothing."""
        self.status = PairStatus.ACTIVE if active else PairStatus.PAUSED
        self.updated_at = at

    def end(self, at: datetime, reason: str) -> None:
        """Rule 7: an ended pair holds no more meetings; ending twice is a conflict."""
        if self.status is PairStatus.ENDED:
            raise StateConflict("This pair has already ended.", code="pair_ended")
        self.status = PairStatus.ENDED
        self.ended_at = at
        self.ended_reason = reason
        self.updated_at = at


def check_new_pair(lead: Person, member: Person, cadence_days: int, policy: Policy) -> None:
    """Rule 7: two distinct active people of one organization, at a cadence within policy."""
    if lead.id == member.id:
        raise InvalidInput("A pair needs two different people.", code="self_pair")
    for role, person in (("lead", lead), ("member", member)):
        if not person.active:
            raise InvalidInput(
                f"The {role} ({person.id}) is deactivated; pairs need active people.",
                code="person_inactive",
            )
    policy.check_cadence(cadence_days)

"""Domain entities for unit tests, with sensible defaults."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

from app.domain.meetings import Meeting, MeetingStatus
from app.domain.pairs import Pair, PairKind, PairSource, PairStatus
from app.domain.people import Person, Role

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
ORG = uuid4()


def person(*, active: bool = True, person_id: UUID | None = None) -> Person:
    email = f"{uuid4().hex[:8]}@example.com"
    return Person(
        id=person_id or uuid4(),
        org_id=ORG,
        email=email,
        name="Someone",
        timezone="UTC",
        manager_id=None,
        external_id=None,
        role=Role.MEMBER,
        active=active,
        created_at=NOW,
        updated_at=NOW,
        username=email,
    )


def pair(*, status: PairStatus = PairStatus.ACTIVE, cadence_days: int = 14) -> Pair:
    return Pair(
        id=uuid4(),
        org_id=ORG,
        lead_id=uuid4(),
        member_id=uuid4(),
        kind=PairKind.MANAGER_REPORT,
        cadence_days=cadence_days,
        duration_minutes=30,
        status=status,
        source=PairSource.MANUAL,
        started_at=NOW - timedelta(days=60),
        ended_at=None,
        ended_reason=None,
        created_at=NOW,
        updated_at=NOW,
    )


def meeting(
    starts_at: datetime,
    *,
    minutes: int = 30,
    status: MeetingStatus = MeetingStatus.SCHEDULED,
    pair_id: UUID | None = None,
) -> Meeting:
    return Meeting(
        id=uuid4(),
        org_id=ORG,
        pair_id=pair_id or uuid4(),
        starts_at=starts_at,
        duration_minutes=minutes,
        status=status,
        reschedule_count=0,
        original_starts_at=starts_at,
        canceled_at=None,
        canceled_by_id=None,
        cancel_reason=None,
        completed_at=None,
        actual_minutes=None,
        created_at=NOW,
        updated_at=NOW,
    )

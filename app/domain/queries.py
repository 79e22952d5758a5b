"""What a list asks for: the filters of each list endpoint, shared by the API, the use
cases and the repositories that turn them into queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from app.domain.cadence import CadenceState
from app.domain.commitments import CommitmentStatus
from app.domain.meetings import MeetingStatus
from app.domain.pairs import PairKind, PairStatus
from app.domain.people import ManagerState


@dataclass(frozen=True, slots=True)
class PeopleFilter:
    active: bool | None = None
    manager_id: UUID | None = None
    email: str | None = None
    external_id: str | None = None
    updated_since: datetime | None = None
    username: str | None = None
    manager_state: ManagerState | None = None


@dataclass(frozen=True, slots=True)
class DirectoryQuery:
    """What an identity provider looks people up by (SCIM filters), all of them at once."""

    username: str | None = None
    external_id: str | None = None
    email: str | None = None


@dataclass(frozen=True, slots=True)
class GroupQuery:
    display_name: str | None = None
    external_id: str | None = None


@dataclass(frozen=True, slots=True)
class PairFilter:
    person_id: UUID | None = None
    lead_id: UUID | None = None
    member_id: UUID | None = None
    kind: PairKind | None = None
    status: PairStatus | None = None
    updated_since: datetime | None = None
    cadence_state: CadenceState | None = None
    # A person caller (not an admin) sees their own pairs and those led by people below them.
    visible_to: UUID | None = None
    visible_leads: tuple[UUID, ...] = ()


@dataclass(frozen=True, slots=True)
class MeetingFilter:
    pair_id: UUID | None = None
    person_id: UUID | None = None
    status: MeetingStatus | None = None
    starts_after: datetime | None = None
    starts_before: datetime | None = None
    updated_since: datetime | None = None
    participant_id: UUID | None = None  # a person caller sees their own pairs' meetings only
    newest_first: bool = False


@dataclass(frozen=True, slots=True)
class CommitmentFilter:
    pair_id: UUID | None = None
    owner_id: UUID | None = None
    meeting_id: UUID | None = None
    status: CommitmentStatus | None = None
    overdue_on: date | None = None
    updated_since: datetime | None = None
    participant_id: UUID | None = None  # a person caller sees their own pairs' commitments


@dataclass(frozen=True, slots=True)
class AuditFilter:
    actor_key_id: UUID | None = None
    actor_person_id: UUID | None = None
    operation: str | None = None
    since: datetime | None = None


@dataclass(frozen=True, slots=True)
class MetricsFilter:
    """Which pairs metrics are computed for (`/metrics/pairs` filters and rollup scopes)."""

    pair_id: UUID | None = None
    pair_ids: tuple[UUID, ...] | None = None
    lead_id: UUID | None = None
    team_of: UUID | None = None  # pairs led by this manager or by anyone below them
    kind: PairKind | None = None
    cadence_state: CadenceState | None = None
    viewer_id: UUID | None = None  # a person (not admin): their pairs and their team's
    group_id: UUID | None = None  # pairs with either of their two people in the group


@dataclass(frozen=True, slots=True)
class BindingFilter:
    """Sign-in bindings of one person, or those made since an instant (to review)."""

    person_id: UUID | None = None
    bound_since: datetime | None = None

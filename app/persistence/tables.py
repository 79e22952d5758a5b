"""SQLModel tables. Every tenant table leads its indexes with `org_id`."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import (
    JSON,
    BigInteger,
    ForeignKey,
    Index,
    Text,
    UniqueConstraint,
    text,
)
from sqlmodel import Field, SQLModel

from app.persistence.columns import fk, instant, org_fk, record_version, string

metadata = SQLModel.metadata


class OrganizationRow(SQLModel, table=True):
    __tablename__ = "organizations"
    id: UUID = Field(primary_key=True)
    name: str = string(200)
    created_at: datetime = instant()
    updated_at: datetime = instant()


class PersonRow(SQLModel, table=True):
    __tablename__ = "people"
    __table_args__ = (
        UniqueConstraint("org_id", "email_key", name="uq_people_org_email"),
        UniqueConstraint("org_id", "external_id", name="uq_people_org_external_id"),
        UniqueConstraint("org_id", "username_key", name="uq_people_org_username"),
        Index("ix_people_org_created", "org_id", "created_at", "id"),
        Index("ix_people_org_manager", "org_id", "manager_id"),
        Index("ix_people_org_updated", "org_id", "updated_at"),
        Index("ix_people_org_manager_ref", "org_id", "manager_ref"),
    )
    id: UUID = Field(primary_key=True)
    org_id: UUID = org_fk()
    email: str | None = string(320, nullable=True)
    email_key: str | None = string(320, nullable=True)
    name: str = string(200)
    timezone: str = string(64)
    manager_id: UUID | None = fk("people.id", nullable=True)
    external_id: str | None = string(200, nullable=True)
    role: str = string(16)
    active: bool = Field(nullable=False)
    created_at: datetime = instant()
    updated_at: datetime = instant()
    version: int = record_version()
    username: str = string(320)
    username_key: str = string(320)
    # A manager named by a directory before that person exists (their id, externalId or
    # userName as the directory sent it); resolved when they arrive.
    manager_ref: str | None = string(200, nullable=True)
    # The parts of the name as an identity provider sent them (SCIM name.givenName/familyName).
    given_name: str | None = string(200, nullable=True)
    family_name: str | None = string(200, nullable=True)
    scim_deleted_at: datetime | None = instant(nullable=True)


class PairRow(SQLModel, table=True):
    __tablename__ = "pairs"
    __table_args__ = (
        # Rule 7: at most one non-ended pair per (lead, member, kind).
        Index(
            "uq_pairs_org_lead_member_kind_live",
            "org_id",
            "lead_id",
            "member_id",
            "kind",
            unique=True,
            sqlite_where=text("status != 'ended'"),
            postgresql_where=text("status != 'ended'"),
        ),
        Index("ix_pairs_org_created", "org_id", "created_at", "id"),
        Index("ix_pairs_org_lead", "org_id", "lead_id"),
        Index("ix_pairs_org_member", "org_id", "member_id"),
    )
    id: UUID = Field(primary_key=True)
    org_id: UUID = org_fk()
    lead_id: UUID = fk("people.id")
    member_id: UUID = fk("people.id")
    kind: str = string(32)
    cadence_days: int = Field(nullable=False)
    duration_minutes: int = Field(nullable=False)
    status: str = string(16)
    source: str = string(32)
    started_at: datetime = instant()
    ended_at: datetime | None = instant(nullable=True)
    ended_reason: str | None = string(64, nullable=True)
    created_at: datetime = instant()
    updated_at: datetime = instant()
    version: int = record_version()


class MeetingRow(SQLModel, table=True):
    __tablename__ = "meetings"
    __table_args__ = (
        Index("ix_meetings_org_pair_starts", "org_id", "pair_id", "starts_at", "id"),
        Index("ix_meetings_org_starts", "org_id", "starts_at", "id"),
        Index("ix_meetings_org_status_starts", "org_id", "status", "starts_at"),
        # A pair's next booked meeting, read for every pair by the metrics (revision 0015).
        Index(
            "ix_meetings_org_pair_scheduled",
            "org_id",
            "pair_id",
            "starts_at",
            sqlite_where=text("status = 'scheduled'"),
            postgresql_where=text("status = 'scheduled'"),
        ),
    )
    id: UUID = Field(primary_key=True)
    org_id: UUID = org_fk()
    pair_id: UUID = fk("pairs.id")
    starts_at: datetime = instant()
    duration_minutes: int = Field(nullable=False)
    status: str = string(16)
    reschedule_count: int = Field(nullable=False)
    original_starts_at: datetime = instant()
    canceled_at: datetime | None = instant(nullable=True)
    canceled_by_id: UUID | None = fk("people.id", nullable=True)
    cancel_reason: str | None = string(32, nullable=True)
    completed_at: datetime | None = instant(nullable=True)
    actual_minutes: int | None = Field(default=None, nullable=True)
    created_at: datetime = instant()
    updated_at: datetime = instant()
    version: int = record_version()
    # What the metrics count of the meeting's content, kept current by the database's
    # triggers on agenda_items and ratings (revision 0014); never written by the app.
    agenda_item_count: int = Field(nullable=False)
    member_item_count: int = Field(nullable=False)  # authored by the pair's member
    status_item_count: int = Field(nullable=False)  # of kind status_update
    rating_count: int = Field(nullable=False)
    rating_total: int = Field(nullable=False)  # the sum of the ratings' scores
    # Of a held meeting, the start of the pair's previous held meeting in (starts_at, id)
    # order and the microseconds from it to this one's start, kept current by the database's
    # triggers on meetings (revision 0017); the metrics read their gaps from them. Never
    # written by the app.
    previous_held_at: datetime | None = instant(nullable=True)
    held_gap_microseconds: int | None = Field(default=None, sa_type=BigInteger, nullable=True)


class PairMetricStateRow(SQLModel, table=True):
    """What the metrics keep of each pair's history, kept current by the database's triggers
    on pairs, meetings and commitments (revision 0015); never written by the app."""

    __tablename__ = "pair_metric_state"
    pair_id: UUID = Field(
        sa_column_args=[ForeignKey("pairs.id", ondelete="CASCADE")], primary_key=True
    )
    org_id: UUID = org_fk()
    last_held_at: datetime | None = instant(nullable=True)  # of its latest completed meeting
    open_dated_commitments: int = Field(nullable=False)  # open, with a due date


MEETING_CONTENT_COUNTS = (
    "agenda_item_count",
    "member_item_count",
    "status_item_count",
    "rating_count",
    "rating_total",
)
# The meeting columns only the database's triggers write (revisions 0014 and 0017)
MEETING_KEPT_COLUMNS = (*MEETING_CONTENT_COUNTS, "previous_held_at", "held_gap_microseconds")


class MeetingEventRow(SQLModel, table=True):
    __tablename__ = "meeting_events"
    __table_args__ = (Index("ix_meeting_events_org_meeting_at", "org_id", "meeting_id", "at"),)
    id: UUID = Field(primary_key=True)
    org_id: UUID = org_fk()
    meeting_id: UUID = fk("meetings.id")
    kind: str = string(32)
    at: datetime = instant()
    actor_person_id: UUID | None = fk("people.id", nullable=True)
    actor_key_id: UUID | None = fk("service_keys.id", nullable=True)
    data: dict[str, Any] = Field(sa_type=JSON, nullable=False)


class AgendaItemRow(SQLModel, table=True):
    __tablename__ = "agenda_items"
    __table_args__ = (
        Index("ix_agenda_items_org_meeting_position", "org_id", "meeting_id", "position", "id"),
    )
    id: UUID = Field(primary_key=True)
    org_id: UUID = org_fk()
    meeting_id: UUID = fk("meetings.id")
    author_id: UUID = fk("people.id")
    title: str = string(200)
    details: str | None = Field(sa_type=Text, nullable=True)
    kind: str = string(32)
    position: int = Field(nullable=False)
    state: str = string(16)
    carried_from_id: UUID | None = fk("agenda_items.id", nullable=True)
    created_at: datetime = instant()
    updated_at: datetime = instant()
    version: int = record_version()


class NoteRow(SQLModel, table=True):
    __tablename__ = "notes"
    __table_args__ = (Index("ix_notes_org_meeting_created", "org_id", "meeting_id", "created_at"),)
    id: UUID = Field(primary_key=True)
    org_id: UUID = org_fk()
    meeting_id: UUID = fk("meetings.id")
    author_id: UUID = fk("people.id")
    body: str = Field(sa_type=Text, nullable=False)
    visibility: str = string(16)
    created_at: datetime = instant()
    updated_at: datetime = instant()
    version: int = record_version()


class CommitmentRow(SQLModel, table=True):
    __tablename__ = "commitments"
    __table_args__ = (
        Index("ix_commitments_org_created", "org_id", "created_at", "id"),
        Index("ix_commitments_org_pair_status", "org_id", "pair_id", "status"),
        Index("ix_commitments_org_owner_status", "org_id", "owner_id", "status"),
        Index("ix_commitments_org_due", "org_id", "due_on"),  # the metrics' due dates
    )
    id: UUID = Field(primary_key=True)
    org_id: UUID = org_fk()
    pair_id: UUID = fk("pairs.id")
    meeting_id: UUID | None = fk("meetings.id", nullable=True)
    owner_id: UUID = fk("people.id")
    title: str = string(200)
    due_on: date | None = Field(default=None, nullable=True)
    status: str = string(16)
    completed_at: datetime | None = instant(nullable=True)
    created_at: datetime = instant()
    updated_at: datetime = instant()
    version: int = record_version()


class TemplateRow(SQLModel, table=True):
    __tablename__ = "templates"
    __table_args__ = (
        UniqueConstraint("org_id", "name", name="uq_templates_org_name"),
        Index("ix_templates_org_created", "org_id", "created_at", "id"),
    )
    id: UUID = Field(primary_key=True)
    org_id: UUID = org_fk()
    name: str = string(200)
    description: str | None = string(2000, nullable=True)
    sections: list[dict[str, Any]] = Field(sa_type=JSON, nullable=False)
    is_default: bool = Field(nullable=False)
    created_at: datetime = instant()
    updated_at: datetime = instant()


class PolicyRow(SQLModel, table=True):
    __tablename__ = "policies"
    org_id: UUID = Field(
        primary_key=True, sa_column_args=[ForeignKey("organizations.id", ondelete="CASCADE")]
    )
    target_cadence_days: int = Field(nullable=False)
    max_cadence_days: int = Field(nullable=False)
    min_cadence_days: int = Field(nullable=False)
    default_duration_minutes: int = Field(nullable=False)
    min_duration_minutes: int = Field(nullable=False)
    max_duration_minutes: int = Field(nullable=False)
    grace_days: int = Field(nullable=False)
    late_cancel_hours: int = Field(nullable=False)
    auto_pairs: bool = Field(nullable=False)
    created_at: datetime = instant()
    updated_at: datetime = instant()
    require_if_match: bool = Field(nullable=False)
    version: int = record_version()


class GroupRow(SQLModel, table=True):
    __tablename__ = "groups"
    __table_args__ = (
        UniqueConstraint("org_id", "external_id", name="uq_groups_org_external_id"),
        Index("ix_groups_org_created", "org_id", "created_at", "id"),
        Index("ix_groups_org_name", "org_id", "display_name_key"),
    )
    id: UUID = Field(primary_key=True)
    org_id: UUID = org_fk()
    display_name: str = string(200)
    display_name_key: str = string(200)
    external_id: str | None = string(200, nullable=True)
    created_at: datetime = instant()
    updated_at: datetime = instant()


class GroupMemberRow(SQLModel, table=True):
    __tablename__ = "group_members"
    __table_args__ = (Index("ix_group_members_org_person", "org_id", "person_id"),)
    group_id: UUID = Field(
        primary_key=True, sa_column_args=[ForeignKey("groups.id", ondelete="CASCADE")]
    )
    person_id: UUID = Field(primary_key=True, sa_column_args=[ForeignKey("people.id")])
    org_id: UUID = org_fk()
    created_at: datetime = instant()


class RatingRow(SQLModel, table=True):
    __tablename__ = "ratings"
    __table_args__ = (
        UniqueConstraint("org_id", "meeting_id", "person_id", name="uq_ratings_org_meeting_person"),
    )
    id: UUID = Field(primary_key=True)
    org_id: UUID = org_fk()
    meeting_id: UUID = fk("meetings.id")
    person_id: UUID = fk("people.id")
    score: int = Field(nullable=False)
    comment: str | None = string(2000, nullable=True)
    created_at: datetime = instant()
    updated_at: datetime = instant()


# The credential and outbox tables share this metadata (imported here so that every user of
# the schema sees them).
from app.persistence import access_tables, event_tables  # noqa: E402

__all__ = ["access_tables", "event_tables", "metadata"]

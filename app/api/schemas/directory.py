"""Directory sync models: the rows in, the diff out."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from app.api.schemas.common import (
    Email,
    ExternalId,
    Flag,
    Input,
    Name,
    TimezoneName,
    sent,
)
from app.domain.directory import MAX_ROWS, Change, DirectoryRow
from app.domain.people import Role
from app.services.directory import DirectorySync


class DirectoryRowIn(Input):
    """One person; `timezone` and `role` left out keep their current values (UTC and member
    for new people). Without a manager field the person has no manager; a row names its
    manager by one of the two fields, not both."""

    model_config = ConfigDict(
        json_schema_extra={"not": sent("manager_external_id", "manager_email")}
    )

    external_id: ExternalId
    name: Name
    email: Email | None = None
    timezone: TimezoneName | None = None
    manager_external_id: ExternalId | None = None
    manager_email: Email | None = None
    role: Role | None = None

    def row(self) -> DirectoryRow:
        return DirectoryRow(**self.model_dump())


class DirectorySyncIn(Input):
    people: Annotated[
        list[DirectoryRowIn],
        Field(
            max_length=MAX_ROWS,
            description=f"The whole directory, in any order; at most {MAX_ROWS:,} people.",
        ),
    ]
    deactivate_missing: Flag = Field(
        False, description="Deactivate active people whose row is missing."
    )
    dry_run: Flag = Field(False, description="Answer the diff and write nothing.")


class PersonChangeOut(BaseModel):
    id: UUID
    external_id: str | None
    row: int | None = Field(
        description="The 0-based index of the person's row (none for"
        " people the directory left out)."
    )

    @classmethod
    def of(cls, change: Change) -> PersonChangeOut:
        return cls(id=change.person.id, external_id=change.person.external_id, row=change.row)


class UpdatedOut(PersonChangeOut):
    changed: list[str]


class MovedOut(PersonChangeOut):
    from_manager_id: UUID | None
    to_manager_id: UUID | None


class PeopleDiffOut(BaseModel):
    created: list[PersonChangeOut]
    updated: list[UpdatedOut]
    moved: list[MovedOut]
    deactivated: list[PersonChangeOut]
    reactivated: list[PersonChangeOut]


class PairStartedOut(BaseModel):
    id: UUID
    lead_id: UUID
    member_id: UUID


class PairEndedOut(PairStartedOut):
    reason: str


class PairsDiffOut(BaseModel):
    started: list[PairStartedOut]
    ended: list[PairEndedOut]


class DirectorySyncOut(BaseModel):
    """What changed; with `dry_run`, what would change (the ids of records a dry run would
    create are made for the answer and never stored: a real sync assigns others)."""

    dry_run: bool
    people: PeopleDiffOut
    pairs: PairsDiffOut

    @classmethod
    def of(cls, sync: DirectorySync) -> DirectorySyncOut:
        plan, pairs = sync.plan, sync.pairs
        return cls(
            dry_run=sync.dry_run,
            people=PeopleDiffOut(
                created=[PersonChangeOut.of(c) for c in plan.created],
                updated=[
                    UpdatedOut(**PersonChangeOut.of(c).model_dump(), changed=list(c.changed))
                    for c in plan.updated
                ],
                moved=[
                    MovedOut(
                        **PersonChangeOut.of(c).model_dump(),
                        from_manager_id=c.from_manager_id,
                        to_manager_id=c.person.manager_id,
                    )
                    for c in plan.moved
                ],
                deactivated=[PersonChangeOut.of(c) for c in plan.deactivated],
                reactivated=[PersonChangeOut.of(c) for c in plan.reactivated],
            ),
            pairs=PairsDiffOut(
                started=[
                    PairStartedOut(id=p.id, lead_id=p.lead_id, member_id=p.member_id)
                    for p in pairs.started
                ],
                ended=[
                    PairEndedOut(
                        id=e.pair.id,
                        lead_id=e.pair.lead_id,
                        member_id=e.pair.member_id,
                        reason=e.reason,
                    )
                    for e in pairs.ended
                ],
            ),
        )

"""Commitments of a pair (rule 6): owned by one of its two people."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any
from uuid import UUID

from app.domain.commitments import Commitment, CommitmentStatus
from app.domain.errors import StateConflict
from app.domain.paging import Page, PageRequest
from app.domain.pairs import PairStatus
from app.domain.queries import CommitmentFilter
from app.domain.versions import Expected, check_version
from app.services import versions, visible_records
from app.services.context import UseCase, new_id


async def create_commitment(
    uc: UseCase,
    *,
    pair_id: UUID,
    owner_id: UUID,
    title: str,
    meeting_id: UUID | None = None,
    due_on: date | None = None,
) -> Commitment:
    pair = await visible_records.referenced_content_pair(uc, pair_id, "pair_id")
    if pair.status is PairStatus.ENDED:
        raise StateConflict("This pair has ended; it takes no new commitments.", code="pair_ended")
    pair.check_participant(owner_id, "owner_id")
    if meeting_id is not None:
        meeting = await uc.uow.meetings.get(uc.org_id, meeting_id)
        if meeting is None or meeting.pair_id != pair.id:
            # Another pair's meeting answers like a missing one: nothing leaks to a person.
            raise visible_records.unknown_reference(
                "meeting_id", "meeting of this pair", meeting_id
            )
        meeting.check_accepts_records()
    commitment = Commitment(
        id=new_id(),
        org_id=uc.org_id,
        pair_id=pair.id,
        meeting_id=meeting_id,
        owner_id=owner_id,
        title=title,
        due_on=due_on,
        status=CommitmentStatus.OPEN,
        completed_at=None,
        created_at=uc.now,
        updated_at=uc.now,
    )
    await uc.uow.commitments.add(commitment)
    return commitment


async def update_commitment(
    uc: UseCase, commitment_id: UUID, changes: dict[str, Any], expected: Expected | None = None
) -> Commitment:
    commitment = await visible_records.commitment(uc, commitment_id)
    check_version("commitment", commitment.version, expected)
    await versions.require_given(uc, "commitment", expected)
    if "owner_id" in changes:
        pair = await visible_records.pair(uc, commitment.pair_id)
        pair.check_participant(changes["owner_id"], "owner_id")
        commitment.owner_id = changes["owner_id"]
    if "status" in changes:
        commitment.set_status(changes["status"], uc.now)
    if "title" in changes:
        commitment.title = changes["title"]
    if "due_on" in changes:
        commitment.due_on = changes["due_on"]
    commitment.updated_at = uc.now
    await versions.save(uc, uc.uow.commitments, commitment, "commitment", expected)
    return commitment


async def list_commitments(
    uc: UseCase, filters: CommitmentFilter, request: PageRequest
) -> Page[Commitment]:
    if uc.caller.person_id is not None:
        filters = replace(filters, participant_id=uc.caller.person_id)
    uc.returns_content()
    return await uc.uow.commitments.list_page(uc.org_id, filters, request)

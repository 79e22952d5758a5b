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
from app.services.context import ServiceContext, new_id


async def create_commitment(
    ctx: ServiceContext,
    *,
    pair_id: UUID,
    owner_id: UUID,
    title: str,
    meeting_id: UUID | None = None,
    due_on: date | None = None,
) -> Commitment:
    pair = await visible_records.referenced_content_pair(ctx, pair_id, "pair_id")
    if pair.status is PairStatus.ENDED:
        raise StateConflict("This pair has ended; it takes no new commitments.", code="pair_ended")
    pair.check_participant(owner_id, "owner_id")
    if meeting_id is not None:
        meeting = await ctx.uow.meetings.get(ctx.org_id, meeting_id)
        if meeting is None or meeting.pair_id != pair.id:
            # Another pair's meeting answers like a missing one: nothing leaks to a person.
            raise visible_records.unknown_reference(
                "meeting_id", "meeting of this pair", meeting_id
            )
        meeting.check_accepts_records()
    commitment = Commitment(
        id=new_id(),
        org_id=ctx.org_id,
        pair_id=pair.id,
        meeting_id=meeting_id,
        owner_id=owner_id,
        title=title,
        due_on=due_on,
        status=CommitmentStatus.OPEN,
        completed_at=None,
        created_at=ctx.now,
        updated_at=ctx.now,
    )
    await ctx.uow.commitments.add(commitment)
    return commitment


async def update_commitment(
    ctx: ServiceContext,
    commitment_id: UUID,
    changes: dict[str, Any],
    expected: Expected | None = None,
) -> Commitment:
    commitment = await visible_records.commitment(ctx, commitment_id)
    check_version("commitment", commitment.version, expected)
    await versions.require_given(ctx, "commitment", expected)
    if "owner_id" in changes:
        pair = await visible_records.pair(ctx, commitment.pair_id)
        pair.check_participant(changes["owner_id"], "owner_id")
        commitment.owner_id = changes["owner_id"]
    if "status" in changes:
        commitment.set_status(changes["status"], ctx.now)
    if "title" in changes:
        commitment.title = changes["title"]
    if "due_on" in changes:
        commitment.due_on = changes["due_on"]
    commitment.updated_at = ctx.now
    await versions.save(ctx, ctx.uow.commitments, commitment, "commitment", expected)
    return commitment


async def list_commitments(
    ctx: ServiceContext, filters: CommitmentFilter, request: PageRequest
) -> Page[Commitment]:
    if ctx.caller.person_id is not None:
        filters = replace(filters, participant_id=ctx.caller.person_id)
    ctx.returns_content()
    return await ctx.uow.commitments.list_page(ctx.org_id, filters, request)

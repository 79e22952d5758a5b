"""A meeting and its pair's open commitments in one statement
(`CommitmentStore.meeting_with_open_of_its_pair`, what one meeting by id reads on REST and
GraphQL): the same records as the meeting read by id and the open commitments read apart,
on both databases, and nothing of another organization."""

from __future__ import annotations

from uuid import UUID, uuid4

from sqlalchemy.ext.asyncio import AsyncEngine

from app.domain.commitments import Commitment
from app.domain.meetings import Meeting
from app.persistence.unit_of_work import unit_of_work
from tests.conftest import Live
from tests.support.tenants import World

Read = tuple[Meeting, list[Commitment]] | None


async def _read_both_ways(engine: AsyncEngine, org_id: UUID, meeting_id: UUID) -> tuple[Read, Read]:
    """In one statement, then as the meeting by id and its pair's open commitments."""
    async with unit_of_work(engine, write=False) as uow:
        await uow.enter_organization(org_id)
        together = await uow.commitments.meeting_with_open_of_its_pair(org_id, meeting_id)
        meeting = await uow.meetings.get(org_id, meeting_id)
        if meeting is None:
            return together, None
        return together, (meeting, await uow.commitments.open_of_pairs(org_id, [meeting.pair_id]))


def test_one_statement_reads_what_the_two_reads_do(live: Live, world: World) -> None:
    tenant, pair_id, owner_id = world.tenant, world.pair["id"], world.member["id"]
    made = [
        tenant.create("/v1/commitments", {"pair_id": pair_id, "owner_id": owner_id, "title": t})
        for t in ("Book the room", "Send the notes", "Done already")
    ]
    done = made[-1]
    closed = tenant.call("PATCH", f"/v1/commitments/{done['id']}", json={"status": "done"})
    assert closed.status_code == 200, closed.text

    for meeting in (world.meeting, world.held, world.due):
        together, apart = live.portal.call(
            _read_both_ways, live.engine, tenant.org_id, UUID(meeting["id"])
        )
        assert together is not None and together == apart
        titles = [commitment.title for commitment in together[1]]
        assert titles == ["Draft the proposal", "Book the room", "Send the notes"], titles


def test_no_meeting_of_the_organization_reads_nothing(live: Live, world: World) -> None:
    meeting_id = UUID(world.meeting["id"])
    unknown = live.portal.call(_read_both_ways, live.engine, world.tenant.org_id, uuid4())
    elsewhere = live.portal.call(_read_both_ways, live.engine, uuid4(), meeting_id)
    assert unknown == (None, None) and elsewhere == (None, None)

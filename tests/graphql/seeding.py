"""Many pairs with meetings and content, written through the services in one transaction
(the HTTP API would take hundreds of calls)."""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncEngine

from app.domain.notes import NoteVisibility
from app.domain.pairs import PairKind
from app.persistence.unit_of_work import unit_of_work
from app.services import agenda, commitments, meetings, notes, pairs, people
from app.services.context import Caller, ServiceContext
from tests.support.tenants import Tenant, World

MEETINGS_PER_PAIR = 6


async def _seed(engine: AsyncEngine, org_id: UUID, pair_count: int, now: datetime) -> None:
    async with unit_of_work(engine, write=True) as uow:
        await uow.enter_organization(org_id)
        ctx = ServiceContext(uow, Caller(org_id=org_id), now)
        lead = await people.create_person(
            ctx, email=f"lead-{org_id}@example.com", name="Lead", timezone="UTC"
        )
        for index in range(pair_count):
            member = await people.create_person(
                ctx, email=f"m{index}-{org_id}@example.com", name=f"Member {index}", timezone="UTC"
            )
            pair = await pairs.create_pair(
                ctx, lead_id=lead.id, member_id=member.id, kind=PairKind.MENTORSHIP
            )
            for number in range(MEETINGS_PER_PAIR):
                starts_at = now + timedelta(days=1 + number, hours=index % 20, minutes=index)
                meeting = await meetings.schedule_meeting(
                    ctx, pair_id=pair.id, starts_at=starts_at, duration_minutes=15
                )
                await agenda.add_item(ctx, meeting.id, author_id=member.id, title=f"Topic {number}")
                await notes.add_note(
                    ctx,
                    meeting.id,
                    author_id=lead.id,
                    body=f"Note {number}",
                    visibility=NoteVisibility.SHARED,
                )
            await commitments.create_commitment(
                ctx, pair_id=pair.id, owner_id=member.id, title="Follow up"
            )


def seed_pairs(tenant: Tenant, pair_count: int) -> None:
    """`pair_count` pairs sharing one lead, each with six meetings (an agenda item and a
    shared note on each) and an open commitment."""
    tenant.portal.call(_seed, tenant.engine, tenant.org_id, pair_count, tenant.clock())


def private_note(world: World, token: str, body: str) -> str:
    """A private note on the world's meeting, written by the person of `token`."""
    response = world.tenant.call(
        "POST",
        f"/v1/meetings/{world.meeting['id']}/notes",
        key=token,
        json={"body": body, "visibility": "private"},
    )
    assert response.status_code == 201, response.text
    note_id: str = response.json()["id"]
    return note_id

"""The compare-and-set under If-Match: a write made from a read that another writer has
since overtaken finds the row at another version, writes nothing and is refused with the
current version; without an expected version it writes, one version above the current."""

from __future__ import annotations

from uuid import UUID

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from app.domain.access import Scope
from app.domain.clock import system_clock
from app.domain.notes import Note
from app.domain.people import Person
from app.domain.privacy import Caller
from app.domain.versions import Expected, PreconditionFailed
from app.persistence.unit_of_work import unit_of_work
from app.services import versions
from app.services.context import ServiceContext
from tests.conftest import Live
from tests.support.tenants import World

ADMIN = frozenset({Scope.ADMIN})


async def _person(engine: AsyncEngine, org_id: UUID, person_id: UUID) -> Person:
    async with unit_of_work(engine, write=False) as uow:
        found = await uow.people.get(org_id, person_id)
    assert found is not None
    return found


async def _save_stale(engine: AsyncEngine, stale: Person, expected: Expected | None) -> int:
    """Save the stale read; the version it is at afterwards, or the current one if refused."""
    async with unit_of_work(engine, write=True) as uow:
        ctx = ServiceContext(uow, Caller(org_id=stale.org_id, scopes=ADMIN), system_clock())
        try:
            await versions.save(ctx, uow.people, stale, "person", expected)
        except PreconditionFailed as refused:
            current: int = refused.extra["current_version"]
            return current
    return stale.version


async def _note(engine: AsyncEngine, org_id: UUID, note_id: UUID) -> Note | None:
    async with unit_of_work(engine, write=False) as uow:
        return await uow.notes.get(org_id, note_id)


async def _delete_stale(engine: AsyncEngine, stale: Note) -> int:
    async with unit_of_work(engine, write=True) as uow:
        ctx = ServiceContext(uow, Caller(org_id=stale.org_id, scopes=ADMIN), system_clock())
        with pytest.raises(PreconditionFailed) as refused:
            await versions.delete(ctx, uow.notes, stale, "note", Expected.exactly(stale.version))
    current: int = refused.value.extra["current_version"]
    return current


def test_a_write_over_an_overtaken_read_is_refused(live: Live, world: World) -> None:
    tenant, org_id = world.tenant, world.tenant.org_id
    person_id = UUID(world.member["id"])
    stale = live.portal.call(_person, live.engine, org_id, person_id)
    path = f"/v1/people/{person_id}"
    overtaking = tenant.call("PATCH", path, json={"name": "Overtaking"})
    assert overtaking.status_code == 200, overtaking.text
    current = int(overtaking.headers["ETag"].strip('"'))
    assert current == stale.version + 1

    stale.name = "Stale"
    refused_at = live.portal.call(_save_stale, live.engine, stale, Expected.exactly(stale.version))
    assert refused_at == current
    assert tenant.call("GET", path).json()["name"] == "Overtaking"

    written_at = live.portal.call(_save_stale, live.engine, stale, None)
    assert written_at == current + 1
    after = tenant.call("GET", path)
    assert (after.json()["name"], after.headers["ETag"]) == ("Stale", f'"{current + 1}"')


def test_a_delete_over_an_overtaken_read_is_refused(live: Live, world: World) -> None:
    tenant, org_id = world.tenant, world.tenant.org_id
    note_id = UUID(world.note["id"])
    stale = live.portal.call(_note, live.engine, org_id, note_id)
    assert stale is not None
    edited = tenant.call("PATCH", f"/v1/notes/{note_id}", json={"body": "Edited meanwhile."})
    assert edited.status_code == 200, edited.text
    assert live.portal.call(_delete_stale, live.engine, stale) == stale.version + 1
    assert live.portal.call(_note, live.engine, org_id, note_id) is not None

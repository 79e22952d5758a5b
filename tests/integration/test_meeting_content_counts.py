"""The database's triggers keep each meeting's content counts (revision 0014) equal to a
recount of its agenda items and ratings through any sequence of inserts, edits (kind,
author, score), moves between meetings of different pairs and deletions, on both engines."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, insert, update

from app.domain.agenda import AgendaItemKind
from tests.conftest import Live
from tests.support.histories import NOW
from tests.support.meeting_counts import ITEMS, RATINGS, stored_and_recounted

DAY = timedelta(days=1)
KINDS = [AgendaItemKind.STATUS_UPDATE.value, AgendaItemKind.WIN.value]


@dataclass(frozen=True, slots=True)
class World:
    org_id: UUID
    people: list[str]  # two pairs' leads and members, and one outsider
    meetings: list[str]  # two of each pair


@pytest.fixture(scope="module")
def world(live: Live) -> World:
    tenant = live.tenant()
    live.clock.pinned = NOW
    pairs = [tenant.pair(), tenant.pair()]
    meetings = [tenant.meeting(p["id"], days * DAY)["id"] for p in pairs for days in (1, 8)]
    people = [p[role] for p in pairs for role in ("lead_id", "member_id")]
    return World(tenant.org_id, [*people, tenant.person()["id"]], meetings)


# An operation on the n-th live item or rating (modulo how many there are).
operations = st.lists(
    st.one_of(
        st.tuples(
            st.just("add_item"), st.integers(0, 3), st.integers(0, 4), st.sampled_from(KINDS)
        ),
        st.tuples(st.just("item_kind"), st.integers(0, 50), st.sampled_from(KINDS)),
        st.tuples(st.just("item_author"), st.integers(0, 50), st.integers(0, 4)),
        st.tuples(st.just("move_item"), st.integers(0, 50), st.integers(0, 3)),
        st.tuples(st.just("delete_item"), st.integers(0, 50)),
        st.tuples(st.just("rate"), st.integers(0, 3), st.integers(0, 4), st.integers(1, 5)),
        st.tuples(st.just("rescore"), st.integers(0, 50), st.integers(1, 5)),
        st.tuples(st.just("delete_rating"), st.integers(0, 50)),
    ),
    max_size=25,
)


def _statement(
    world: World, operation: tuple[Any, ...], items: list[UUID], ratings: list[UUID]
) -> Any:
    """The statement of one operation, updating the lists of live ids (None: nothing to do)."""
    name, *args = operation
    people, meetings = world.people, world.meetings
    if name == "add_item":
        meeting, author, kind = args
        items.append(uuid4())
        return insert(ITEMS).values(
            id=items[-1], org_id=world.org_id, meeting_id=UUID(meetings[meeting]),
            author_id=UUID(people[author]), title="Topic", details=None, kind=kind, position=0,
            state="open", carried_from_id=None, created_at=NOW, updated_at=NOW, version=1,
        )  # fmt: skip
    if name == "rate":
        meeting, person, score = args
        ratings.append(uuid4())
        return insert(RATINGS).values(
            id=ratings[-1], org_id=world.org_id, meeting_id=UUID(meetings[meeting]),
            person_id=UUID(people[person]), score=score, comment=None, created_at=NOW,
            updated_at=NOW,
        )  # fmt: skip
    table, live = (ITEMS, items) if "item" in name else (RATINGS, ratings)
    if not live:
        return None
    chosen = live[args[0] % len(live)]
    column = {"item_kind": "kind", "item_author": "author_id", "move_item": "meeting_id"}
    if name in ("item_kind", "rescore"):
        value: object = args[1]
    elif name in column:
        value = UUID((people if name == "item_author" else meetings)[args[1]])
    if name in (*column, "rescore"):
        changed = column.get(name, "score")
        return update(table).where(table.c.id == chosen).values({changed: value})
    live.remove(chosen)
    return delete(table).where(table.c.id == chosen)


@given(steps=operations)
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_counts_equal_a_recount_after_any_writes(
    live: Live, world: World, steps: list[Any]
) -> None:
    async def run() -> None:
        async with live.engine.connect() as connection:
            transaction = await connection.begin()
            items: list[UUID] = []
            ratings: list[UUID] = []
            rated: set[tuple[int, int]] = set()
            for step in steps:
                if step[0] == "rate" and (step[1], step[2]) in rated:
                    continue  # one rating per person and meeting
                if step[0] == "rate":
                    rated.add((step[1], step[2]))
                statement = _statement(world, step, items, ratings)
                if statement is not None:
                    await connection.execute(statement)
            stored, recounted = await stored_and_recounted(connection, world.org_id)
            await transaction.rollback()
        assert stored == recounted

    live.portal.call(run)

"""Each pair's cadence state as last announced and the next instant time may change it
(app.services.cadence_watch)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from sqlalchemy import bindparam, insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncConnection

from app.persistence.event_tables import PairWatchRow
from app.persistence.repositories.base import batches

WATCHES = PairWatchRow.__table__  # type: ignore[attr-defined]


@dataclass(slots=True)
class PairWatch:
    pair_id: UUID
    org_id: UUID
    cadence_state: str  # a CadenceState, or "unknown" for a pair not looked at yet
    check_at: datetime | None
    unrecorded_until: datetime


class PairWatchRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self.connection = connection

    async def of_pairs(self, org_id: UUID, pair_ids: Sequence[UUID]) -> dict[UUID, PairWatch]:
        """The watches of these pairs, locked until the transaction ends (a change and the
        scheduler settling one pair at once would both announce what changed)."""
        found: dict[UUID, PairWatch] = {}
        c = WATCHES.c
        for batch in batches(sorted(set(pair_ids), key=str)):
            rows = await self.connection.execute(
                select(WATCHES)
                .where(c.org_id == org_id, c.pair_id.in_(batch))
                .order_by(c.pair_id)
                .with_for_update()
            )
            for row in rows.mappings():
                found[row["pair_id"]] = PairWatch(
                    row["pair_id"],
                    row["org_id"],
                    row["cadence_state"],
                    row["check_at"],
                    row["unrecorded_until"],
                )
        return found

    async def write(self, added: Sequence[PairWatch], changed: Sequence[PairWatch]) -> None:
        def values(watch: PairWatch) -> dict[str, object]:
            return {
                "pair_id": watch.pair_id,
                "org_id": watch.org_id,
                "cadence_state": watch.cadence_state,
                "check_at": watch.check_at,
                "unrecorded_until": watch.unrecorded_until,
            }

        if added:
            await self.connection.execute(insert(WATCHES), [values(w) for w in added])
        if changed:
            c = WATCHES.c
            statement = (
                update(WATCHES)
                .where(c.org_id == bindparam("key_org"), c.pair_id == bindparam("key_pair"))
                .values(
                    cadence_state=bindparam("new_state"),
                    check_at=bindparam("new_check_at", type_=c.check_at.type),
                    unrecorded_until=bindparam("new_until", type_=c.unrecorded_until.type),
                )
            )
            await self.connection.execute(
                statement,
                [
                    {
                        "key_org": w.org_id,
                        "key_pair": w.pair_id,
                        "new_state": w.cadence_state,
                        "new_check_at": w.check_at,
                        "new_until": w.unrecorded_until,
                    }
                    for w in changed
                ],
            )

    async def due(self, now: datetime, most: int) -> list[tuple[UUID, UUID]]:
        """(organization, pair) of the watches whose instant has passed, across
        organizations (through rapport_due_pair_watches on PostgreSQL, revision 0009)."""
        if self.connection.dialect.name == "postgresql":
            rows = await self.connection.execute(
                text("SELECT org_id, pair_id FROM rapport_due_pair_watches(:at, :most)"),
                {"at": now, "most": most},
            )
        else:
            c = WATCHES.c
            rows = await self.connection.execute(
                select(c.org_id, c.pair_id)
                .where(c.check_at <= now)
                .order_by(c.check_at)
                .limit(most)
            )
        return [(row.org_id, row.pair_id) for row in rows]

    async def check_all_of(self, org_id: UUID, now: datetime) -> None:
        """Every pair of the organization is checked again soon (its policy changed)."""
        c = WATCHES.c
        await self.connection.execute(
            update(WATCHES).where(c.org_id == org_id).values(check_at=now)
        )

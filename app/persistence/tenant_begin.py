"""Entering an organization at no extra round trip (PostgreSQL).

Row-level security reads the organization from `rapport.org_id`, set for the transaction
only (`SET LOCAL`, or `set_config(..., true)`), so that no later transaction on the pooled
connection can inherit it. A request usually knows its organization before its first
statement (a cached service key): the setting then travels with the transaction's BEGIN, in
the same simple query (`BEGIN; SET LOCAL rapport.org_id = '...'`), instead of as a
statement of its own — one round trip fewer per request, with the same transaction-local
setting. SET LOCAL, a utility statement, costs the server less than the SELECT of
`set_config` would: nothing to plan, no row to send (benchmarks/README.md).

The driver begins a transaction lazily, at its first statement; `OrganizationConnection`
is the asyncpg connection class of the engine, and prefixes that BEGIN. What it holds for
the next BEGIN is forgotten when the connection goes back to the pool (`forget_on_checkin`),
so a transaction that never sent a statement leaves nothing to the next one.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

import asyncpg
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.pool import ConnectionPoolEntry

from app.persistence.statements import GuardedConnection


class OrganizationConnection(asyncpg.Connection):  # type: ignore[misc]
    """An asyncpg connection whose next BEGIN may also enter an organization."""

    __slots__ = ("_organization_at_begin",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._organization_at_begin: UUID | None = None

    def enter_at_begin(self, org_id: UUID | None) -> None:
        """The organization the next BEGIN enters (None: none)."""
        self._organization_at_begin = org_id

    # asyncpg's own signature, `timeout` included.
    async def execute(self, query: str, *args: Any, timeout: float | None = None) -> str:  # noqa: ASYNC109
        org_id = self._organization_at_begin
        if org_id is not None and not args and query.startswith("BEGIN"):
            self._organization_at_begin = None
            # A UUID's canonical text is hex digits and dashes: nothing to quote in the
            # literal (parsed again, so that nothing else can reach it).
            literal = str(UUID(str(org_id)))
            query = f"{query} SET LOCAL rapport.org_id = '{literal}';"
        result: str = await super().execute(query, *args, timeout=timeout)
        return result


async def enter_at_begin(connection: GuardedConnection, org_id: UUID) -> bool:
    """Have the transaction's BEGIN, not sent yet, enter the organization; False when the
    transaction has begun already (or the driver's connection cannot), so the caller sets
    it with a statement."""
    raw = await connection.get_raw_connection()
    driver = raw.driver_connection
    if not isinstance(driver, OrganizationConnection) or driver.is_in_transaction():
        return False
    driver.enter_at_begin(org_id)
    return True


def forget_on_checkin(engine: AsyncEngine) -> None:
    """A connection back in the pool holds no organization for its next BEGIN."""

    @event.listens_for(engine.sync_engine, "checkin")
    def _forget(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
        driver = getattr(dbapi_connection, "driver_connection", None)
        if isinstance(driver, OrganizationConnection):
            driver.enter_at_begin(None)

"""Every row of an organization, read from the database as its owner (past row-level
security) in one snapshot: what a test compares to hold that a request changed nothing.
It covers every table, including what no endpoint lists (events, idempotency keys, audit),
and costs one connection's reads instead of a request per list."""

from __future__ import annotations

import time
from typing import Any
from uuid import UUID

from fastapi import FastAPI
from sqlalchemy import Table, select
from sqlalchemy.ext.asyncio import AsyncEngine

from app.persistence.tables import metadata
from tests.support.live import read_audit_written
from tests.support.tenants import World

Rows = dict[str, list[tuple[Any, ...]]]


def _of_organization(table: Table, org_id: UUID) -> Any:
    """The table's rows that belong to the organization (a table of no organization: all)."""
    query = select(table).order_by(*table.primary_key.columns)
    if "org_id" in table.c:
        return query.where(table.c.org_id == org_id)
    if table.name == "organizations":
        return query.where(table.c.id == org_id)
    return query


async def _rows(engine: AsyncEngine, org_id: UUID) -> Rows:
    """Every table read in one snapshot of the database (the delivery worker may record an
    attempt between two tables' reads otherwise); SQLite's reads are one snapshot anyway."""
    async with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            await connection.execution_options(isolation_level="REPEATABLE READ")
        return {
            table.name: list(map(tuple, await connection.execute(_of_organization(table, org_id))))
            for table in metadata.sorted_tables
        }


def organization_rows(world: World) -> Rows:
    """Every row of every table that the world's organization could have changed."""
    tenant = world.tenant
    rows: Rows = tenant.portal.call(_rows, tenant.engine, tenant.org_id)
    return rows


def settled_organization_rows(world: World, app: FastAPI) -> Rows:
    """The rows once what the served app writes in the background has been written: the
    read audit records it buffered, and the worker's attempt of the world's webhook delivery
    (to a port nobody listens on), made just after the world is built, with none of its
    deliveries leased; the retry never comes due while the world's clock stands still, and
    the deliveries queued behind it wait for it."""
    deadline = time.monotonic() + 30
    while True:
        read_audit_written(app)
        rows = organization_rows(world)
        if _settled(rows) or time.monotonic() > deadline:
            return rows
        time.sleep(0.05)


def _settled(rows: Rows) -> bool:
    leased = list(metadata.tables["webhook_deliveries"].c.keys()).index("leased_until")
    return bool(rows["webhook_attempts"]) and all(
        row[leased] is None for row in rows["webhook_deliveries"]
    )


def without_background_writes(rows: Rows) -> Rows:
    """The rows a request could change, less what the app writes in the background
    whenever it likes: the delivery worker's attempts and its deliveries' state, leases and
    retry times (deliveries are compared by id, so a request that queued one still shows),
    and the read audit records of earlier content reads (a GET's, flushed about a second
    later; a change's audit record is written in its own transaction and stays)."""
    kept = {name: table for name, table in rows.items() if name != "webhook_attempts"}
    kept["webhook_deliveries"] = [row[:1] for row in rows["webhook_deliveries"]]
    method = list(metadata.tables["audit_events"].c.keys()).index("method")
    kept["audit_events"] = [row for row in rows["audit_events"] if row[method] != "GET"]
    return kept

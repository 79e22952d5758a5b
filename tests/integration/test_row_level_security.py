"""Defence in depth on PostgreSQL: as the app's role, a query that forgets its organization
filter still sees nothing of another organization, in every tenant table (every table of
the models with an `org_id`, so a new one cannot be forgotten)."""

from __future__ import annotations

import asyncio
import hashlib
import time
from typing import Any

import asyncpg
import pytest

from app.domain.access import Scope
from app.persistence.tables import metadata
from tests.conftest import Live
from tests.support.credentials import caller_of
from tests.support.identity_provider import Issuer, enable_oidc
from tests.support.postgres import as_app_role
from tests.support.tenants import Tenant, World, build_world

TENANT_TABLES = sorted(name for name, table in metadata.tables.items() if "org_id" in table.c)


async def _as_app(url: str, org: str | None, sql: str, *args: Any) -> list[asyncpg.Record]:
    connection = await asyncpg.connect(as_app_role(url))
    try:
        async with connection.transaction():
            if org is not None:
                await connection.execute("SELECT set_config('rapport.org_id', $1, true)", org)
            return list(await connection.fetch(sql, *args))
    finally:
        await connection.close()


async def _as_owner(url: str, sql: str) -> list[asyncpg.Record]:
    connection = await asyncpg.connect(url)
    try:
        return list(await connection.fetch(sql))
    finally:
        await connection.close()


def test_every_tenant_table_has_an_organization_policy(live: Live) -> None:
    if live.dialect != "postgresql":
        pytest.skip("row-level security is PostgreSQL's; SQLite relies on the app's scoping")
    assert {"people", "notes", "commitments", "ratings", "audit_events"} <= set(TENANT_TABLES)
    rows = asyncio.run(
        _as_owner(
            live.database_url,
            "SELECT c.relname AS name, c.relrowsecurity AS enabled, p.qual, p.with_check"
            " FROM pg_class c LEFT JOIN pg_policies p"
            " ON p.tablename = c.relname AND p.schemaname = 'public'"
            " WHERE c.relkind = 'r' AND c.relnamespace = 'public'::regnamespace",
        )
    )
    policies = {row["name"]: row for row in rows}
    for table in (*TENANT_TABLES, "organizations"):
        row = policies[table]
        column = "id" if table == "organizations" else "org_id"
        assert row["enabled"], f"{table} has no row-level security"
        assert row["qual"] == row["with_check"] == f"({column} = rapport_org())", table


def _fill(tenant: Tenant, world: World, issuer: Issuer) -> None:
    """A row of the tenant in every tenant table (the world has most of them)."""
    rated = tenant.call(
        "POST",
        f"/v1/meetings/{world.held['id']}/ratings",
        json={"person_id": world.member["id"], "score": 4},
    )
    assert rated.status_code == 201, rated.text
    kept = {"name": "Kept", "email": f"kept-{tenant.org_id}@example.com"}
    retried = tenant.call("POST", "/v1/people", json=kept, headers={"Idempotency-Key": "rls"})
    assert retried.status_code == 201, retried.text
    audience = enable_oidc(tenant, issuer)
    signed_in = caller_of(tenant, issuer.id_token(audience, email=world.lead["email"]))
    assert signed_in[0] == 200, signed_in
    budgets = {"per_key": "1000/second", "per_organization": None}
    assert tenant.call("PUT", "/v1/rate-limits", json=budgets).status_code == 200
    minted = tenant.call("POST", f"/v1/people/{world.member['id']}/calendar-token")
    assert minted.status_code == 200, minted.text
    group = {"displayName": "Ops", "members": [{"value": world.member["id"]}]}
    scim = tenant.call(
        "POST",
        "/scim/v2/Groups",
        key=tenant.key(Scope.SCIM),
        json=group,
        headers={"Content-Type": "application/scim+json"},
    )
    assert scim.status_code == 201, scim.text


def _organizations_by_table(url: str) -> dict[str, set[str]]:
    """As the owner (no policy applies): which organizations have rows in each table."""
    sql = " UNION ALL ".join(
        f"SELECT DISTINCT '{table}' AS name, org_id::text AS org FROM {table}"
        for table in TENANT_TABLES
    )
    found: dict[str, set[str]] = {table: set() for table in TENANT_TABLES}
    for row in asyncio.run(_as_owner(url, sql)):
        found[row["name"]].add(row["org"])
    return found


def _until_every_table_has_rows_of(url: str, orgs: set[str]) -> None:
    """Webhook attempts are written by the delivery worker, shortly after the change."""
    deadline = time.monotonic() + 30
    while True:
        empty = sorted(t for t, seen in _organizations_by_table(url).items() if orgs - seen)
        if not empty or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert not empty, f"no rows of both organizations to check in: {empty}"


def test_unfiltered_queries_stay_inside_the_organization(live: Live, issuer: Issuer) -> None:
    if live.dialect != "postgresql":
        pytest.skip("row-level security is PostgreSQL's; SQLite relies on the app's scoping")
    tenants = [live.tenant(), live.tenant()]
    worlds = [build_world(tenant, live.clock) for tenant in tenants]
    live.clock.pinned = None  # ID tokens are checked against the service's clock
    for tenant, world in zip(tenants, worlds, strict=True):
        _fill(tenant, world, issuer)
    first, second = (str(tenant.org_id) for tenant in tenants)
    # Each world's webhook delivery came due at its world's instant: the clock stands at the
    # later one while the worker attempts them (before that, they are not due yet).
    live.clock.pinned = worlds[-1].pinned_at
    _until_every_table_has_rows_of(live.database_url, {first, second})
    for table in TENANT_TABLES:
        sql = f"SELECT DISTINCT org_id::text AS org FROM {table}"  # no organization filter
        seen = asyncio.run(_as_app(live.database_url, first, sql))
        assert {row["org"] for row in seen} == {first}, table
        assert asyncio.run(_as_app(live.database_url, None, sql)) == [], table
    organizations = "SELECT id::text AS org FROM organizations"
    seen = asyncio.run(_as_app(live.database_url, first, organizations))
    assert [row["org"] for row in seen] == [first]


def test_writes_into_another_organization_touch_nothing(live: Live) -> None:
    if live.dialect != "postgresql":
        pytest.skip("row-level security is PostgreSQL's")
    mine, theirs = live.tenant(), live.tenant()
    person = theirs.person()
    mine.person()
    updated = asyncio.run(
        _as_app(
            live.database_url,
            str(mine.org_id),
            "UPDATE people SET name = 'hijacked' WHERE id = $1::uuid RETURNING id",
            person["id"],
        )
    )
    assert updated == []
    with pytest.raises(asyncpg.InsufficientPrivilegeError):  # WITH CHECK refuses the row
        asyncio.run(
            _as_app(
                live.database_url,
                str(mine.org_id),
                "UPDATE people SET org_id = $1::uuid WHERE org_id = $2::uuid",
                str(theirs.org_id),
                str(mine.org_id),
            )
        )
    assert theirs.call("GET", f"/v1/people/{person['id']}").json()["name"] != "hijacked"


def test_a_calendar_token_is_found_past_row_level_security_and_enters_its_organization(
    live: Live,
) -> None:
    """The feed's request knows no organization: as the app's role, the lookup function
    finds the token and enters its organization; nothing else of it is visible before."""
    if live.dialect != "postgresql":
        pytest.skip("row-level security is PostgreSQL's")
    tenant = live.tenant()
    person = tenant.person()
    minted = tenant.call("POST", f"/v1/people/{person['id']}/calendar-token").json()
    digest = hashlib.sha256(minted["token"].encode()).hexdigest()
    unscoped = "SELECT count(*) AS n FROM calendar_tokens"
    assert asyncio.run(_as_app(live.database_url, None, unscoped))[0]["n"] == 0
    found = asyncio.run(
        _as_app(
            live.database_url,
            None,
            "SELECT person_id::text AS person, current_setting('rapport.org_id') AS org"
            " FROM rapport_calendar_token($1)",
            digest,
        )
    )
    assert [(row["person"], row["org"]) for row in found] == [(person["id"], str(tenant.org_id))]

"""Defence in depth on PostgreSQL: as the app's role, a query that forgets its organization
filter still sees nothing of another organization."""

from __future__ import annotations

import asyncio
import hashlib
from datetime import timedelta
from typing import Any

import asyncpg
import pytest

from tests.conftest import Live
from tests.support.credentials import caller_of
from tests.support.identity_provider import Issuer, enable_oidc
from tests.support.postgres import as_app_role

TABLES = (
    "people",
    "pairs",
    "meetings",
    "meeting_events",
    "agenda_items",
    "templates",
    "policies",
    "service_keys",
    "sign_in_settings",
    "sign_in_bindings",
    "rate_limit_settings",
    "calendar_tokens",
    "idempotency_keys",
)


async def _as_app(url: str, org: str | None, sql: str, *args: Any) -> list[asyncpg.Record]:
    connection = await asyncpg.connect(as_app_role(url))
    try:
        async with connection.transaction():
            if org is not None:
                await connection.execute("SELECT set_config('rapport.org_id', $1, true)", org)
            return list(await connection.fetch(sql, *args))
    finally:
        await connection.close()


def test_unfiltered_queries_stay_inside_the_organization(live: Live, issuer: Issuer) -> None:
    if live.dialect != "postgresql":
        pytest.skip("row-level security is PostgreSQL's; SQLite relies on the app's scoping")
    live.clock.pinned = None  # ID tokens are checked against the service's clock
    tenants = [live.tenant(), live.tenant()]
    for tenant in tenants:
        pair = tenant.pair()
        meeting = tenant.meeting(pair["id"], timedelta(days=2))
        tenant.create(
            f"/v1/meetings/{meeting['id']}/agenda-items",
            {"author_id": pair["lead_id"], "title": "Topic"},
        )
        person = tenant.person()
        kept = {"name": "Kept", "email": f"kept-{tenant.org_id}@example.com"}
        retried = tenant.call("POST", "/v1/people", json=kept, headers={"Idempotency-Key": "rls"})
        assert retried.status_code == 201, retried.text
        audience = enable_oidc(tenant, issuer)
        signed_in = caller_of(tenant, issuer.id_token(audience, email=person["email"]))
        assert signed_in[0] == 200, signed_in
        budgets = {"per_key": "1000/second", "per_organization": None}
        assert tenant.call("PUT", "/v1/rate-limits", json=budgets).status_code == 200
        minted = tenant.call("POST", f"/v1/people/{person['id']}/calendar-token")
        assert minted.status_code == 200, minted.text
    first = str(tenants[0].org_id)
    for table in TABLES:
        sql = f"SELECT DISTINCT org_id::text AS org FROM {table}"  # no organization filter
        seen = asyncio.run(_as_app(live.database_url, first, sql))
        assert {row["org"] for row in seen} == {first}, table
        assert asyncio.run(_as_app(live.database_url, None, sql)) == [], table


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

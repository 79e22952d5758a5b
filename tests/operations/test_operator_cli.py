"""`rapport orgs list`, `rapport keys list|revoke` in a subprocess against each database."""

from __future__ import annotations

from uuid import uuid4

import httpx

from tests.conftest import Live
from tests.support.commands import environment, rapport, refused
from tests.support.postgres import as_app_role
from tests.support.tenants import Tenant


def _table(output: str) -> list[list[str]]:
    return [line.split("\t") for line in output.splitlines()]


def test_orgs_list_names_every_organization_oldest_first(live: Live) -> None:
    env = environment(live.database_url)
    first = rapport(env, "orgs", "create", f"Acme {uuid4().hex[:6]}").strip()
    second = rapport(env, "orgs", "create", "Tab\tand\nbreak").strip()

    header, *rows = _table(rapport(env, "orgs", "list"))

    assert header == ["id", "name", "created"]
    ids = [row[0] for row in rows]
    assert ids.index(first) < ids.index(second)
    assert rows[ids.index(second)][1] == "Tab and break"


def test_keys_list_shows_keys_without_secrets_and_revoke_stops_a_key(live: Live) -> None:
    env = environment(live.database_url)
    org = rapport(env, "orgs", "create", "Keys Inc").strip()
    kept = rapport(env, "keys", "create", "--org", org, "--scope", "admin", "--name", "ci")
    doomed = rapport(
        env, "keys", "create", "--org", org, "--scope", "people:read", "--scope", "pairs:read"
    ).strip()

    listing = rapport(env, "keys", "list", "--org", org)
    header, *rows = _table(listing)
    assert header == ["id", "name", "scopes", "created", "revoked"]
    assert [(row[1], row[2], row[4]) for row in rows] == [
        ("ci", "admin", "-"),
        ("cli", "pairs:read,people:read", "-"),
    ]
    assert kept.strip() not in listing and doomed not in listing
    assert doomed[12:20] not in listing, "no part of a secret is listed"

    done = rapport(env, "keys", "revoke", rows[1][0])
    assert done == ""  # the confirmation goes to stderr; stdout stays for scripts

    _, still, gone = _table(rapport(env, "keys", "list", "--org", org))
    assert still[4] == "-" and gone[4] != "-"
    answer = httpx.get(f"{live.base_url}/v1/people", headers={"Authorization": f"Bearer {doomed}"})
    assert answer.status_code == 401


def test_refusals_are_one_line_with_a_nonzero_code(live: Live) -> None:
    env = environment(live.database_url)
    nobody = str(uuid4())
    for args, reason in (
        (("keys", "list", "--org", nobody), f"no organization has the id {nobody}"),
        (("keys", "revoke", nobody), f"no active service key has the id {nobody}"),
    ):
        done = refused(env, *args)
        assert done.returncode == 2
        assert done.stderr == f"rapport: {reason}\n"

    org = rapport(env, "orgs", "create", "Twice").strip()
    secret = rapport(env, "keys", "create", "--org", org, "--scope", "admin").strip()
    key_id = _table(rapport(env, "keys", "list", "--org", org))[1][0]
    rapport(env, "keys", "revoke", key_id)
    assert "no active service key" in refused(env, "keys", "revoke", key_id).stderr
    assert secret


def test_commands_across_organizations_refuse_the_app_role(live: Live) -> None:
    """Row-level security confines the app's role to one organization: listing every
    organization as that role would silently list none."""
    if live.dialect != "postgresql":
        return
    env = environment(as_app_role(live.database_url))
    done = refused(env, "orgs", "list")
    assert done.returncode == 2
    assert "run it as the tables' owner" in done.stderr
    assert "Traceback" not in done.stderr


def test_outbox_status_shows_each_endpoints_backlog(live: Live, tenant: Tenant) -> None:
    def endpoint(enabled: bool) -> str:
        created = tenant.create(
            "/v1/webhook-endpoints",
            {
                "url": "http://127.0.0.1:9/refused",
                "event_types": ["person.created"],
                "enabled": enabled,
            },
        )
        return str(created["id"])

    waiting, paused = endpoint(True), endpoint(False)
    tenant.person()  # its delivery to the refused port waits for a retry
    header, *rows = _table(rapport(environment(live.database_url), "outbox", "status"))
    assert header == ["organization", "endpoint", "pending", "failing", "oldest_pending_seconds"]
    mine = {r[1]: r for r in rows if r[0] == str(tenant.org_id)}
    assert mine[waiting][2:4] == ["1", "-"] and mine[waiting][4].isdigit()
    assert mine[paused][2:] == ["0", "disabled:by_request", "-"]

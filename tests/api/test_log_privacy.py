"""A database error in the middle of a private note's write (PostgreSQL: the session is
killed; SQLite: a statement fails half-way) leaves no trace of the note or its author in
any log: not in the records the suite captures, not in the log a real `rapport serve`
writes."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from uuid import uuid4

import httpx
import pytest
from sqlalchemy import text
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import connect

from app.api.rest.routers.calendar import FEED_OPERATION
from tests.conftest import Live
from tests.support.live_socket import PROTOCOL, WAIT, socket_url
from tests.support.log_privacy import private_marker, record_text
from tests.support.postgres import as_app_role
from tests.support.processes import rapport_serve
from tests.support.tenants import Tenant

FAULT_TAG = "inject-fault"


async def _install_fault(live: Live) -> None:
    """Notes whose body carries the tag fail while being inserted."""
    async with live.engine.begin() as connection:
        if live.dialect == "postgresql":
            await connection.execute(
                text(
                    "CREATE FUNCTION rapport_test_fault() RETURNS trigger LANGUAGE plpgsql AS"
                    " $$ BEGIN PERFORM pg_terminate_backend(pg_backend_pid()); RETURN NEW; END $$"
                )
            )
            await connection.execute(
                text(
                    "CREATE TRIGGER rapport_test_fault BEFORE INSERT ON notes FOR EACH ROW"
                    f" WHEN (NEW.body LIKE '%{FAULT_TAG}%') EXECUTE FUNCTION rapport_test_fault()"
                )
            )
        else:
            # json('{') fails at run time ("malformed JSON"), after the row's values are bound.
            await connection.execute(
                text(
                    "CREATE TRIGGER rapport_test_fault BEFORE INSERT ON notes"
                    f" WHEN NEW.body LIKE '%{FAULT_TAG}%' BEGIN SELECT json('{{'); END"
                )
            )


async def _remove_fault(live: Live) -> None:
    async with live.engine.begin() as connection:
        await connection.execute(text("DROP TRIGGER rapport_test_fault ON notes"))
        await connection.execute(text("DROP FUNCTION rapport_test_fault()"))


async def _remove_sqlite_fault(live: Live) -> None:
    async with live.engine.begin() as connection:
        await connection.execute(text("DROP TRIGGER rapport_test_fault"))


@pytest.fixture
def faulty_notes(live: Live) -> Iterator[None]:
    live.portal.call(_install_fault, live)
    try:
        yield
    finally:
        remove = _remove_fault if live.dialect == "postgresql" else _remove_sqlite_fault
        live.portal.call(remove, live)


# How the forced fault is answered and logged: a killed session is the database going away
# (503, one line per outage), a failing statement an unexpected fault (500).
FAULT_ANSWER = {
    "postgresql": (503, "database_unavailable", "database unavailable"),
    "sqlite": (500, "internal_error", "unexpected fault in notes-create"),
}


def _write_failing_note(
    http: httpx.Client, dialect: str, meeting_id: str, token: str, body: str
) -> None:
    """The write fails without the note in it. (The request asks not to keep the connection
    for the next one.)"""
    response = http.post(
        f"/v1/meetings/{meeting_id}/notes",
        headers={
            "Authorization": f"Bearer {token}",
            "X-Request-ID": "fault-probe-1",
            "Connection": "close",
        },
        json={"body": body, "visibility": "private"},
    )
    status, code, _ = FAULT_ANSWER[dialect]
    assert response.status_code == status, response.text
    assert response.json()["code"] == code
    assert body not in response.text


def test_a_database_error_during_a_private_note_write_logs_nothing_of_it(
    live: Live, tenant: Tenant, faulty_notes: None, caplog: pytest.LogCaptureFixture
) -> None:
    email = f"author.{uuid4().hex[:8]}@example.com"
    author = tenant.person(email=email)
    pair = tenant.pair(lead_id=author["id"])
    meeting = tenant.meeting(pair["id"], timedelta(days=3))
    token = tenant.call("POST", "/v1/person-tokens", json={"person_id": author["id"]})
    marker = private_marker()
    with caplog.at_level(logging.INFO):
        _write_failing_note(
            tenant.http,
            live.dialect,
            meeting["id"],
            token.json()["token"],
            f"{marker} {FAULT_TAG} ask {email} about leaving",
        )
    logged = "\n".join(record_text(record) for record in caplog.records)
    for secret in (marker, email, "about leaving"):
        assert secret not in logged, secret
    # The fault is logged all the same: where, which request, what kind of error.
    assert FAULT_ANSWER[live.dialect][2] in logged
    assert "DBAPIError" in logged or "OperationalError" in logged or "08003" in logged
    notes = tenant.call("GET", f"/v1/meetings/{meeting['id']}/notes").json()["data"]
    assert notes == []  # nothing half-written


def _open_sockets(url: str) -> None:
    """A handshake accepted (graphql-transport-ws), then one refused (graphql-ws)."""
    with connect(url, subprotocols=[PROTOCOL]) as accepted:  # type: ignore[list-item]
        accepted.send(json.dumps({"type": "connection_init", "payload": {}}))
        with pytest.raises(ConnectionClosed):  # no credential in connection_init: closed
            accepted.recv(timeout=WAIT)
    with pytest.raises(InvalidStatus):
        connect(url, subprotocols=["graphql-ws"]).close()  # type: ignore[list-item]


def test_the_log_of_a_real_server_holds_nothing_of_the_note(
    live: Live, tenant: Tenant, faulty_notes: None, tmp_path: Path
) -> None:
    url = live.database_url
    app_url = url if url.startswith("sqlite") else as_app_role(url)
    with rapport_serve(tmp_path, database_url=app_url, log_level="debug") as served:
        http = httpx.Client(base_url=served.base_url, timeout=30)
        email = f"author.{uuid4().hex[:8]}@example.com"
        author = tenant.person(email=email)
        pair = tenant.pair(lead_id=author["id"])
        meeting = tenant.meeting(pair["id"], timedelta(days=3))
        minted = http.post(
            "/v1/person-tokens",
            headers={"Authorization": f"Bearer {tenant.admin_key}"},
            json={"person_id": author["id"]},
        )
        marker = private_marker()
        body = f"{marker} {FAULT_TAG} ask {email} about leaving"
        _write_failing_note(http, live.dialect, meeting["id"], minted.json()["token"], body)
        # List filters carry personal data too; the access log names the path only.
        found = http.get(
            "/v1/people",
            params={"email": email},
            headers={"Authorization": f"Bearer {tenant.admin_key}"},
        )
        assert found.status_code == 200 and found.json()["data"][0]["id"] == author["id"]
        # A calendar feed's URL is its credential; the access log shows where the token was.
        calendar = http.post(
            f"/v1/people/{author['id']}/calendar-token",
            headers={"Authorization": f"Bearer {tenant.admin_key}"},
        ).json()
        assert http.get(f"/v1/calendar/{calendar['token']}.ics").status_code == 200
        # A browser cannot set a WebSocket's headers: clients put credentials in its URL.
        person_token = minted.json()["token"]
        _open_sockets(f"{socket_url(served.base_url)}?access_token={person_token}&e={email}")
    log = served.log_text()
    for secret in (marker, email, "about leaving", calendar["token"], person_token):
        assert secret not in log, secret
    handshakes = [json.loads(line)["event"] for line in log.splitlines() if "WebSocket" in line]
    assert len(handshakes) == 2, log  # accepted, then refused; no client address
    assert all(line.startswith('client - "WebSocket /graphql" ') for line in handshakes), handshakes
    assert FAULT_ANSWER[live.dialect][2] in log, log
    requests = [json.loads(line) for line in log.splitlines() if '"event":"request"' in line]
    answered = [{"operation": line["operation"], "status": line["status"]} for line in requests]
    assert {"operation": "people-list", "status": 200} in answered, log
    assert {"operation": FEED_OPERATION, "status": 200} in answered, log  # not its path

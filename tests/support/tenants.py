"""Organizations, keys and a small world of records to test against."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import httpx
from anyio.from_thread import BlockingPortal
from sqlalchemy.ext.asyncio import AsyncEngine

from app.domain.access import Scope, ServiceKey, key_digest
from app.domain.clock import system_clock
from app.persistence.unit_of_work import unit_of_work
from app.services.context import Caller, ServiceContext
from app.services.organizations import create_organization
from app.services.settings_admin import create_service_key
from tests.support.live import SHARED_TLS, TestClock

_serial = itertools.count(1)


async def create_org(engine: AsyncEngine, name: str) -> UUID:
    """A new organization (with its defaults), as an operator's tooling creates one."""
    async with unit_of_work(engine, write=True) as uow:
        return await create_organization(uow, name, system_clock())


async def create_key(engine: AsyncEngine, org_id: UUID, scopes: frozenset[Scope]) -> str:
    """A new service key of the organization; returns its secret."""
    async with unit_of_work(engine, write=True) as uow:
        service_context = ServiceContext(uow, Caller(org_id=org_id), system_clock())
        _, secret = await create_service_key(service_context, name="test", scopes=scopes)
        return secret


async def _store_key(
    engine: AsyncEngine, org_id: UUID, secret: str, scopes: frozenset[Scope]
) -> None:
    now = system_clock()
    key = ServiceKey(
        id=uuid4(),
        org_id=org_id,
        name="chosen",
        prefix=secret[:8],
        digest=key_digest(secret),
        scopes=scopes,
        created_at=now,
        updated_at=now,
        revoked_at=None,
    )
    async with unit_of_work(engine, write=True) as uow:
        await uow.service_keys.add(key)


@dataclass
class Tenant:
    """An organization seen through the HTTP API with an admin key."""

    org_id: UUID
    admin_key: str
    http: httpx.Client
    portal: BlockingPortal
    engine: AsyncEngine
    clock: TestClock

    def key(self, *scopes: Scope) -> str:
        return self.portal.call(create_key, self.engine, self.org_id, frozenset(scopes))

    def store_key(self, secret: str, scopes: frozenset[Scope]) -> None:
        """Store a key whose secret the test chose (real keys are always random)."""
        self.portal.call(_store_key, self.engine, self.org_id, secret, scopes)

    def call(
        self, method: str, path: str, *, key: str | None = None, **kwargs: Any
    ) -> httpx.Response:
        headers = dict(kwargs.pop("headers", {}))
        headers.setdefault("Authorization", f"Bearer {key or self.admin_key}")
        return self.http.request(method, path, headers=headers, **kwargs)

    def create(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        """POST and insist on 201; returns the created resource."""
        response = self.call("POST", path, json=body)
        assert response.status_code == 201, response.text
        created: dict[str, Any] = response.json()
        return created

    def person(self, **fields: Any) -> dict[str, Any]:
        serial = next(_serial)
        body = {"email": f"person{serial}@example.com", "name": f"Person {serial}", **fields}
        return self.create("/v1/people", body)

    def pair(self, **fields: Any) -> dict[str, Any]:
        lead = fields.pop("lead_id", None) or self.person()["id"]
        member = fields.pop("member_id", None) or self.person()["id"]
        return self.create(
            "/v1/pairs", {"lead_id": lead, "member_id": member, "kind": "mentorship", **fields}
        )

    def meeting(self, pair_id: str, starts_in: timedelta, **fields: Any) -> dict[str, Any]:
        starts_at = (self.clock() + starts_in).isoformat()
        return self.create("/v1/meetings", {"pair_id": pair_id, "starts_at": starts_at, **fields})


def new_tenant(
    base_url: str, portal: BlockingPortal, engine: AsyncEngine, clock: TestClock
) -> Tenant:
    org_id = portal.call(create_org, engine, f"Org {next(_serial)}")
    admin_key = portal.call(create_key, engine, org_id, frozenset({Scope.ADMIN}))
    http = httpx.Client(base_url=base_url, timeout=30, verify=SHARED_TLS)
    return Tenant(org_id, admin_key, http, portal, engine, clock)


@dataclass
class World:
    """One of everything, for route-table driven tests."""

    tenant: Tenant
    lead: dict[str, Any]
    member: dict[str, Any]
    pair: dict[str, Any]
    meeting: dict[str, Any]
    agenda_item: dict[str, Any]
    note: dict[str, Any]
    commitment: dict[str, Any]
    template: dict[str, Any]
    service_key: dict[str, Any]
    held: dict[str, Any]
    due: dict[str, Any]
    boss: dict[str, Any]
    admin: dict[str, Any]
    outsider: dict[str, Any]
    webhook_endpoint: dict[str, Any]
    webhook_delivery: dict[str, Any]
    pinned_at: datetime  # the instant the world's clock stands at (see build_world)

    def enter(self) -> World:
        """Stand the clock at the world's instant again, for a test that reuses the world."""
        self.tenant.clock.pinned = self.pinned_at
        return self

    def token(self, person: dict[str, Any]) -> str:
        """A person token for one of the world's people."""
        response = self.tenant.call("POST", "/v1/person-tokens", json={"person_id": person["id"]})
        assert response.status_code == 200, response.text
        token: str = response.json()["token"]
        return token

    def ids(self) -> dict[str, str]:
        """Path parameter values, by parameter name."""
        return {
            "person_id": self.member["id"],
            "pair_id": self.pair["id"],
            "meeting_id": self.meeting["id"],
            "item_id": self.agenda_item["id"],
            "note_id": self.note["id"],
            "commitment_id": self.commitment["id"],
            "template_id": self.template["id"],
            "key_id": self.service_key["id"],
            "endpoint_id": self.webhook_endpoint["id"],
            "delivery_id": self.webhook_delivery["id"],
        }


def build_world(tenant: Tenant, clock: TestClock) -> World:
    """One of everything. The clock is moved close to `due` (two days ahead) so that `due`
    can be completed, and `held` (a day ahead) has been completed."""
    clock.pinned = None
    boss = tenant.person(name="Boss")
    lead = tenant.person(name="Lead", manager_id=boss["id"])
    member = tenant.person(name="Member", manager_id=lead["id"])
    pairs = tenant.call("GET", "/v1/pairs", params={"member_id": member["id"]}).json()["data"]
    pair = pairs[0]
    meeting = tenant.meeting(pair["id"], timedelta(days=3))
    agenda_item = tenant.create(
        f"/v1/meetings/{meeting['id']}/agenda-items",
        {"author_id": member["id"], "title": "Career growth", "kind": "development"},
    )
    note = tenant.create(
        f"/v1/meetings/{meeting['id']}/notes",
        {"author_id": member["id"], "body": "Talked about the roadmap."},
    )
    commitment = tenant.create(
        "/v1/commitments",
        {"pair_id": pair["id"], "owner_id": member["id"], "title": "Draft the proposal"},
    )
    template = tenant.create(
        "/v1/templates",
        {"name": f"Weekly {next(_serial)}", "sections": [{"kind": "win", "title": "Wins"}]},
    )
    service_key = tenant.create("/v1/service-keys", {"name": "spare", "scopes": ["people:read"]})
    held = tenant.meeting(pair["id"], timedelta(days=1))
    due = tenant.meeting(pair["id"], timedelta(days=2))
    pinned_at = datetime.fromisoformat(due["starts_at"]) - timedelta(minutes=10)
    clock.pinned = pinned_at
    completed = tenant.call("POST", f"/v1/meetings/{held['id']}/complete", json={})
    assert completed.status_code == 200, completed.text
    endpoint, delivery = _webhook_endpoint(tenant)
    return World(
        tenant,
        lead,
        member,
        pair,
        meeting,
        agenda_item,
        note,
        commitment,
        template,
        service_key,
        completed.json()["meeting"],
        due,
        boss,
        tenant.person(name="Admin", role="admin"),
        tenant.person(name="Outsider"),
        endpoint,
        delivery,
        pinned_at,
    )


def _webhook_endpoint(tenant: Tenant) -> tuple[dict[str, Any], dict[str, Any]]:
    """An endpoint (at a loopback port nobody listens on) and a delivery of one event."""
    endpoint = tenant.create(
        "/v1/webhook-endpoints",
        {"url": f"http://127.0.0.1:{UNUSED_PORT}/world", "event_types": ["person.created"]},
    )
    tenant.person(name="Announced")
    log = tenant.call("GET", f"/v1/webhook-endpoints/{endpoint['id']}/deliveries")
    assert log.status_code == 200, log.text
    return endpoint, log.json()["data"][0]


UNUSED_PORT = 9  # discard: refused on loopback


SNAPSHOT_PATHS = (
    "/v1/people?limit=200",
    "/v1/pairs?limit=200",
    "/v1/meetings?limit=200",
    "/v1/commitments?limit=200",
    "/v1/templates?limit=200",
    "/v1/service-keys?limit=200",
    "/v1/policy",
    "/v1/sign-in",
    "/v1/rate-limits",
    "/v1/sign-in/bindings?limit=200",
    "/v1/webhook-endpoints?limit=200",
)


def records_snapshot(world: World) -> dict[str, Any]:
    """The world's own records and its organization's settings, read with its clock standing
    at its instant (tests that share a world may add records of their own to it)."""
    world.enter()
    people = (world.boss, world.lead, world.member, world.admin, world.outsider)
    meeting = world.meeting["id"]
    paths = (
        *(f"/v1/people/{person['id']}" for person in people),
        f"/v1/pairs/{world.pair['id']}",
        *(f"/v1/meetings/{m['id']}" for m in (world.meeting, world.held, world.due)),
        f"/v1/meetings/{meeting}/agenda-items",
        f"/v1/meetings/{meeting}/notes",
        f"/v1/meetings/{meeting}/history",
        f"/v1/commitments/{world.commitment['id']}",
        f"/v1/templates/{world.template['id']}",
        "/v1/policy",
        "/v1/sign-in",
        "/v1/rate-limits",
        "/v1/sign-in/bindings?limit=200",
    )
    return {path: world.tenant.call("GET", path).json() for path in paths}


def snapshot(world: World) -> dict[str, Any]:
    """Everything of the world's organization that a request could have changed."""
    meeting = world.meeting["id"]
    paths = (
        *SNAPSHOT_PATHS,
        f"/v1/meetings/{meeting}/agenda-items",
        f"/v1/meetings/{meeting}/notes",
        f"/v1/meetings/{meeting}/history",
    )
    return {path: world.tenant.call("GET", path).json() for path in paths}

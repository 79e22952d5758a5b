"""How to call every operation of the route table: a success, a bad input and, where the
path names no record, another organization's ids. The matrices in tests/api walk it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from app.api.access import Access
from app.api.app import api_routes, required_scope
from tests.support.tenants import World

Body = Callable[[World], dict[str, Any] | None]


@dataclass(frozen=True)
class Call:
    """How to call an operation: a body and query built from a world, and the answer."""

    json: Body = lambda _w: None
    params: Callable[[World], dict[str, Any]] = lambda _w: {}
    path: Callable[[World], dict[str, str]] = lambda _w: {}
    status: int = 200
    code: str | None = None


@dataclass(frozen=True)
class Case:
    success: Call
    bad: Call | None  # None: the operation takes no input that could be bad
    # For operations without ids in the path: how a second organization's ids are refused.
    foreign: Callable[[World, World], Call] | None = None


def _future(days: int = 10) -> str:
    return (datetime.now(UTC) + timedelta(days=days)).isoformat()


def _someone_who_left(world: World) -> str:
    """A person of the world's organization who has been deactivated."""
    person = world.tenant.person(name="Left")
    left = world.tenant.call("POST", f"/v1/people/{person['id']}/deactivate")
    assert left.status_code == 200, left.text
    return str(person["id"])


BAD_ID = Call(path=lambda _w: {"any": "not-a-uuid"}, status=422, code="wrong_type")
BAD_LIMIT = Call(params=lambda _w: {"limit": 0}, status=422, code="validation_error")

CASES: dict[str, Case] = {
    "people-create": Case(
        Call(json=lambda _w: {"email": "new.person@example.com", "name": "New"}, status=201),
        Call(
            json=lambda _w: {"email": "x@example.com", "name": "X", "org_id": "1"},
            status=422,
            code="unknown_field",
        ),
        foreign=lambda _a, b: Call(
            json=lambda _w: {"email": "n@example.com", "name": "N", "manager_id": b.lead["id"]},
            status=422,
            code="unknown_reference",
        ),
    ),
    "people-list": Case(
        Call(),
        BAD_LIMIT,
        foreign=lambda _a, b: Call(params=lambda _w: {"manager_id": b.lead["id"]}, status=200),
    ),
    "people-get": Case(Call(), BAD_ID),
    "people-update": Case(
        Call(json=lambda _w: {"name": "Renamed"}),
        Call(
            json=lambda w: {"manager_id": w.member["id"]},
            path=lambda w: {"person_id": w.lead["id"]},
            status=422,
            code="reporting_cycle",
        ),
    ),
    "people-deactivate": Case(Call(), BAD_ID),
    "pairs-create": Case(
        Call(
            json=lambda w: {
                "lead_id": w.lead["id"],
                "member_id": w.member["id"],
                "kind": "mentorship",
            },
            status=201,
        ),
        Call(
            json=lambda w: {"lead_id": w.lead["id"], "member_id": w.lead["id"]},
            status=422,
            code="self_pair",
        ),
        foreign=lambda _a, b: Call(
            json=lambda w: {"lead_id": b.lead["id"], "member_id": w.member["id"]},
            status=422,
            code="unknown_reference",
        ),
    ),
    "pairs-list": Case(
        Call(),
        BAD_LIMIT,
        foreign=lambda _a, b: Call(params=lambda _w: {"person_id": b.lead["id"]}, status=200),
    ),
    "pairs-get": Case(Call(), BAD_ID),
    "pairs-update": Case(
        Call(json=lambda _w: {"cadence_days": 7, "status": "paused"}),
        Call(json=lambda _w: {"cadence_days": 90}, status=422, code="cadence_out_of_policy"),
    ),
    "pairs-cadence": Case(Call(), BAD_ID),
    "pairs-end": Case(Call(json=lambda _w: {"reason": "reorg"}), BAD_ID),
    "pairs-metrics": Case(
        Call(params=lambda _w: {"from": "2026-01-01T00:00:00Z"}),
        Call(
            params=lambda _w: {"from": "2026-05-01T00:00:00Z", "to": "2026-04-01T00:00:00Z"},
            status=422,
            code="invalid_window",
        ),
    ),
    "metrics-pairs": Case(
        Call(params=lambda w: {"team_of": w.boss["id"], "sort": "health_score"}),
        Call(params=lambda _w: {"from": "2026-01-01T00:00:00"}, status=422, code="naive_timestamp"),
        foreign=lambda _a, b: Call(
            params=lambda _w: {"team_of": b.boss["id"]}, status=422, code="unknown_reference"
        ),
    ),
    "metrics-summary": Case(
        Call(params=lambda w: {"scope": "team", "person_id": w.lead["id"]}),
        Call(
            params=lambda w: {"scope": "org", "person_id": w.lead["id"]},
            status=422,
            code="invalid_scope",
        ),
        foreign=lambda _a, b: Call(
            params=lambda _w: {"scope": "lead", "person_id": b.lead["id"]},
            status=422,
            code="unknown_reference",
        ),
    ),
    "metrics-timeseries": Case(
        Call(params=lambda w: {"scope": "team", "person_id": w.lead["id"], "bucket": "week"}),
        Call(
            params=lambda w: {
                "scope": "team",
                "person_id": w.lead["id"],
                "bucket": "week",
                "from": "2020-01-01T00:00:00Z",
                "to": "2026-01-01T00:00:00Z",
            },
            status=422,
            code="window_too_long",
        ),
        foreign=lambda _a, b: Call(
            params=lambda _w: {"scope": "team", "person_id": b.boss["id"], "bucket": "month"},
            status=422,
            code="unknown_reference",
        ),
    ),
    "meetings-create": Case(
        Call(json=lambda w: {"pair_id": w.pair["id"], "starts_at": _future(20)}, status=201),
        Call(
            json=lambda w: {"pair_id": w.pair["id"], "starts_at": "2030-01-01T10:00:00"},
            status=422,
            code="naive_timestamp",
        ),
        foreign=lambda _a, b: Call(
            json=lambda _w: {"pair_id": b.pair["id"], "starts_at": _future(20)},
            status=422,
            code="unknown_reference",
        ),
    ),
    "meetings-list": Case(
        Call(params=lambda w: {"pair_id": w.pair["id"]}),
        BAD_LIMIT,
        foreign=lambda _a, b: Call(params=lambda _w: {"pair_id": b.pair["id"]}, status=200),
    ),
    "meetings-get": Case(Call(), BAD_ID),
    "meetings-reschedule": Case(
        Call(json=lambda _w: {"starts_at": _future(25), "duration_minutes": 45}),
        Call(json=lambda _w: {}, status=422, code="nothing_to_change"),
    ),
    "meetings-cancel": Case(
        Call(json=lambda w: {"canceled_by_id": w.lead["id"], "reason": "illness"}),
        Call(json=lambda w: {"canceled_by_id": w.lead["id"]}, status=422, code="missing_field"),
    ),
    "meetings-complete": Case(
        Call(json=lambda _w: {"actual_minutes": 25}, path=lambda w: {"meeting_id": w.due["id"]}),
        Call(json=lambda _w: {}, status=409, code="meeting_not_started"),
    ),
    "ratings-create": Case(
        Call(
            json=lambda w: {"person_id": w.member["id"], "score": 4},
            path=lambda w: {"meeting_id": w.held["id"]},
            status=201,
        ),
        Call(
            json=lambda w: {"person_id": w.member["id"], "score": 6},
            path=lambda w: {"meeting_id": w.held["id"]},
            status=422,
            code="validation_error",
        ),
    ),
    "ratings-list": Case(Call(path=lambda w: {"meeting_id": w.held["id"]}), BAD_ID),
    "meetings-history": Case(Call(), BAD_ID),
    "agenda-items-create": Case(
        Call(
            json=lambda w: {"author_id": w.lead["id"], "title": "Wins", "kind": "win"}, status=201
        ),
        Call(
            json=lambda w: {"author_id": w.lead["id"], "title": "x" * 201},
            status=422,
            code="too_long",
        ),
    ),
    "agenda-items-list": Case(Call(), BAD_ID),
    "agenda-items-reorder": Case(
        Call(json=lambda w: {"item_ids": [w.agenda_item["id"]]}),
        Call(
            json=lambda w: {"item_ids": [w.agenda_item["id"], w.agenda_item["id"]]},
            status=422,
            code="invalid_order",
        ),
    ),
    "agenda-items-apply-template": Case(
        Call(json=lambda w: {"author_id": w.member["id"]}, status=201),
        Call(
            json=lambda w: {"author_id": w.member["id"], "template_id": "nope"},
            status=422,
            code="wrong_type",
        ),
    ),
    "agenda-items-update": Case(
        Call(json=lambda _w: {"state": "discussed"}),
        Call(json=lambda _w: {"state": "carried_over"}, status=422, code="state_not_settable"),
    ),
    "agenda-items-delete": Case(Call(status=204), BAD_ID),
    "notes-create": Case(
        Call(json=lambda w: {"author_id": w.member["id"], "body": "Shared thought"}, status=201),
        Call(
            json=lambda w: {"author_id": w.member["id"], "body": "Mine", "visibility": "private"},
            status=422,
            code="private_note_needs_person",
        ),
    ),
    "notes-list": Case(Call(), BAD_ID),
    "notes-get": Case(Call(), BAD_ID),
    "notes-update": Case(
        Call(json=lambda _w: {"body": "Edited"}),
        Call(json=lambda _w: {"body": ""}, status=422, code="validation_error"),
    ),
    "notes-delete": Case(Call(status=204), BAD_ID),
    "commitments-create": Case(
        Call(
            json=lambda w: {
                "pair_id": w.pair["id"],
                "owner_id": w.lead["id"],
                "title": "Book the offsite",
                "due_on": "2030-01-31",
            },
            status=201,
        ),
        Call(
            json=lambda w: {"pair_id": w.pair["id"], "owner_id": w.pair["id"], "title": "x"},
            status=422,
            code="not_a_participant",
        ),
        foreign=lambda _a, b: Call(
            json=lambda w: {"pair_id": b.pair["id"], "owner_id": w.lead["id"], "title": "x"},
            status=422,
            code="unknown_reference",
        ),
    ),
    "commitments-list": Case(
        Call(params=lambda _w: {"overdue": "true"}),
        BAD_LIMIT,
        foreign=lambda _a, b: Call(params=lambda _w: {"pair_id": b.pair["id"]}, status=200),
    ),
    "commitments-get": Case(Call(), BAD_ID),
    "commitments-update": Case(
        Call(json=lambda _w: {"status": "done"}),
        Call(json=lambda _w: {"status": None}, status=422, code="null_field"),
    ),
    "templates-create": Case(
        Call(
            json=lambda _w: {
                "name": "Quarterly",
                "sections": [{"kind": "goal", "title": "Goals", "prompts": ["On track?"]}],
            },
            status=201,
        ),
        Call(
            json=lambda _w: {"name": "Empty", "sections": []}, status=422, code="validation_error"
        ),
    ),
    "templates-list": Case(Call(), BAD_LIMIT),
    "templates-get": Case(Call(), BAD_ID),
    "templates-update": Case(
        Call(json=lambda _w: {"is_default": True}),
        Call(json=lambda _w: {"is_default": "yes"}, status=422, code="wrong_type"),
    ),
    "templates-delete": Case(Call(status=204), BAD_ID),
    "policy-get": Case(Call(), None),
    "policy-update": Case(
        Call(json=lambda _w: {"target_cadence_days": 10}),
        Call(
            json=lambda _w: {"min_cadence_days": 20, "target_cadence_days": 14},
            status=422,
            code="inconsistent_policy",
        ),
    ),
    "service-keys-create": Case(
        Call(json=lambda _w: {"name": "etl", "scopes": ["metrics:read"]}, status=201),
        Call(
            json=lambda _w: {"name": "etl", "scopes": ["everything"]},
            status=422,
            code="validation_error",
        ),
    ),
    "service-keys-list": Case(Call(), BAD_LIMIT),
    "service-keys-revoke": Case(Call(status=204), BAD_ID),
    "person-tokens-create": Case(
        Call(json=lambda w: {"person_id": w.member["id"], "ttl_seconds": 600}),
        Call(
            json=lambda w: {"person_id": w.member["id"], "ttl_seconds": 86400},
            status=422,
            code="validation_error",
        ),
        foreign=lambda _a, b: Call(
            json=lambda _w: {"person_id": b.member["id"]}, status=422, code="unknown_reference"
        ),
    ),
    "webhook-endpoints-create": Case(
        Call(json=lambda _w: {"url": "http://127.0.0.1:9/created"}, status=201),
        Call(json=lambda _w: {"url": "ftp://127.0.0.1/x"}, status=422, code="webhook_url_refused"),
    ),
    "webhook-endpoints-list": Case(Call(), BAD_LIMIT),
    "webhook-endpoints-get": Case(Call(), BAD_ID),
    "webhook-endpoints-update": Case(
        Call(json=lambda _w: {"description": "Chat alerts", "event_types": []}),
        Call(json=lambda _w: {"url": "file:///etc/passwd"}, status=422, code="webhook_url_refused"),
    ),
    "webhook-endpoints-delete": Case(Call(status=204), BAD_ID),
    "webhook-endpoints-rotate-secret": Case(Call(), BAD_ID),
    "webhook-endpoints-deliveries": Case(Call(), BAD_LIMIT),
    "webhook-deliveries-redeliver": Case(Call(status=202), BAD_ID),
    "events-list": Case(
        Call(params=lambda _w: {"types": ["person.created"], "limit": 5}),
        Call(params=lambda _w: {"after": "not-a-cursor"}, status=422, code="invalid_cursor"),
    ),
    "me-get": Case(Call(), None),
    "audit-events-list": Case(
        Call(params=lambda _w: {"operation": "meetings-create"}),
        Call(params=lambda _w: {"operation": "DROP TABLE"}, status=422, code="validation_error"),
        foreign=lambda _a, b: Call(
            params=lambda _w: {"actor_person_id": b.member["id"]}, status=200
        ),
    ),
    "me-meetings": Case(
        Call(params=lambda _w: {"when": "recent"}),
        Call(params=lambda _w: {"when": "someday"}, status=422, code="validation_error"),
    ),
    "me-commitments": Case(Call(params=lambda _w: {"status": "open"}), BAD_LIMIT),
    "me-pairs": Case(Call(params=lambda _w: {"state": "on_track"}), BAD_LIMIT),
    # Sign-in (person tokens or OpenID Connect).
    "rate-limits-get": Case(Call(), None),
    "rate-limits-replace": Case(
        Call(json=lambda _w: {"per_key": "50000/second", "per_organization": None}),
        Call(
            json=lambda _w: {"per_key": "200000/second", "per_organization": None},
            status=422,
            code="invalid_rate_limit",
        ),
    ),
    "sign-in-get": Case(Call(), None),
    "sign-in-replace": Case(
        Call(json=lambda _w: {"mode": "tokens", "person_claim": "email"}),
        Call(json=lambda _w: {"mode": "oidc"}, status=422, code="oidc_incomplete"),
    ),
    # Provisioning: reactivation and the directory sync.
    "people-reactivate": Case(Call(path=lambda w: {"person_id": _someone_who_left(w)}), BAD_ID),
    "directory-sync": Case(
        Call(json=lambda _w: {"people": [{"external_id": "hris-1", "name": "Hired"}]}),
        Call(
            json=lambda _w: {
                "people": [{"external_id": "x", "name": "X", "manager_external_id": "nobody"}]
            },
            status=422,
            code="invalid_directory",
        ),
        foreign=lambda _a, b: Call(
            json=lambda _w: {
                "people": [{"external_id": "x", "name": "X", "manager_email": b.lead["email"]}]
            },
            status=422,
            code="invalid_directory",
        ),
    ),
    # Sign-in bindings: which identity provider account signs in as whom.
    "sign-in-bindings-list": Case(
        Call(params=lambda w: {"person_id": w.member["id"]}),
        Call(params=lambda _w: {"bound_since": "2026-01-01"}, status=422, code="validation_error"),
        foreign=lambda _a, b: Call(params=lambda _w: {"person_id": b.member["id"]}, status=200),
    ),
    "people-sign-in-bindings-delete": Case(Call(status=204), BAD_ID),
    # Calendar feeds. The feed itself (`calendar-feed`, GET /v1/calendar/{token}.ics) takes
    # no Authorization header, like the operational endpoints, so it is not in this table:
    # its token is the credential, and tests/api/test_calendar_feed.py holds it to 404 for
    # unknown, replaced, revoked and malformed tokens and to the feed's privacy.
    "people-calendar-token-create": Case(Call(), BAD_ID),
    "people-calendar-token-revoke": Case(Call(status=204), BAD_ID),
}

ACTING_FIELDS = ("author_id", "canceled_by_id", "person_id")


def as_person(body: dict[str, Any] | None) -> dict[str, Any] | None:
    """A person token acts as its person: the body names no acting person."""
    if body is None:
        return None
    return {k: v for k, v in body.items() if k not in ACTING_FIELDS}


def _operations() -> list[tuple[str, str, str, Access]]:
    return [
        (str(route.operation_id), method, route.path_format, access)
        for route in api_routes()
        if (access := required_scope(route)) is not None
        for method in route.methods or ()
    ]


OPERATIONS = _operations()


def path_of(template: str, values: dict[str, str]) -> str:
    for name, value in values.items():
        template = template.replace("{" + name + "}", value)
    return template


def request_of(world: World, template: str, call: Call, ids: dict[str, str]) -> dict[str, Any]:
    """The path, body and query of a call, ids filled from a world (or the call's own)."""
    overrides = call.path(world)
    if "any" in overrides:
        ids = {name: overrides["any"] for name in ids}
    path = path_of(template, {**ids, **overrides})
    return {"path": path, "json": call.json(world), "params": call.params(world)}

"""Idempotency keys on POST: a retry gets the first answer, byte for byte; the same key on
another request is refused; concurrent attempts run once; the answer commits with the change."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from itertools import count
from typing import Any
from uuid import uuid4

import httpx
import pytest
from sqlalchemy import select

from app.api.contract import openapi_document
from app.api.idempotency import parse_key
from app.api.problem_catalog import CATALOG
from app.api.problems import ApiProblem
from app.api.rest.event_data import RestRenderer
from app.domain.access import Scope
from app.persistence.access_tables import IdempotencyKeyRow
from app.persistence.database import create_engine
from app.persistence.repositories.idempotency import IdempotencyKeyRepository
from app.services.scheduler import Scheduler
from tests.conftest import Live
from tests.scim.test_providers import SCIM, Directory
from tests.support.commands import environment, rapport
from tests.support.postgres import as_app_role
from tests.support.tenants import Tenant

_serial = count(1)
REPLAYED = "Idempotent-Replayed"
KEPT = IdempotencyKeyRow.__table__  # type: ignore[attr-defined]


def _person_body() -> dict[str, str]:
    serial = next(_serial)
    return {"email": f"retry{serial}@example.com", "name": f"Retry {serial}"}


def _post(
    tenant: Tenant, path: str, body: Any, key: str | bytes, *, credential: str | None = None
) -> httpx.Response:
    return tenant.call("POST", path, key=credential, json=body, headers={"Idempotency-Key": key})


def _people_with(tenant: Tenant, email: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = tenant.call("GET", "/v1/people", params={"email": email}).json()[
        "data"
    ]
    return found


def test_a_retry_is_answered_with_the_first_response(tenant: Tenant) -> None:
    body, key = _person_body(), str(uuid4())
    first = _post(tenant, "/v1/people", body, key)
    assert first.status_code == 201, first.text
    assert REPLAYED not in first.headers
    again = _post(tenant, "/v1/people", body, key)
    assert again.status_code == 201
    assert again.content == first.content
    assert again.headers[REPLAYED] == "true"
    assert again.headers["Location"] == first.headers["Location"]
    assert again.headers["X-Request-ID"] != first.headers["X-Request-ID"]
    assert len(_people_with(tenant, body["email"])) == 1


def test_a_quoted_key_is_the_same_key(tenant: Tenant) -> None:
    body, key = _person_body(), f"k-{uuid4()}"
    assert _post(tenant, "/v1/people", body, f'"{key}"').status_code == 201
    assert _post(tenant, "/v1/people", body, key).headers[REPLAYED] == "true"


def test_the_same_key_on_another_request_is_422(tenant: Tenant) -> None:
    body, key = _person_body(), str(uuid4())
    assert _post(tenant, "/v1/people", body, key).status_code == 201
    other_body = _post(tenant, "/v1/people", _person_body(), key)
    assert other_body.status_code == 422, other_body.text
    assert other_body.json()["code"] == "idempotency_key_reused"
    template = {"name": f"Weekly {next(_serial)}", "sections": [{"kind": "win", "title": "Wins"}]}
    other_path = _post(tenant, "/v1/templates", template, key)
    assert other_path.status_code == 422, other_path.text
    assert other_path.json()["code"] == "idempotency_key_reused"


@pytest.mark.parametrize("key", ["", '""', "x" * 256, "with space", "naïve".encode(), '"open'])
def test_a_malformed_key_is_400_and_runs_nothing(tenant: Tenant, key: str | bytes) -> None:
    body = _person_body()
    refused = _post(tenant, "/v1/people", body, key)
    assert refused.status_code == 400, refused.text
    assert refused.json()["code"] == "invalid_idempotency_key"
    assert _people_with(tenant, body["email"]) == []


def test_a_key_of_255_characters_is_accepted(tenant: Tenant) -> None:
    assert _post(tenant, "/v1/people", _person_body(), "k" * 255).status_code == 201


@pytest.mark.parametrize("attempts", [2, 10])
def test_concurrent_attempts_run_once(tenant: Tenant, attempts: int) -> None:
    body, key = _person_body(), str(uuid4())
    with ThreadPoolExecutor(max_workers=attempts) as pool:
        futures = [pool.submit(_post, tenant, "/v1/people", body, key) for _ in range(attempts)]
        responses = [future.result() for future in futures]
    ran = [r for r in responses if r.status_code == 201 and REPLAYED not in r.headers]
    assert len(ran) == 1, [(r.status_code, r.text) for r in responses]
    for response in responses:
        if response is ran[0]:
            continue
        if response.status_code == 409:
            assert response.json()["code"] == "idempotency_key_in_use"
            assert response.headers["Retry-After"]
        else:
            assert response.headers[REPLAYED] == "true", response.text
            assert response.content == ran[0].content
    assert len(_people_with(tenant, body["email"])) == 1


def test_a_fault_before_commit_keeps_neither_change_nor_answer(
    tenant: Tenant, monkeypatch: pytest.MonkeyPatch
) -> None:
    body, key = _person_body(), str(uuid4())

    async def failing_store(*_args: object) -> None:
        raise RuntimeError("injected: the change is written, the answer is not")

    with monkeypatch.context() as patched:
        patched.setattr(IdempotencyKeyRepository, "store", failing_store)
        faulted = _post(tenant, "/v1/people", body, key)
    assert faulted.status_code == 500, faulted.text
    assert _people_with(tenant, body["email"]) == []
    retried = _post(tenant, "/v1/people", body, key)
    assert retried.status_code == 201, retried.text
    assert REPLAYED not in retried.headers
    assert len(_people_with(tenant, body["email"])) == 1


def test_a_refusal_by_a_rule_is_kept_and_replayed(tenant: Tenant) -> None:
    taken = tenant.person()
    body, key = {"email": taken["email"], "name": "Twin"}, str(uuid4())
    refused = _post(tenant, "/v1/people", body, key)
    assert refused.status_code == 409, refused.text
    assert refused.json()["code"] == "duplicate_email"
    # Were it run again, it would now succeed: the replay shows it is not.
    renamed = tenant.call(
        "PATCH", f"/v1/people/{taken['id']}", json={"email": f"moved{next(_serial)}@example.com"}
    )
    assert renamed.status_code == 200, renamed.text
    again = _post(tenant, "/v1/people", body, key)
    assert again.status_code == 409
    assert again.headers[REPLAYED] == "true"
    assert again.content == refused.content
    assert _people_with(tenant, taken["email"]) == []


def test_an_input_refused_is_not_kept(tenant: Tenant) -> None:
    key = str(uuid4())
    invalid = _post(tenant, "/v1/people", {"email": "no-name@example.com"}, key)
    assert invalid.status_code == 422, invalid.text
    assert invalid.json()["code"] == "missing_field"
    fixed = _post(tenant, "/v1/people", {"email": "no-name@example.com", "name": "Named"}, key)
    assert fixed.status_code == 201, fixed.text
    assert REPLAYED not in fixed.headers


def test_keys_belong_to_one_credential(tenant: Tenant) -> None:
    first, second = tenant.key(Scope.PEOPLE_WRITE), tenant.key(Scope.PEOPLE_WRITE)
    key = str(uuid4())
    mine = _post(tenant, "/v1/people", _person_body(), key, credential=first)
    theirs = _post(tenant, "/v1/people", _person_body(), key, credential=second)
    assert (mine.status_code, theirs.status_code) == (201, 201), theirs.text
    assert REPLAYED not in theirs.headers


def test_an_answer_is_kept_for_a_day(live: Live, tenant: Tenant) -> None:
    body, key = _person_body(), str(uuid4())
    assert _post(tenant, "/v1/people", body, key).status_code == 201
    live.clock.advance(timedelta(hours=23))
    assert _post(tenant, "/v1/people", body, key).headers[REPLAYED] == "true"
    live.clock.advance(timedelta(hours=2))
    fresh = _post(tenant, "/v1/people", _person_body(), key)
    assert fresh.status_code == 201, fresh.text
    assert REPLAYED not in fresh.headers


def test_an_answer_with_a_secret_is_not_kept(tenant: Tenant) -> None:
    body, key = {"name": "spare", "scopes": ["people:read"]}, str(uuid4())
    first = _post(tenant, "/v1/service-keys", body, key)
    second = _post(tenant, "/v1/service-keys", body, key)
    assert (first.status_code, second.status_code) == (201, 201)
    assert REPLAYED not in second.headers
    assert first.json()["id"] != second.json()["id"]


def test_a_graphql_mutation_is_replayed(tenant: Tenant) -> None:
    email = f"graph{next(_serial)}@example.com"
    document = {
        "query": 'mutation($email: String!) { createPerson(input: {email: $email, name: "G"})'
        " { __typename ... on PersonSuccess { person { id } } } }",
        "variables": {"email": email},
    }
    key = str(uuid4())
    first = _post(tenant, "/graphql", document, key)
    assert first.status_code == 200, first.text
    assert first.json()["data"]["createPerson"]["__typename"] == "PersonSuccess"
    again = _post(tenant, "/graphql", document, key)
    assert again.headers[REPLAYED] == "true"
    assert again.content == first.content
    other = _post(tenant, "/graphql", {**document, "variables": {"email": "x@example.com"}}, key)
    assert other.status_code == 422
    assert other.json()["errors"][0]["extensions"]["code"] == "idempotency_key_reused"
    assert len(_people_with(tenant, email)) == 1


def test_a_scim_creation_is_replayed(tenant: Tenant) -> None:
    scim = Directory(tenant)
    body = {"userName": f"scim{next(_serial)}", "displayName": "Scim"}
    headers = {"Content-Type": SCIM, "Idempotency-Key": str(uuid4())}
    first = scim("POST", "/Users", body, headers=headers)
    assert first.status_code == 201, first.text
    again = scim("POST", "/Users", body, headers=headers)
    assert again.status_code == 201
    assert again.headers[REPLAYED] == "true"
    assert again.content == first.content
    users = scim("GET", f'/Users?filter=userName eq "{body["userName"]}"').json()
    assert users["totalResults"] == 1


def _kept_keys(live: Live, tenant: Tenant) -> set[str]:
    """The keys with a stored answer in the tenant's organization (read as the owner)."""

    async def read() -> set[str]:
        async with live.engine.connect() as connection:
            found = await connection.execute(
                select(KEPT.c.idempotency_key).where(KEPT.c.org_id == tenant.org_id)
            )
            return {row[0] for row in found}

    return live.portal.call(read)


def test_expired_answers_are_purged(live: Live, tenant: Tenant) -> None:
    expired, fresh = f"old-{uuid4()}", f"new-{uuid4()}"
    live.clock.pinned = datetime.now(UTC) - timedelta(days=2)
    assert _post(tenant, "/v1/people", _person_body(), expired).status_code == 201
    live.clock.pinned = None
    assert _post(tenant, "/v1/people", _person_body(), fresh).status_code == 201
    assert {expired, fresh} <= _kept_keys(live, tenant)
    purged = rapport(environment(live.database_url), "idempotency", "purge")
    assert int(purged) >= 1
    kept = _kept_keys(live, tenant)
    assert fresh in kept and expired not in kept


def test_the_scheduler_purges_expired_answers_of_every_organization(
    live: Live, tenant: Tenant
) -> None:
    other = live.tenant()
    expired = {t.org_id: f"old-{uuid4()}" for t in (tenant, other)}
    live.clock.pinned = datetime.now(UTC) - timedelta(days=2)
    for owner in (tenant, other):
        assert _post(owner, "/v1/people", _person_body(), expired[owner.org_id]).status_code == 201
    live.clock.pinned = None
    fresh = f"new-{uuid4()}"
    assert _post(tenant, "/v1/people", _person_body(), fresh).status_code == 201
    # A scheduler of the test's own (its first tick purges) connected as the service is:
    # on PostgreSQL as the app's role, which row-level security confines to one
    # organization at a time.
    url = as_app_role(live.database_url) if live.dialect == "postgresql" else live.database_url

    async def tick() -> None:
        engine = create_engine(url, pool_size=1)
        try:
            await Scheduler(engine, live.clock, RestRenderer(), lambda: None).tick()
        finally:
            await engine.dispose()

    live.portal.call(tick)
    assert expired[tenant.org_id] not in _kept_keys(live, tenant)
    assert expired[other.org_id] not in _kept_keys(live, other)
    assert fresh in _kept_keys(live, tenant)


def test_every_changing_post_declares_the_key_its_codes_and_the_replay_header() -> None:
    statuses = {"invalid_idempotency_key": 400, "idempotency_key_in_use": 409}
    statuses["idempotency_key_reused"] = 422
    assert {code: CATALOG[code].status for code in statuses} == statuses
    document = openapi_document()
    posts = [item["post"] for item in document["paths"].values() if "post" in item]
    assert posts
    for operation in posts:
        assert {"$ref": "#/components/parameters/IdempotencyKey"} in operation["parameters"]
        for code, status in statuses.items():
            problem = operation["responses"][str(status)]["content"]["application/problem+json"]
            assert code in problem["schema"]["allOf"][1]["properties"]["code"]["enum"]
        for response in operation["responses"].values():
            assert REPLAYED in response["headers"], operation["operationId"]
    parameter = document["components"]["parameters"]["IdempotencyKey"]
    assert (parameter["name"], parameter["in"]) == ("Idempotency-Key", "header")


@pytest.mark.parametrize(
    "key", ["abc", '"abc"', "a b", "", '"', '""', "x" * 255, "x" * 256, "a\\b", '"ab', "é"]
)
def test_the_declared_pattern_is_what_is_accepted(key: str) -> None:
    pattern = openapi_document()["components"]["parameters"]["IdempotencyKey"]["schema"]
    try:
        parse_key([key])
        accepted = True
    except ApiProblem as refused:
        assert refused.kind.code == "invalid_idempotency_key"
        accepted = False
    assert bool(re.fullmatch(pattern["pattern"], key)) == accepted

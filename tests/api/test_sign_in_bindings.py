"""Sign-in bindings: the provider account that first signs in as a person is the only one
that ever does. A key that may change people's emails or external ids (people:write, scim)
can no longer hand a person's sign-in, and their private notes, to an account of its
choosing; only an admin key removes a binding."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any
from uuid import uuid4

from app.domain.access import Scope
from tests.scim.test_providers import Directory
from tests.support.credentials import ME_QUERY, caller_of, refusal_of
from tests.support.identity_provider import Issuer, enable_oidc, local_issuer
from tests.support.log_privacy import private_marker
from tests.support.tenants import Tenant

BOUND_ELSEWHERE = "bound_to_another_account"


def _bindings(tenant: Tenant, **params: str) -> list[dict[str, Any]]:
    response = tenant.call("GET", "/v1/sign-in/bindings", params={"limit": 200, **params})
    assert response.status_code == 200, response.text
    data: list[dict[str, Any]] = response.json()["data"]
    return data


def _audit(tenant: Tenant, operation: str) -> list[dict[str, Any]]:
    response = tenant.call("GET", "/v1/audit-events", params={"operation": operation})
    assert response.status_code == 200, response.text
    data: list[dict[str, Any]] = response.json()["data"]
    return data


def _signs_in_as(tenant: Tenant, token: str, person: dict[str, Any]) -> None:
    status, me = caller_of(tenant, token)
    assert status == 200, me
    assert me["person"]["id"] == person["id"]


def _attacker_email() -> str:
    return f"attacker.{uuid4().hex[:8]}@example.com"


def test_the_first_account_to_sign_in_is_bound_to_the_person(
    tenant: Tenant, issuer: Issuer
) -> None:
    person = tenant.person()
    audience = enable_oidc(tenant, issuer)
    assert _bindings(tenant) == []
    token = issuer.id_token(audience, email=person["email"])
    _signs_in_as(tenant, token, person)
    (binding,) = _bindings(tenant, person_id=person["id"])
    assert binding["issuer"] == issuer.issuer
    assert binding["subject"] == issuer.subject_of(person["email"])
    assert _bindings(tenant, bound_since=binding["bound_at"]) == [binding]
    (bound,) = _audit(tenant, "sign-in-bindings-create")
    assert bound["record_ids"] == {"person_id": person["id"], "binding_id": binding["id"]}
    assert bound["actor_person_id"] == person["id"] and bound["actor_key_id"] is None
    # Later sign-ins of the same account bind nothing more.
    _signs_in_as(tenant, issuer.id_token(audience, email=person["email"]), person)
    assert _bindings(tenant) == [binding]
    assert len(_audit(tenant, "sign-in-bindings-create")) == 1
    # Another account with the same verified email (some providers allow it) is refused.
    other = issuer.id_token(audience, email=person["email"], sub=f"other-{uuid4().hex}")
    assert "another account" in refusal_of(tenant, other, code=BOUND_ELSEWHERE)


def test_a_key_that_points_a_bound_persons_email_elsewhere_cannot_sign_in_as_them(
    tenant: Tenant, issuer: Issuer
) -> None:
    """The attack of docs/security.md, "Who decides the mapping"."""
    victim = tenant.person()
    pair = tenant.pair(member_id=victim["id"])
    meeting = tenant.meeting(pair["id"], timedelta(days=3))
    audience = enable_oidc(tenant, issuer)
    victim_token = issuer.id_token(audience, email=victim["email"])
    marker = private_marker()
    # The victim's first sign-in is a change (a private note): it binds in its transaction.
    created = tenant.call(
        "POST",
        f"/v1/meetings/{meeting['id']}/notes",
        key=victim_token,
        json={"body": f"Thinking of leaving {marker}", "visibility": "private"},
    )
    assert created.status_code == 201, created.text
    assert [b["person_id"] for b in _bindings(tenant)] == [victim["id"]]
    attacker_email = _attacker_email()
    people_writer = tenant.key(Scope.PEOPLE_WRITE)
    moved = tenant.call(
        "PATCH", f"/v1/people/{victim['id']}", key=people_writer, json={"email": attacker_email}
    )
    assert moved.status_code == 200, moved.text
    attacker_token = issuer.id_token(audience, email=attacker_email)
    note_paths = (f"/v1/notes/{created.json()['id']}", f"/v1/meetings/{meeting['id']}/notes")
    for path in ("/v1/me", *note_paths):
        refused = tenant.call("GET", path, key=attacker_token)
        assert refused.status_code == 401, refused.text
        assert refused.json()["code"] == BOUND_ELSEWHERE
        assert marker not in refused.text
    graph = tenant.call("POST", "/graphql", key=attacker_token, json={"query": ME_QUERY})
    assert graph.status_code == 401
    assert graph.json()["errors"][0]["extensions"]["code"] == BOUND_ELSEWHERE
    # The real person still signs in (their account is bound; the email no longer matters).
    _signs_in_as(tenant, victim_token, victim)
    assert marker in tenant.call("GET", note_paths[0], key=victim_token).text
    assert [b["person_id"] for b in _bindings(tenant)] == [victim["id"]]


def test_a_key_that_changes_a_bound_persons_external_id_cannot_sign_in_as_them(
    tenant: Tenant, issuer: Issuer
) -> None:
    """With `person_claim: external_id` the claim is `sub` itself; the binding still holds
    the person to the subject that first signed in."""
    subject = f"hris-{uuid4().hex[:8]}"
    victim = tenant.person(external_id=subject)
    audience = enable_oidc(tenant, issuer, person_claim="external_id")
    victim_token = issuer.id_token(audience, sub=subject)
    _signs_in_as(tenant, victim_token, victim)
    attacker_subject = f"hris-{uuid4().hex[:8]}"
    scim = Directory(tenant)
    replace = {
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "replace", "value": {"externalId": attacker_subject}}],
    }
    scim.ok("PATCH", f"/Users/{victim['id']}", replace)
    assert scim.person(victim["id"])["external_id"] == attacker_subject
    refusal_of(tenant, issuer.id_token(audience, sub=attacker_subject), code=BOUND_ELSEWHERE)
    _signs_in_as(tenant, victim_token, victim)


def test_leaving_and_coming_back_keeps_the_binding(tenant: Tenant, issuer: Issuer) -> None:
    victim = tenant.person()
    audience = enable_oidc(tenant, issuer)
    victim_token = issuer.id_token(audience, email=victim["email"])
    _signs_in_as(tenant, victim_token, victim)
    attacker_email = _attacker_email()
    writer = tenant.key(Scope.PEOPLE_WRITE)
    path = f"/v1/people/{victim['id']}"
    for method, suffix, body in (
        ("PATCH", "", {"email": attacker_email}),
        ("POST", "/deactivate", None),
        ("POST", "/reactivate", None),
    ):
        response = tenant.call(method, path + suffix, key=writer, json=body)
        assert response.status_code == 200, response.text
    refusal_of(tenant, issuer.id_token(audience, email=attacker_email), code=BOUND_ELSEWHERE)
    _signs_in_as(tenant, victim_token, victim)


def test_a_scim_delete_and_create_again_keeps_the_binding(tenant: Tenant, issuer: Issuer) -> None:
    scim = Directory(tenant)
    email = f"scim.{uuid4().hex[:8]}@example.com"

    def user(mail: str) -> dict[str, Any]:
        return {
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
            "userName": f"user-{email}",
            "externalId": f"ext-{email}",
            "emails": [{"value": mail, "primary": True}],
        }

    victim = scim.ok("POST", "/Users", user(email), status=201)
    audience = enable_oidc(tenant, issuer)
    victim_token = issuer.id_token(audience, email=email)
    _signs_in_as(tenant, victim_token, victim)
    scim.ok("DELETE", f"/Users/{victim['id']}", status=204)
    attacker_email = _attacker_email()
    back = scim.ok("POST", "/Users", user(attacker_email), status=201)
    assert back["id"] == victim["id"]
    refusal_of(tenant, issuer.id_token(audience, email=attacker_email), code=BOUND_ELSEWHERE)
    _signs_in_as(tenant, victim_token, victim)


def test_only_an_admin_key_unbinds_and_then_a_new_account_binds(
    tenant: Tenant, issuer: Issuer
) -> None:
    person = tenant.person()
    audience = enable_oidc(tenant, issuer)
    old_token = issuer.id_token(audience, email=person["email"])
    _signs_in_as(tenant, old_token, person)
    new_subject = f"new-{uuid4().hex}"
    new_token = issuer.id_token(audience, email=person["email"], sub=new_subject)
    refusal_of(tenant, new_token, code=BOUND_ELSEWHERE)
    path = f"/v1/people/{person['id']}/sign-in-bindings"
    for scope in (Scope.PEOPLE_WRITE, Scope.SCIM, Scope.TOKENS_WRITE):
        refused = tenant.call("DELETE", path, key=tenant.key(scope))
        assert refused.status_code == 403, refused.text
        assert refused.json()["required_scope"] == "admin"
    assert tenant.call("DELETE", path, key=old_token).status_code == 403
    assert len(_bindings(tenant)) == 1
    assert tenant.call("DELETE", path).status_code == 204
    assert _bindings(tenant) == []
    (unbound,) = _audit(tenant, "people-sign-in-bindings-delete")
    assert unbound["record_ids"] == {"person_id": person["id"]} and unbound["actor_key_id"]
    _signs_in_as(tenant, new_token, person)
    assert [b["subject"] for b in _bindings(tenant)] == [new_subject]
    refusal_of(tenant, old_token, code=BOUND_ELSEWHERE)
    unknown = tenant.call("DELETE", f"/v1/people/{uuid4()}/sign-in-bindings")
    assert unknown.status_code == 404 and unknown.json()["code"] == "not_found"


def test_one_account_signs_in_as_one_person(tenant: Tenant, issuer: Issuer) -> None:
    first, second = tenant.person(), tenant.person()
    audience = enable_oidc(tenant, issuer)
    account_token = issuer.id_token(audience, email=first["email"])
    _signs_in_as(tenant, account_token, first)
    # A key gives the account's email to someone else: the account stays the first person's.
    for person, email in ((first, _attacker_email()), (second, first["email"])):
        response = tenant.call("PATCH", f"/v1/people/{person['id']}", json={"email": email})
        assert response.status_code == 200, response.text
    _signs_in_as(tenant, account_token, first)
    assert [b["person_id"] for b in _bindings(tenant)] == [first["id"]]
    assert _bindings(tenant, person_id=second["id"]) == []


def test_bindings_are_kept_per_issuer(tenant: Tenant, issuer: Issuer) -> None:
    """Moving to another provider binds people afresh there; coming back finds the first
    provider's bindings in place."""
    person = tenant.person()
    first_audience = enable_oidc(tenant, issuer)
    _signs_in_as(tenant, issuer.id_token(first_audience, email=person["email"]), person)
    with local_issuer() as second:
        second_audience = enable_oidc(tenant, second)
        _signs_in_as(tenant, second.id_token(second_audience, email=person["email"]), person)
    assert sorted(b["issuer"] for b in _bindings(tenant)) == sorted([issuer.issuer, second.issuer])
    settings = issuer.sign_in_settings(first_audience)
    assert tenant.call("PUT", "/v1/sign-in", json=settings).status_code == 200
    stranger = issuer.id_token(first_audience, email=person["email"], sub="someone-else")
    refusal_of(tenant, stranger, code=BOUND_ELSEWHERE)


def test_concurrent_first_sign_ins_bind_one_account(tenant: Tenant, issuer: Issuer) -> None:
    person = tenant.person()
    audience = enable_oidc(tenant, issuer)
    accounts = [f"racer-{uuid4().hex}" for _ in range(2)]
    tokens = [
        issuer.id_token(audience, email=person["email"], sub=accounts[i % 2]) for i in range(8)
    ]
    with ThreadPoolExecutor(max_workers=len(tokens)) as pool:
        answers = list(pool.map(lambda token: caller_of(tenant, token), tokens))
    (binding,) = _bindings(tenant)
    winner = accounts.index(binding["subject"])
    for i, (status, body) in enumerate(answers):
        if i % 2 == winner:
            assert status == 200 and body["person"]["id"] == person["id"], body
        else:
            assert (status, body["code"]) == (401, BOUND_ELSEWHERE), body
    assert len(_audit(tenant, "sign-in-bindings-create")) == 1

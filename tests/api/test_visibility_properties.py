"""The privacy contract is written twice: as Python rules (`app.domain.privacy`, applied to a
record once it is loaded: GET one pair, one meeting, one note) and as SQL filters (the
repositories' list queries for a person). For any reporting tree, any pairs and any notes,
the lists a person is given hold exactly the records the Python rules let them read, and
each record a list leaves out answers 404 on its own."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from types import SimpleNamespace
from typing import Any
from uuid import UUID

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.domain.errors import NotFound
from app.domain.notes import NoteVisibility
from app.domain.pairs import PairKind
from app.domain.people import Role
from app.domain.privacy import Caller, can_see_pair, check_note_readable
from tests.conftest import Live
from tests.support.tenants import Tenant

PEOPLE = 5


@dataclass(frozen=True)
class Organization:
    """Person i's manager is one of persons 0…i-1 (or nobody); extra pairs between any two;
    one note per pair, shared or private, by its lead or its member."""

    managers: list[int | None]
    admin: int | None
    extra_pairs: list[tuple[int, int, PairKind]]
    notes: list[tuple[bool, bool]]  # (private, by the lead)


@st.composite
def organizations(draw: st.DrawFn) -> Organization:
    managers = [None] + [draw(st.none() | st.integers(0, index - 1)) for index in range(1, PEOPLE)]
    admin = draw(st.none() | st.integers(0, PEOPLE - 1))
    kinds = st.sampled_from([PairKind.MENTORSHIP, PairKind.PEER, PairKind.SKIP_LEVEL])
    two = st.lists(st.integers(0, PEOPLE - 1), min_size=2, max_size=2, unique=True)
    extra = draw(st.lists(st.tuples(two, kinds), max_size=3, unique_by=lambda e: tuple(e[0])))
    extra_pairs = [(lead, member, kind) for (lead, member), kind in extra]
    notes = draw(st.lists(st.tuples(st.booleans(), st.booleans()), min_size=8, max_size=8))
    return Organization(managers, admin, extra_pairs, notes)


def _managers_above(organization: Organization, index: int) -> set[int]:
    above, manager = set(), organization.managers[index]
    while manager is not None:
        above.add(manager)
        manager = organization.managers[manager]
    return above


def _listed(tenant: Tenant, path: str, token: str) -> set[str]:
    response = tenant.call("GET", path, key=token, params={"limit": 200})
    assert response.status_code == 200, response.text
    return {record["id"] for record in response.json()["data"]}


def _readable(tenant: Tenant, path: str, token: str) -> bool:
    status = tenant.call("GET", path, key=token).status_code
    assert status in (200, 404), status
    return status == 200


def _caller(person: dict[str, Any], org_id: UUID) -> Caller:
    """The person as the domain's rules see them (the fields the rules read)."""
    role = Role(person["role"])
    return Caller(org_id=org_id, person=SimpleNamespace(id=UUID(person["id"]), role=role))  # type: ignore[arg-type]


Records = list[dict[str, Any]]


def _build(tenant: Tenant, organization: Organization) -> tuple[Records, Records]:
    people: list[dict[str, Any]] = []
    for index, manager in enumerate(organization.managers):
        fields: dict[str, Any] = {"name": f"P{index}"}
        if manager is not None:
            fields["manager_id"] = people[manager]["id"]
        if organization.admin == index:
            fields["role"] = "admin"
        people.append(tenant.person(**fields))
    for lead, member, kind in organization.extra_pairs:
        response = tenant.call(
            "POST",
            "/v1/pairs",
            json={"lead_id": people[lead]["id"], "member_id": people[member]["id"], "kind": kind},
        )
        assert response.status_code in (201, 409, 422), response.text
    pairs = tenant.call("GET", "/v1/pairs", params={"limit": 200}).json()["data"]
    return people, pairs


def _token(tenant: Tenant, person: dict[str, Any]) -> str:
    response = tenant.call("POST", "/v1/person-tokens", json={"person_id": person["id"]})
    assert response.status_code == 200, response.text
    token: str = response.json()["token"]
    return token


def _in_pair(person: dict[str, Any], pair: dict[str, Any]) -> bool:
    return person["id"] in (pair["lead_id"], pair["member_id"])


def _sees(
    caller: Caller, pair: dict[str, Any], people: Records, organization: Organization
) -> bool:
    """The Python rule, with the managers above the lead taken from the generated tree."""
    lead = next(i for i, person in enumerate(people) if person["id"] == pair["lead_id"])
    above = {UUID(people[m]["id"]) for m in _managers_above(organization, lead)}
    members = {UUID(pair["lead_id"]), UUID(pair["member_id"])}
    domain_pair = SimpleNamespace(includes=members.__contains__)
    return can_see_pair(caller, domain_pair, above)  # type: ignore[arg-type]


def _note_readable(caller: Caller, note: dict[str, Any]) -> bool:
    domain_note = SimpleNamespace(
        author_id=UUID(note["author_id"]),
        visibility=NoteVisibility(note["visibility"]),
        id=UUID(note["id"]),
    )
    try:
        check_note_readable(caller, domain_note)  # type: ignore[arg-type]
    except NotFound:
        return False
    return True


def test_lists_hold_exactly_what_the_rules_let_a_person_read(live: Live) -> None:
    @settings(
        max_examples=12,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(organizations())
    def check(organization: Organization) -> None:
        live.clock.pinned = None
        tenant = live.tenant()
        people, pairs = _build(tenant, organization)
        tokens = {person["id"]: _token(tenant, person) for person in people}
        meetings, notes = [], []
        for number, pair in enumerate(pairs):
            meeting = tenant.meeting(pair["id"], timedelta(days=3 + number))
            meetings.append((pair, meeting))
            private, by_lead = organization.notes[number % len(organization.notes)]
            author = pair["lead_id"] if by_lead else pair["member_id"]
            written = tenant.call(
                "POST",
                f"/v1/meetings/{meeting['id']}/notes",
                key=tokens[author],
                json={"body": "x", "visibility": "private" if private else "shared"},
            )
            assert written.status_code == 201, written.text
            notes.append((pair, meeting, written.json()))

        for person in people:
            token = tokens[person["id"]]
            caller = _caller(person, tenant.org_id)
            visible_pairs = {p["id"] for p in pairs if _sees(caller, p, people, organization)}
            assert _listed(tenant, "/v1/pairs", token) == visible_pairs
            for pair in pairs:
                readable = _readable(tenant, f"/v1/pairs/{pair['id']}", token)
                assert readable == (pair["id"] in visible_pairs)

            for pair, meeting, note in notes:
                readable = _in_pair(person, pair) and _note_readable(caller, note)
                listed = set()
                if _in_pair(person, pair):
                    listed = _listed(tenant, f"/v1/meetings/{meeting['id']}/notes", token)
                assert (note["id"] in listed) == readable
                assert _readable(tenant, f"/v1/notes/{note['id']}", token) == readable

            own = {meeting["id"] for pair, meeting in meetings if _in_pair(person, pair)}
            assert _listed(tenant, "/v1/meetings", token) == own
            for pair, meeting in meetings:
                readable = _readable(tenant, f"/v1/meetings/{meeting['id']}", token)
                assert readable == _in_pair(person, pair)

    check()

"""Rule 8 with auto_pairs, whichever way a change arrives: after any sequence of SCIM calls,
directory syncs and REST edits, each active person with an active manager has exactly one
live `manager_report` pair, with that manager, and no other; everyone else has none."""

from __future__ import annotations

from collections import Counter
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from app.domain.access import Scope
from tests.conftest import Live

POOL = 6  # people p0…p5, known to every surface by the same identifier
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
someone = st.integers(0, POOL - 1)
maybe_someone = st.none() | someone


def test_reporting_pairs_follow_every_surface(live: Live) -> None:
    class ReportingLines(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            live.clock.pinned = None
            self.tenant = live.tenant()
            self.scim_key = self.tenant.key(Scope.SCIM)

        # -- what the organization holds --------------------------------------------------

        def people(self) -> dict[str, dict[str, Any]]:
            listed = self.tenant.call("GET", "/v1/people", params={"limit": 200}).json()
            return {p["external_id"] or p["username"]: p for p in listed["data"]}

        def id_of(self, index: int) -> str | None:
            found = self.people().get(f"p{index}")
            return None if found is None else str(found["id"])

        def scim(self, method: str, path: str, body: Any = None) -> int:
            response = self.tenant.call(method, f"/scim/v2{path}", key=self.scim_key, json=body)
            assert response.status_code < 500, response.text
            return response.status_code

        # -- SCIM -------------------------------------------------------------------------

        @rule(index=someone, manager=maybe_someone)
        def scim_provisions(self, index: int, manager: int | None) -> None:
            """The manager may not exist yet: the reference waits for them."""
            body: dict[str, Any] = {"userName": f"p{index}", "externalId": f"p{index}"}
            if manager is not None:
                body[ENTERPRISE] = {"manager": {"value": f"p{manager}"}}
            assert self.scim("POST", "/Users", body) in (201, 400, 409)

        @rule(index=someone, manager=maybe_someone)
        def scim_moves(self, index: int, manager: int | None) -> None:
            person = self.id_of(index)
            if person is None:
                return
            path = f"{ENTERPRISE}:manager"
            if manager is None:
                operation: dict[str, Any] = {"op": "Replace", "path": path, "value": ""}
            else:
                operation = {"op": "Add", "path": path, "value": self.id_of(manager) or "later"}
            body = {"schemas": [PATCH], "Operations": [operation]}
            assert self.scim("PATCH", f"/Users/{person}", body) in (200, 400, 404, 409)

        @rule(index=someone, active=st.sampled_from(["True", "False"]))
        def scim_activates(self, index: int, active: str) -> None:
            person = self.id_of(index)
            if person is None:
                return
            body = {
                "schemas": [PATCH],
                "Operations": [{"op": "Replace", "path": "active", "value": active}],
            }
            assert self.scim("PATCH", f"/Users/{person}", body) in (200, 404, 409)

        @rule(index=someone)
        def scim_deletes(self, index: int) -> None:
            person = self.id_of(index)
            if person is not None:
                assert self.scim("DELETE", f"/Users/{person}") in (204, 404)

        # -- REST -------------------------------------------------------------------------

        @rule(index=someone, manager=maybe_someone)
        def rest_moves(self, index: int, manager: int | None) -> None:
            person = self.id_of(index)
            if person is None:
                return
            body = {"manager_id": None if manager is None else self.id_of(manager)}
            response = self.tenant.call("PATCH", f"/v1/people/{person}", json=body)
            assert response.status_code in (200, 409, 422), response.text

        @rule(index=someone, leaves=st.booleans())
        def rest_leaves_or_returns(self, index: int, leaves: bool) -> None:
            person = self.id_of(index)
            if person is None:
                return
            action = "deactivate" if leaves else "reactivate"
            response = self.tenant.call("POST", f"/v1/people/{person}/{action}")
            assert response.status_code in (200, 409), response.text

        # -- directory sync ---------------------------------------------------------------

        @rule(
            rows=st.dictionaries(someone, maybe_someone, min_size=1, max_size=POOL),
            deactivate_missing=st.booleans(),
        )
        def syncs(self, rows: dict[int, int | None], deactivate_missing: bool) -> None:
            people = [
                {
                    "external_id": f"p{index}",
                    "name": f"Person {index}",
                    **({} if manager is None else {"manager_external_id": f"p{manager}"}),
                }
                for index, manager in rows.items()
            ]
            response = self.tenant.call(
                "POST",
                "/v1/directory/sync",
                json={"people": people, "deactivate_missing": deactivate_missing},
            )
            assert response.status_code in (200, 409, 422), response.text

        # -- the invariant ----------------------------------------------------------------

        @invariant()
        def each_active_person_has_exactly_their_reporting_pair(self) -> None:
            people = {p["id"]: p for p in self.people().values()}
            live_pairs = [
                (pair["lead_id"], pair["member_id"])
                for status in ("active", "paused")
                for pair in self.tenant.call(
                    "GET",
                    "/v1/pairs",
                    params={"kind": "manager_report", "status": status, "limit": 200},
                ).json()["data"]
            ]
            as_member = Counter(member for _, member in live_pairs)
            for person in people.values():
                manager = people.get(person["manager_id"]) if person["manager_id"] else None
                if person["active"] and manager is not None and manager["active"]:
                    assert as_member[person["id"]] == 1, person
                    assert (manager["id"], person["id"]) in live_pairs, person
                else:
                    assert as_member[person["id"]] == 0, person

    run_state_machine_as_test(
        ReportingLines,
        settings=settings(
            max_examples=10,
            stateful_step_count=15,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )

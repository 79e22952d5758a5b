"""Property tests of the lifecycle rules: random sequences of operations through the API.

- No person ever has two overlapping scheduled meetings, across all their pairs.
- Completing a meeting of an active pair leaves a future meeting booked, unless every one of
  the ten cadence candidates conflicted.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from itertools import combinations
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from app.domain.meetings import overlaps
from tests.conftest import Live
from tests.support.tenants import Tenant

HOUR = timedelta(hours=1)


def _at(value: str) -> datetime:
    return datetime.fromisoformat(value)


def _scheduled(tenant: Tenant) -> list[dict[str, Any]]:
    params = {"status": "scheduled", "limit": 200}
    data: list[dict[str, Any]] = tenant.call("GET", "/v1/meetings", params=params).json()["data"]
    return data


def test_lifecycle_rules_hold_under_any_sequence(live: Live) -> None:
    class Lifecycle(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            live.clock.pinned = live.clock()
            self.tenant = live.tenant()
            people = [self.tenant.person()["id"] for _ in range(4)]
            self.pairs = [
                self.tenant.pair(lead_id=a, member_id=b, cadence_days=7)
                for a, b in combinations(people, 2)
            ][:4]
            self.people_of = {p["id"]: (p["lead_id"], p["member_id"]) for p in self.pairs}

        def _pick_scheduled(self, index: int) -> dict[str, Any] | None:
            meetings = _scheduled(self.tenant)
            return meetings[index % len(meetings)] if meetings else None

        @rule(
            pair=st.integers(0, 3),
            hours=st.integers(1, 24 * 21),
            minutes=st.sampled_from([30, 45, 60, 120]),
        )
        def schedule(self, pair: int, hours: int, minutes: int) -> None:
            start = live.clock() + hours * HOUR
            response = self.tenant.call(
                "POST",
                "/v1/meetings",
                json={
                    "pair_id": self.pairs[pair]["id"],
                    "starts_at": start.isoformat(),
                    "duration_minutes": minutes,
                },
            )
            assert response.status_code in (201, 409, 422), response.text

        @rule(longest=st.sampled_from([60, 120]))
        def policy_changes(self, longest: int) -> None:
            """A shorter maximum must not hide longer meetings booked before it."""
            response = self.tenant.call(
                "PATCH", "/v1/policy", json={"max_duration_minutes": longest}
            )
            assert response.status_code == 200, response.text

        @rule(index=st.integers(0, 50), hours=st.integers(-48, 48))
        def reschedule(self, index: int, hours: int) -> None:
            meeting = self._pick_scheduled(index)
            if meeting is None:
                return
            start = _at(meeting["starts_at"]) + hours * HOUR
            response = self.tenant.call(
                "PATCH", f"/v1/meetings/{meeting['id']}", json={"starts_at": start.isoformat()}
            )
            assert response.status_code in (200, 409, 422), response.text

        @rule(index=st.integers(0, 50))
        def cancel(self, index: int) -> None:
            meeting = self._pick_scheduled(index)
            if meeting is None:
                return
            lead, _ = self.people_of[meeting["pair_id"]]
            response = self.tenant.call(
                "POST",
                f"/v1/meetings/{meeting['id']}/cancel",
                json={"canceled_by_id": lead, "reason": "conflict"},
            )
            assert response.status_code == 200, response.text

        @rule(index=st.integers(0, 50))
        def complete(self, index: int) -> None:
            meeting = self._pick_scheduled(index)
            if meeting is None:
                return
            live.clock.pinned = max(live.clock(), _at(meeting["starts_at"]))
            response = self.tenant.call("POST", f"/v1/meetings/{meeting['id']}/complete", json={})
            assert response.status_code == 200, response.text
            result = response.json()
            if result["next_meeting"] is not None:
                assert _at(result["next_meeting"]["starts_at"]) > live.clock()
                return
            assert result["next_meeting_reason"] == "no_free_slot"
            self._every_candidate_conflicts(meeting)

        def _every_candidate_conflicts(self, held: dict[str, Any]) -> None:
            step = timedelta(days=7)
            k = 1
            while _at(held["starts_at"]) + k * step <= live.clock():
                k += 1
            people = set(self.people_of[held["pair_id"]])
            busy = [
                m for m in _scheduled(self.tenant) if people & set(self.people_of[m["pair_id"]])
            ]
            duration = next(p for p in self.pairs if p["id"] == held["pair_id"])["duration_minutes"]
            for offset in range(10):
                candidate = _at(held["starts_at"]) + (k + offset) * step
                assert any(
                    overlaps(
                        candidate,
                        duration,
                        _at(m["starts_at"]),
                        m["duration_minutes"],
                    )
                    for m in busy
                ), f"candidate {candidate} was free but nothing was booked"

        @rule(hours=st.integers(1, 24 * 10))
        def time_passes(self, hours: int) -> None:
            live.clock.advance(hours * HOUR)

        @invariant()
        def nobody_is_double_booked(self) -> None:
            by_person: dict[str, list[dict[str, Any]]] = {}
            for meeting in _scheduled(self.tenant):
                for person in self.people_of[meeting["pair_id"]]:
                    by_person.setdefault(person, []).append(meeting)
            for meetings in by_person.values():
                for a, b in combinations(meetings, 2):
                    assert not overlaps(
                        _at(a["starts_at"]),
                        a["duration_minutes"],
                        _at(b["starts_at"]),
                        b["duration_minutes"],
                    ), (a, b)

    try:
        run_state_machine_as_test(
            Lifecycle,
            settings=settings(
                max_examples=12,
                stateful_step_count=12,
                deadline=None,
                database=None,
                suppress_health_check=list(HealthCheck),
            ),
        )
    finally:
        live.clock.pinned = None

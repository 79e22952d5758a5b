"""Metrics over REST: a worked example end to end, rollups from sums, CSV, order and paging,
scopes, bad input and the number of statements."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from typing import Any

import pytest

from app.domain.metric_figures import SIGNAL_MESSAGES, SignalCode
from tests.conftest import Live
from tests.support.tenants import Tenant

BASE = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
DAY = timedelta(days=1)


def _at(live: Live, instant: datetime) -> None:
    live.clock.pinned = instant


def _history(live: Live, tenant: Tenant, lead: dict[str, Any] | None = None) -> dict[str, Any]:
    """Held (30 min, 3 items, rated 4), canceled late by the lead, held again 15 days after
    the first (15 of 30 minutes, rated 5); now is 20 days after the pair started."""
    _at(live, BASE)
    lead = lead or tenant.person()
    pair = tenant.pair(lead_id=lead["id"], cadence_days=14)
    lead_id, member_id = pair["lead_id"], pair["member_id"]
    first = tenant.meeting(pair["id"], DAY)
    discussed = [
        tenant.create(
            f"/v1/meetings/{first['id']}/agenda-items",
            {"author_id": author, "title": "Topic", "kind": kind},
        )["id"]
        for author, kind in (
            (member_id, "win"),
            (member_id, "challenge"),
            (lead_id, "status_update"),
        )
    ]
    _at(live, BASE + DAY + timedelta(hours=1))
    done = tenant.call(
        "POST",
        f"/v1/meetings/{first['id']}/complete",
        json={"actual_minutes": 30, "discussed_item_ids": discussed},
    )
    booked = done.json()["next_meeting"]  # BASE + 15 days
    tenant.create(f"/v1/meetings/{first['id']}/ratings", {"person_id": member_id, "score": 4})
    _at(live, BASE + 14 * DAY + timedelta(hours=12))  # 12 hours before: late
    canceled = tenant.call(
        "POST",
        f"/v1/meetings/{booked['id']}/cancel",
        json={"canceled_by_id": lead_id, "reason": "conflict"},
    )
    assert canceled.status_code == 200, canceled.text
    second = tenant.meeting(pair["id"], DAY + timedelta(hours=12))  # BASE + 16 days
    _at(live, BASE + 16 * DAY + timedelta(hours=1))
    done = tenant.call("POST", f"/v1/meetings/{second['id']}/complete", json={"actual_minutes": 15})
    assert done.status_code == 200, done.text
    tenant.create(f"/v1/meetings/{second['id']}/ratings", {"person_id": lead_id, "score": 5})
    _at(live, BASE + 20 * DAY)
    return pair


def test_a_pair_s_metrics_follow_the_published_formulas(live: Live, tenant: Tenant) -> None:
    pair = _history(live, tenant)
    response = tenant.call("GET", f"/v1/pairs/{pair['id']}/metrics")
    assert response.status_code == 200, response.text
    body = response.json()
    m = body["data"]
    assert body["window"] == {"from": "2025-12-22T09:00:00Z", "to": "2026-03-22T09:00:00Z"}
    assert body["policy"] == {"target_cadence_days": 14, "grace_days": 2, "late_cancel_hours": 24}
    assert (m["held"], m["canceled"], m["unrecorded"], m["slots"]) == (2, 1, 0, 3)
    assert m["held_rate"] == 2 / 3 and m["cancel_rate"] == 1 / 3
    assert m["late_cancel_rate"] == 1 / 3 and m["lead_cancel_share"] == 1.0
    assert m["gap_count"] == 1 and m["max_gap_days"] == 15.0 and m["cadence_adherence"] == 1.0
    assert m["coverage"] == 1.0  # D = 20 days: expected max(1, floor(20 / 14)) = 1
    assert (m["agenda_items"], m["member_share"], m["status_share"]) == (3, 2 / 3, 1 / 3)
    assert m["commitments_due"] == 0 and m["follow_through_rate"] is None
    assert m["shortened_share"] == 0.5 and m["rating_avg"] == 4.5
    assert m["next_meeting_booked"] is True and m["cadence_state"] == "on_track"
    # 25·2/3 + 25·1 + 20·1 + 10·2/3 + 10·2/3 + 10·1 = 85
    assert m["health_score"] == 85
    assert [s["code"] for s in m["signals"]] == ["frequent_cancellations", "late_cancellations"]
    for content in ("Topic", "conflict"):
        assert content not in response.text


def test_a_window_before_the_pair_gives_nulls_not_errors(live: Live, tenant: Tenant) -> None:
    pair = _history(live, tenant)
    window = {"from": "2025-01-01T00:00:00Z", "to": "2025-02-01T00:00:00Z"}
    m = tenant.call("GET", f"/v1/pairs/{pair['id']}/metrics", params=window).json()["data"]
    assert m["slots"] == 0 and m["held_rate"] is None and m["health_score"] is None
    assert m["health_components"] is None and m["rating_avg"] is None


def test_rollups_recompute_rates_from_sums(live: Live, tenant: Tenant) -> None:
    lead = tenant.person()
    _history(live, tenant, lead)
    quiet = tenant.pair(lead_id=lead["id"], cadence_days=14)  # no meetings at all
    rows = tenant.call("GET", "/v1/metrics/pairs", params={"lead_id": lead["id"]}).json()["data"]
    assert {row["pair_id"] for row in rows} >= {quiet["id"]} and len(rows) == 2
    body = tenant.call(
        "GET", "/v1/metrics/summary", params={"scope": "lead", "person_id": lead["id"]}
    ).json()
    summary = body["data"]
    assert summary["pairs"] == 2 and summary["counts"]["slots"] == 3
    assert summary["rates"]["held_rate"] == 2 / 3  # not the mean of 2/3 and null
    assert summary["states"]["unbooked"] == 1 and summary["states"]["on_track"] == 1
    assert summary["health"]["scored_pairs"] == 1  # the quiet pair is too new to judge
    assert summary["signals"]["no_next_meeting"] == 1
    assert summary["signals"]["late_cancellations"] == 1
    # The quiet pair started now (D = 0): it is not expected to have met yet.
    assert summary["expected_meetings"] == 1 and summary["covered_meetings"] == 1
    assert summary["health"]["median"] == summary["health"]["mean"] == 85
    assert body["window"]["to"] == "2026-03-22T09:00:00Z"


def test_an_empty_organization_rolls_up_to_nulls(live: Live, tenant: Tenant) -> None:
    live.clock.pinned = None
    summary = tenant.call("GET", "/v1/metrics/summary", params={"scope": "org"}).json()["data"]
    assert summary["pairs"] == 0 and summary["coverage"] is None
    assert summary["rates"]["held_rate"] is None and summary["health"]["median"] is None
    points = tenant.call(
        "GET", "/v1/metrics/timeseries", params={"scope": "org", "bucket": "month"}
    ).json()["data"]
    assert 3 <= len(points) <= 4 and all(p["counts"]["slots"] == 0 for p in points)


def test_teams_include_everyone_below_the_manager(live: Live, tenant: Tenant) -> None:
    live.clock.pinned = None
    top = tenant.person()
    middle = tenant.person(manager_id=top["id"])
    below = tenant.person(manager_id=middle["id"])
    tenant.person(manager_id=below["id"])  # below leads a manager_report pair too
    for scope, person, pairs in (("team", top, 3), ("team", middle, 2), ("lead", middle, 1)):
        params = {"scope": scope, "person_id": person["id"]}
        summary = tenant.call("GET", "/v1/metrics/summary", params=params).json()["data"]
        assert summary["pairs"] == pairs, (scope, person["name"])
    listed = tenant.call("GET", "/v1/metrics/pairs", params={"team_of": middle["id"]}).json()
    assert {row["lead_id"] for row in listed["data"]} == {middle["id"], below["id"]}
    token = tenant.call("POST", "/v1/person-tokens", json={"person_id": below["id"]}).json()
    mine = {"scope": "team", "person_id": below["id"]}
    theirs = {"scope": "team", "person_id": middle["id"]}
    assert tenant.call("GET", "/v1/metrics/summary", key=token["token"], params=mine).is_success
    refused = tenant.call("GET", "/v1/metrics/summary", key=token["token"], params=theirs)
    assert refused.status_code == 403 and refused.json()["code"] == "not_your_team"
    org = tenant.call("GET", "/v1/metrics/summary", key=token["token"], params={"scope": "org"})
    assert org.status_code == 403 and org.json()["code"] == "not_your_team"


def test_time_series_buckets_add_up_to_the_window(live: Live, tenant: Tenant) -> None:
    lead = tenant.person()
    _history(live, tenant, lead)
    window = {"from": "2026-02-25T00:00:00Z", "to": "2026-03-22T00:00:00Z"}
    params = {"scope": "lead", "person_id": lead["id"], **window}
    body = tenant.call("GET", "/v1/metrics/timeseries", params={**params, "bucket": "week"}).json()
    points = body["data"]
    assert body["bucket"] == "week" and body["window"] == window
    assert points[0]["window"]["from"] == window["from"]  # a Wednesday: clipped
    assert points[1]["window"]["from"] == "2026-03-02T00:00:00Z"  # then ISO weeks
    assert points[-1]["window"]["to"] == window["to"]
    for earlier, later in pairwise(points):
        assert earlier["window"]["to"] == later["window"]["from"]
    summary = tenant.call("GET", "/v1/metrics/summary", params=params).json()["data"]
    for count in ("held", "canceled", "slots", "agenda_items", "rating_count"):
        assert sum(p["counts"][count] for p in points) == summary["counts"][count], count
    weekly_held = [p["counts"]["held"] for p in points]
    assert weekly_held == [0, 1, 0, 1]  # March 3 and March 18


def _csv(response: Any) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(response.text)))


def test_csv_has_the_json_fields_as_columns(live: Live, tenant: Tenant) -> None:
    lead = tenant.person()
    pair = _history(live, tenant, lead)
    tenant.pair(lead_id=lead["id"])
    query = {"lead_id": lead["id"]}
    json_rows = tenant.call("GET", "/v1/metrics/pairs", params=query).json()["data"]
    by_format = tenant.call("GET", "/v1/metrics/pairs", params={**query, "format": "csv"})
    by_accept = tenant.call(
        "GET", "/v1/metrics/pairs", params=query, headers={"Accept": "text/csv"}
    )
    assert by_format.headers["content-type"].startswith("text/csv")
    assert by_format.text == by_accept.text
    assert "from=" in by_format.headers["rapport-window"]
    rows = _csv(by_format)
    assert [row["pair_id"] for row in rows] == [row["pair_id"] for row in json_rows]
    flat_fields = {name for name, value in json_rows[0].items() if not isinstance(value, dict)} | {
        "window.from",
        "window.to",
        "health_components.balance",
    }
    assert flat_fields <= set(rows[0])
    row = next(r for r in rows if r["pair_id"] == pair["id"])
    assert row["health_score"] == "85" and row["held_rate"] == str(2 / 3)
    assert row["signals"] == "frequent_cancellations late_cancellations"
    assert row["health_components.booked"] == "1.0" and row["follow_through_rate"] == ""
    forced_json = tenant.call(
        "GET",
        "/v1/metrics/pairs",
        params={**query, "format": "json"},
        headers={"Accept": "text/csv"},
    )
    assert forced_json.json()["data"] == json_rows


def test_health_order_pages_through_every_pair_once(live: Live, tenant: Tenant) -> None:
    lead = tenant.person()
    _history(live, tenant, lead)
    for cadence in (7, 21):
        tenant.pair(lead_id=lead["id"], cadence_days=cadence)
    seen: list[dict[str, Any]] = []
    params: dict[str, Any] = {"lead_id": lead["id"], "sort": "-health_score", "limit": 1}
    while True:
        page = tenant.call("GET", "/v1/metrics/pairs", params=params).json()
        seen += page["data"]
        if page["next_cursor"] is None:
            break
        params["cursor"] = page["next_cursor"]
    scores = [row["health_score"] for row in seen]
    assert len(seen) == 3 and len({row["pair_id"] for row in seen}) == 3
    scored = [s for s in scores if s is not None]
    assert scored == sorted(scored, reverse=True) and scores[: len(scored)] == scored
    export = {"lead_id": lead["id"], "sort": "-health_score", "format": "csv"}
    exported = tenant.call("GET", "/v1/metrics/pairs", params=export)
    assert [row["pair_id"] for row in _csv(exported)] == [row["pair_id"] for row in seen]
    signal = {"lead_id": lead["id"], "signal": SignalCode.INFREQUENT_CADENCE.value}
    flagged = tenant.call("GET", "/v1/metrics/pairs", params=signal).json()["data"]
    assert [row["cadence_days"] for row in flagged] == [21]
    # In health order the signal is read from the tallies the order is made of: the same pair.
    by_health = {**signal, "sort": "health_score"}
    assert tenant.call("GET", "/v1/metrics/pairs", params=by_health).json()["data"] == flagged


@pytest.mark.parametrize(
    ("path", "params", "code"),
    [
        (
            "/v1/metrics/summary",
            {"scope": "org", "from": "2026-02-01T00:00:00Z", "to": "2026-02-01T00:00:00Z"},
            "invalid_window",
        ),
        (
            "/v1/metrics/summary",
            {"scope": "org", "from": "2022-01-01T00:00:00Z", "to": "2025-01-02T00:00:00Z"},
            "window_too_long",
        ),
        ("/v1/metrics/summary", {"scope": "division"}, "validation_error"),
        ("/v1/metrics/summary", {"scope": "team"}, "invalid_scope"),
        ("/v1/metrics/summary", {}, "missing_field"),
        ("/v1/metrics/timeseries", {"scope": "org", "bucket": "day"}, "validation_error"),
        (
            "/v1/metrics/timeseries",
            {"scope": "org", "bucket": "week", "to": "2026-02-01T00:00:00"},
            "naive_timestamp",
        ),
        ("/v1/metrics/pairs", {"signal": "grumpy"}, "validation_error"),
        ("/v1/metrics/pairs", {"sort": "health_score", "cursor": "nonsense"}, "invalid_cursor"),
        (
            "/v1/metrics/pairs",
            {"team_of": "018f0000-0000-7000-8000-000000000000"},
            "unknown_reference",
        ),
    ],
)
def test_bad_input_is_a_clear_problem(
    tenant: Tenant, path: str, params: dict[str, str], code: str
) -> None:
    response = tenant.call("GET", path, params=params)
    assert response.status_code == 422, response.text
    assert response.json()["code"] == code
    assert response.headers["content-type"] == "application/problem+json"


def test_the_three_year_window_is_allowed(tenant: Tenant) -> None:
    window = {"scope": "org", "from": "2022-01-01T00:00:00Z", "to": "2025-01-01T00:00:00Z"}
    assert tenant.call("GET", "/v1/metrics/summary", params=window).status_code == 200


def test_every_signal_has_a_message() -> None:
    assert set(SIGNAL_MESSAGES) == set(SignalCode)


def _populate(tenant: Tenant, pairs: int) -> str:
    lead = tenant.person()
    for day in range(1, pairs + 1):
        pair = tenant.pair(lead_id=lead["id"])
        tenant.meeting(pair["id"], timedelta(days=day))
    return str(lead["id"])


@pytest.mark.parametrize(
    ("path", "extra"),
    [
        ("/v1/metrics/pairs", {"limit": 200}),
        ("/v1/metrics/pairs", {"limit": 200, "sort": "health_score"}),
        ("/v1/metrics/pairs", {"format": "csv"}),
        ("/v1/metrics/summary", {"scope": "lead"}),
        ("/v1/metrics/timeseries", {"scope": "lead", "bucket": "week"}),
    ],
)
def test_statements_do_not_grow_with_the_pairs(
    live: Live, path: str, extra: dict[str, Any]
) -> None:
    live.clock.pinned = None
    counts = []
    for size in (1, 8):
        tenant = live.tenant()
        lead = _populate(tenant, size)
        key = "person_id" if "scope" in extra else "lead_id"
        with live.statements.measure() as counter:
            response = tenant.call("GET", path, params={key: lead, **extra})
        assert response.status_code == 200, response.text
        counts.append(counter.count)
    # Authenticate, the policy, the people the query names, the one metrics statement (and
    # its read transaction for the CSV stream).
    assert counts[0] == counts[1] and counts[1] <= 6

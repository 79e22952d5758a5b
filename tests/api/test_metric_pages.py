"""Pages of `/v1/metrics/pairs`: the cursor carries the window, the instant and the ordering
key, so every page is measured alike and a later page in health order computes only its own
pairs (app.services.metric_pages)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from app.persistence.repositories.metrics import MetricsRepository, PairCountsRow, PairTally
from tests.conftest import Live
from tests.support.tenants import Tenant

BASE = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)
DAY = timedelta(days=1)


def _pairs(live: Live, tenant: Tenant, count: int) -> str:
    """`count` pairs of one lead, a month old, with cadences and bookings that differ."""
    live.clock.pinned = BASE
    lead = tenant.person()
    for number in range(count):
        pair = tenant.pair(lead_id=lead["id"], cadence_days=(7, 14, 21)[number % 3])
        if number % 2:
            tenant.meeting(pair["id"], (40 + number) * DAY)
    live.clock.pinned = BASE + 30 * DAY
    return str(lead["id"])


Computed = list[tuple[str, int]]  # each metrics statement: which, and how many pairs it read


@pytest.fixture
def computed(monkeypatch: pytest.MonkeyPatch) -> Iterator[Computed]:
    """How many pairs each metrics statement computed: the full counts of `pair_counts`, or
    the tallies of `pair_tallies` that an order is made from."""
    counts: Computed = []
    full, tallied = MetricsRepository.pair_counts, MetricsRepository.pair_tallies

    async def counting(self: MetricsRepository, *args: Any, **kwargs: Any) -> list[PairCountsRow]:
        rows = await full(self, *args, **kwargs)
        counts.append(("counts", len(rows)))
        return rows

    async def tallying(self: MetricsRepository, *args: Any, **kwargs: Any) -> list[PairTally]:
        rows = await tallied(self, *args, **kwargs)
        counts.append(("tallies", len(rows)))
        return rows

    monkeypatch.setattr(MetricsRepository, "pair_counts", counting)
    monkeypatch.setattr(MetricsRepository, "pair_tallies", tallying)
    yield counts


def _walk(
    live: Live, tenant: Tenant, params: dict[str, Any], computed: Computed
) -> list[tuple[dict[str, Any], Computed]]:
    """Every page (the body, and the pairs each statement computed for it), an hour apart."""
    pages = []
    while True:
        computed.clear()
        response = tenant.call("GET", "/v1/metrics/pairs", params=params)
        assert response.status_code == 200, response.text
        pages.append((response.json(), list(computed)))
        cursor = response.json()["next_cursor"]
        if cursor is None:
            return pages
        params = {**params, "cursor": cursor}
        live.clock.pinned = live.clock() + timedelta(hours=1)


@pytest.mark.parametrize("sort", ["health_score", "-health_score"])
def test_health_pages_give_every_pair_once_in_order_computing_only_the_page(
    live: Live, tenant: Tenant, computed: Computed, sort: str
) -> None:
    lead = _pairs(live, tenant, 7)
    pages = _walk(live, tenant, {"lead_id": lead, "sort": sort, "limit": 2}, computed)
    rows = [row for body, _ in pages for row in body["data"]]
    assert len(pages) == 4 and len({row["pair_id"] for row in rows}) == len(rows) == 7
    sign = -1 if sort.startswith("-") else 1
    keys = [
        (row["health_score"] is None, sign * (row["health_score"] or 0), row["pair_id"])
        for row in rows
    ]
    assert keys == sorted(keys) and len({row["health_score"] for row in rows}) > 1
    # The first page orders every pair from its tally, then computes its own three in full;
    # each later page computes only its own.
    assert pages[0][1] == [("tallies", 7), ("counts", 3)]
    assert all(
        statements == [("counts", min(3, 7 - 2 * n))]
        for n, (_, statements) in enumerate(pages[1:], 1)
    )
    assert all(body["window"] == pages[0][0]["window"] for body, _ in pages)


def test_id_pages_keep_the_window_of_the_first(
    live: Live, tenant: Tenant, computed: Computed
) -> None:
    lead = _pairs(live, tenant, 5)
    pages = _walk(live, tenant, {"lead_id": lead, "limit": 2}, computed)
    ids = [row["pair_id"] for body, _ in pages for row in body["data"]]
    assert ids == sorted(ids) and len(set(ids)) == 5
    assert all(body["window"] == pages[0][0]["window"] for body, _ in pages)


def test_a_cursor_fits_its_own_list_only(live: Live, tenant: Tenant) -> None:
    lead = _pairs(live, tenant, 3)
    first = {"lead_id": lead, "sort": "health_score", "limit": 1}
    cursor = tenant.call("GET", "/v1/metrics/pairs", params=first).json()["next_cursor"]
    window = {"from": "2026-01-01T00:00:00Z", "to": "2026-02-01T00:00:00Z"}
    refused = [
        {**first, "cursor": cursor, "sort": "pair_id"},
        {**first, "cursor": cursor, "sort": "-health_score"},
        {**first, "cursor": cursor, **window},
    ]
    for params in refused:
        response = tenant.call("GET", "/v1/metrics/pairs", params=params)
        assert response.status_code == 422, response.text
        assert response.json()["code"] == "invalid_cursor"
    live.clock.pinned = BASE  # before the instant the cursor was issued at
    later = tenant.call("GET", "/v1/metrics/pairs", params={**first, "cursor": cursor})
    assert later.status_code == 422 and later.json()["code"] == "invalid_cursor"

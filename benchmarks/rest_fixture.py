"""The REST benchmark's data, the same for `rest_api.py` and `inprocess.py`: people, pairs
and the listed pair's commitments and meetings created through the API, the bulk of the
meetings by COPY; and the two loaded requests."""

from __future__ import annotations

import asyncio
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

import harness as h
import httpx

from app.persistence.tables import MEETING_CONTENT_COUNTS

LISTED_PAIR_MEETINGS = 75  # more than a page of 50, so the list has a next_cursor
FOLLOW_UP_COMMITMENTS = 2  # open commitments of the listed pair (each meeting's follow_up)
MANAGERS = 8
REPORTS_PER_MANAGER = 5
PAGE_SIZE = 50
MEETINGS = h.CopyTable.of("meetings")
# The bulk meetings have no agenda items or ratings: their counts (kept by triggers) are 0.
NO_CONTENT = dict.fromkeys(MEETING_CONTENT_COUNTS, 0)


@dataclass(frozen=True, slots=True)
class Fixture:
    org_id: str
    key: str
    pair_id: str
    meeting_id: str
    meetings: int


def seed(client: httpx.Client, db_url: str, org_id: str, key: str, bulk_meetings: int) -> Fixture:
    """Through the API: people, pairs, the listed pair's commitments and meetings; by COPY:
    the bulk of the meetings."""
    tag = secrets.token_hex(3)

    def person(label: str) -> str:
        body = {"email": f"{label}-{tag}@bench.example", "name": label.replace("-", " ").title()}
        return h.create(client, "/v1/people", body)

    def pair(lead_id: str, member_id: str) -> str:
        body = {"lead_id": lead_id, "member_id": member_id}
        return h.create(client, "/v1/pairs", body)

    listed_member = person("listed-member")
    listed_pair = pair(person("listed-lead"), listed_member)
    for number in range(FOLLOW_UP_COMMITMENTS):  # open: every listed meeting follows them up
        body = {"pair_id": listed_pair, "owner_id": listed_member, "title": f"Follow-up {number}"}
        h.create(client, "/v1/commitments", body)
    first_start = (datetime.now(UTC) + timedelta(days=1)).replace(
        hour=9, minute=0, second=0, microsecond=0
    )
    meeting_ids = []
    for day in range(LISTED_PAIR_MEETINGS):
        starts_at = first_start + timedelta(days=day)
        body = {"pair_id": listed_pair, "starts_at": starts_at.isoformat()}
        meeting_ids.append(h.create(client, "/v1/meetings", body))

    other_pairs: list[tuple[int, UUID]] = []
    for manager in range(MANAGERS):
        lead = person(f"manager-{manager}")
        for report in range(REPORTS_PER_MANAGER):
            member = person(f"report-{manager}-{report}")
            other_pairs.append((report, UUID(pair(lead, member))))

    asyncio.run(_bulk_meetings(db_url, UUID(org_id), other_pairs, bulk_meetings))
    return Fixture(
        org_id=org_id,
        key=key,
        pair_id=listed_pair,
        meeting_id=meeting_ids[LISTED_PAIR_MEETINGS // 2],
        meetings=LISTED_PAIR_MEETINGS + bulk_meetings,
    )


async def _bulk_meetings(
    db_url: str, org_id: UUID, pairs: list[tuple[int, UUID]], total: int
) -> None:
    """Weekly 30-minute meetings per pair, half past (completed, some canceled), half ahead.

    Pairs of one manager are an hour apart, so no person has overlapping meetings.
    """
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    per_pair = -(-total // len(pairs))
    first = now.replace(hour=8) - timedelta(weeks=per_pair // 2)
    records: list[tuple[object, ...]] = []
    for index in range(total):
        slot = index // len(pairs)
        report, pair_id = pairs[index % len(pairs)]
        starts_at = first + timedelta(weeks=slot, hours=report)
        created_at = min(starts_at, now) - timedelta(days=14)
        status, canceled_at, reason, completed_at, actual = "scheduled", None, None, None, None
        if starts_at < now and slot % 10 == 3:
            status, canceled_at, reason = "canceled", starts_at - timedelta(days=1), "conflict"
        elif starts_at < now:
            status, completed_at, actual = "completed", starts_at + timedelta(minutes=30), 30
        updated_at = completed_at or canceled_at or created_at
        records.append(
            MEETINGS.row(
                id=uuid4(), org_id=org_id, pair_id=pair_id, starts_at=starts_at,
                duration_minutes=30, status=status, reschedule_count=0,
                original_starts_at=starts_at, canceled_at=canceled_at, canceled_by_id=None,
                cancel_reason=reason, completed_at=completed_at, actual_minutes=actual,
                created_at=created_at, updated_at=updated_at, version=1,
                **NO_CONTENT,
            )
        )  # fmt: skip
    async with h.connected(db_url) as connection:
        await MEETINGS.copy(connection, records)
        await connection.execute("ANALYZE")


def seed_through(server: h.Server, scratch: h.Scratch, bulk_meetings: int) -> Fixture:
    headers = {"Authorization": f"Bearer {scratch.key}"}
    with httpx.Client(base_url=server.url, headers=headers, timeout=30) as client:
        fixture = seed(client, scratch.db_url, scratch.org_id, scratch.key, bulk_meetings)
    h.log(f"seeded {fixture.meetings} meetings; listed pair {fixture.pair_id}")
    return fixture


def request_paths(fixture: Fixture) -> dict[str, str]:
    """The loaded requests, by endpoint label."""
    return {
        "GET /v1/meetings/{id}": f"/v1/meetings/{fixture.meeting_id}",
        f"GET /v1/meetings?pair_id&limit={PAGE_SIZE}": (
            f"/v1/meetings?pair_id={fixture.pair_id}&limit={PAGE_SIZE}"
        ),
    }

"""The demo's working calendar: meetings fall on weekdays within working hours (UTC), and
nobody is ever in two meetings at once."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from uuid import UUID

from app.domain.meetings import overlaps

DAY_OPENS, DAY_CLOSES = 9 * 60, 17 * 60 + 30  # working hours, minutes after midnight UTC


class Calendar:
    """Every placed meeting per person, so nobody is ever in two meetings at once."""

    def __init__(self) -> None:
        self.busy: dict[UUID, list[tuple[datetime, int]]] = {}

    def is_free(self, people: tuple[UUID, UUID], start: datetime, minutes: int) -> bool:
        return not any(
            overlaps(start, minutes, other, other_minutes)
            for person in people
            for other, other_minutes in self.busy.get(person, [])
        )

    def first_free(self, people: tuple[UUID, UUID], start: datetime, minutes: int) -> datetime:
        """The first working slot at or after `start` that is free for both people."""
        candidate = _working_time(start, minutes)
        while not self.is_free(people, candidate, minutes):
            candidate = _working_time(candidate + timedelta(minutes=30), minutes)
        return candidate

    def book(self, people: tuple[UUID, UUID], start: datetime, minutes: int) -> None:
        for person in people:
            self.busy.setdefault(person, []).append((start, minutes))


def _working_time(at: datetime, minutes: int) -> datetime:
    """The first start at or after `at` on a weekday, inside working hours (UTC)."""
    day, minute = at.date(), at.hour * 60 + at.minute + (at.second > 0 or at.microsecond > 0)
    minute = max(minute, DAY_OPENS)
    if minute + minutes > DAY_CLOSES:
        day, minute = day + timedelta(days=1), DAY_OPENS
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return datetime.combine(day, time(), UTC) + timedelta(minutes=minute)

"""The window `[from, to)` metrics are computed for, and its time-series buckets."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from app.domain.errors import InvalidInput
from app.domain.pairs import Pair

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
DEFAULT_WINDOW = timedelta(days=90)
LONGEST_WINDOW = timedelta(days=3 * 365 + 1)  # three years, a leap day included


@dataclass(frozen=True, slots=True)
class Window:
    """`[start, end)`; product.md calls them `from` and `to`."""

    start: datetime
    end: datetime


class Bucket(StrEnum):
    WEEK = "week"  # ISO week: Monday 00:00 UTC to the next Monday
    MONTH = "month"  # calendar month, UTC


def metrics_window(start: datetime | None, end: datetime | None, now: datetime) -> Window:
    """The window asked for: `to` defaults to now and `from` to 90 days before `to`."""
    end = (end or now).astimezone(UTC)
    start = (start or end - DEFAULT_WINDOW).astimezone(UTC)
    if start >= end:
        raise InvalidInput(
            "`from` must be before `to`: a window is the half-open interval [from, to).",
            code="invalid_window",
        )
    if end - start > LONGEST_WINDOW:
        raise InvalidInput(
            "A metrics window spans at most three years (1,096 days); ask for several windows.",
            code="window_too_long",
        )
    return Window(start, end)


def bucket_start(instant: datetime, bucket: Bucket) -> datetime:
    """The start of the ISO week or calendar month that holds the instant (UTC)."""
    midnight = instant.replace(hour=0, minute=0, second=0, microsecond=0)
    if bucket is Bucket.WEEK:
        return midnight - timedelta(days=midnight.weekday())
    return midnight.replace(day=1)


def _next_bucket(start: datetime, bucket: Bucket) -> datetime:
    if bucket is Bucket.WEEK:
        return start + timedelta(days=7)
    if start.month == 12:
        return start.replace(year=start.year + 1, month=1)
    return start.replace(month=start.month + 1)


def buckets(window: Window, bucket: Bucket) -> list[Window]:
    """The ISO weeks or calendar months the window touches, each clipped to the window."""
    result: list[Window] = []
    start = bucket_start(window.start, bucket)
    while start < window.end:
        end = _next_bucket(start, bucket)
        result.append(Window(max(start, window.start), min(end, window.end)))
        start = end
    return result


def microseconds(delta: timedelta) -> int:
    """A duration in whole microseconds (day figures are these / 86,400,000,000)."""
    return (delta.days * 86_400 + delta.seconds) * 10**6 + delta.microseconds


def existing_microseconds(pair: Pair, window: Window, now: datetime) -> int:
    """D: the time of the window during which the pair existed and which is not in the
    future, from max(from, started_at) to min(to, now, ended_at), or 0 if negative."""
    return existing_between(pair.started_at, pair.ended_at, window, now)


def existing_between(
    started_at: datetime, ended_at: datetime | None, window: Window, now: datetime
) -> int:
    """D for a pair that started at `started_at` and ended at `ended_at` (None: not ended)."""
    start = max(window.start, started_at)
    end = min(window.end, now, ended_at or window.end)
    return max(0, microseconds(end - start))

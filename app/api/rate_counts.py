"""Sliding-window counts kept in one process's memory, for the rate limits when no shared
store is configured (or while it cannot be reached).

The algorithm is the `limits` package's sliding window counter, the one its Redis storage
runs for replicas together: a count per fixed window, the previous window's count weighed
by the share of it still inside the sliding window. `limits`' own in-memory storage for
asyncio schedules a task to expire its keys on every hit, two per request, and reaches each
count through a lock and several awaits: about 6% of a small request's CPU
(docs/decisions.md, "Rate limits counted in memory"). Here the counts are plain
arithmetic on a dictionary the event loop alone touches, and windows too old to weigh are
dropped as the dictionary is swept every `SWEEP_EVERY` hits."""

from __future__ import annotations

import math
from dataclasses import dataclass

from limits import RateLimitItem

SWEEP_EVERY = 10_000


@dataclass(slots=True)
class _Windows:
    """One budget's counts: its window length, the current fixed window's number and count,
    and the count of the window before it."""

    expiry: int
    number: int
    current: int = 0
    previous: int = 0


@dataclass(frozen=True, slots=True)
class WindowStanding:
    """Where a budget stands after a request: what is left of it, and in how many seconds
    it next grows (as `limits`' window statistics give them)."""

    remaining: int
    reset_seconds: float


class SlidingWindowCounts:
    """The budgets' counts of this process."""

    def __init__(self) -> None:
        # By the budget's amount and window too, as `limits` keys them: a changed budget
        # starts counting afresh.
        self._windows: dict[tuple[int, int, tuple[str, ...]], _Windows] = {}
        self._hits = 0

    def hit(self, item: RateLimitItem, key: tuple[str, ...], now: float) -> bool:
        """Spend one from the budget, unless that would exceed it (then nothing is spent)."""
        self._hits += 1
        if self._hits % SWEEP_EVERY == 0:
            self._sweep(now)
        windows = self._current(item, key, now)
        if math.floor(self._weighted(item, windows, now)) + 1 > item.amount:
            return False
        windows.current += 1
        return True

    def standing(self, item: RateLimitItem, key: tuple[str, ...], now: float) -> WindowStanding:
        """What is left of the budget, and in how many seconds it next grows."""
        windows = self._current(item, key, now)
        remaining = max(0, item.amount - math.floor(self._weighted(item, windows, now)))
        if not (windows.previous or windows.current):
            return WindowStanding(remaining, 0.0)
        expiry = item.get_expiry()
        reset_in = math.inf
        if windows.previous:
            reset_in = _previous_expires_in(expiry, now) % (expiry / windows.previous)
        if windows.current:
            reset_in = min(reset_in, ((1 - ((now / expiry) % 1)) * expiry + expiry) % expiry)
        return WindowStanding(remaining, reset_in)

    def _current(self, item: RateLimitItem, key: tuple[str, ...], now: float) -> _Windows:
        """The budget's counts, moved on to the window `now` falls in."""
        expiry = item.get_expiry()
        number = int(now // expiry)
        counted = (item.amount, expiry, key)
        windows = self._windows.get(counted)
        if windows is None:
            windows = self._windows[counted] = _Windows(expiry, number)
        elif windows.number != number:
            windows.previous = windows.current if windows.number == number - 1 else 0
            windows.current, windows.number = 0, number
        return windows

    @staticmethod
    def _weighted(item: RateLimitItem, windows: _Windows, now: float) -> float:
        expiry = item.get_expiry()
        weight = _previous_expires_in(expiry, now) / expiry if windows.previous else 0.0
        return windows.previous * weight + windows.current

    def _sweep(self, now: float) -> None:
        """Forget the budgets whose both windows lie behind `now`: they weigh nothing."""
        stale = [
            key
            for key, windows in self._windows.items()
            if windows.number < int(now // windows.expiry) - 1
        ]
        for key in stale:
            del self._windows[key]


def _previous_expires_in(expiry: int, now: float) -> float:
    """Seconds until the previous window no longer weighs (`limits`' formula)."""
    return (1 - (((now - expiry) / expiry) % 1)) * expiry

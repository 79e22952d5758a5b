"""The rate limits' counts in one process's memory give what the `limits` package's sliding
window counter gives over the same hits at the same instants: the same hits allowed, the
same remaining budget, the same seconds until it grows."""

from __future__ import annotations

import asyncio
import time
from unittest.mock import patch

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from limits import RateLimitItem, parse
from limits.aio.storage import MemoryStorage
from limits.aio.strategies import SlidingWindowCounterRateLimiter

from app.api.rate_counts import SWEEP_EVERY, SlidingWindowCounts

START = 1_700_000_000.25
BUDGETS = (parse("3/10 seconds"), parse("5/minute"))
KEYS = (("org", "key", "a"), ("org", "key", "b"), ("org", "organization"))

# Seconds between two hits (from none to past two windows), and which budget and key.
hits = st.lists(
    st.tuples(
        st.sampled_from((0.0, 0.01, 0.5, 1.0, 2.5, 4.99, 9.0, 10.0, 30.0, 61.0, 125.0)),
        st.integers(0, len(BUDGETS) - 1),
        st.integers(0, len(KEYS) - 1),
    ),
    min_size=1,
    max_size=60,
)


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> float:
        return self.now


async def _compare(steps: list[tuple[float, int, int]], clock: Clock) -> None:
    theirs = SlidingWindowCounterRateLimiter(MemoryStorage())
    ours = SlidingWindowCounts()
    for advance, budget, key in steps:
        clock.now += advance
        item: RateLimitItem = BUDGETS[budget]
        ids = KEYS[key]
        assert ours.hit(item, ids, clock.now) == await theirs.hit(item, *ids)
        expected = await theirs.get_window_stats(item, *ids)
        standing = ours.standing(item, ids, clock.now)
        assert standing.remaining == expected.remaining
        assert standing.reset_seconds == pytest.approx(expected.reset_time - clock.now, abs=1e-6)


@settings(max_examples=150, deadline=None)
@given(steps=hits)
def test_the_counts_in_memory_are_limits_sliding_window_counter(
    steps: list[tuple[float, int, int]],
) -> None:
    clock = Clock()
    with patch.object(time, "time", clock):
        asyncio.run(_compare(steps, clock))


def test_a_budget_changed_counts_afresh() -> None:
    counts = SlidingWindowCounts()
    ids = ("org", "key", "a")
    assert all(counts.hit(parse("2/minute"), ids, START) for _ in range(2))
    assert not counts.hit(parse("2/minute"), ids, START)
    assert counts.hit(parse("3/minute"), ids, START)


def test_budgets_unused_for_two_windows_are_forgotten() -> None:
    counts = SlidingWindowCounts()
    item = parse("100/second")
    counts.hit(item, ("old",), START)
    later = START + 5
    for _ in range(SWEEP_EVERY - 1):
        counts.hit(item, ("busy",), later)
    assert len(counts._windows) == 1  # the sweep kept the busy budget alone
    assert counts.standing(item, ("old",), later).remaining == 100

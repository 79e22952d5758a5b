"""Timing a step of the metrics benchmark: once untimed, then a number of times."""

from __future__ import annotations

import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Timing:
    label: str
    seconds: list[float]

    @property
    def best(self) -> float:
        return min(self.seconds)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


async def timed(repeats: int, step: Callable[[], Awaitable[T]]) -> tuple[list[float], T]:
    """Run `step` once to warm up, then `repeats` times; the seconds and the last result."""
    result = await step()
    seconds = []
    for _ in range(repeats):
        started = time.perf_counter()
        result = await step()
        seconds.append(time.perf_counter() - started)
    return seconds, result

"""Time as a dependency, so rules can be tested at any instant."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    """The real current instant, in UTC."""
    return datetime.now(UTC)

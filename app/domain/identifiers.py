"""Record ids: UUIDv7 (RFC 9562), time-ordered, so records made in one instant keep the
order they were made in (history lines, carried items) and indexes stay compact."""

from __future__ import annotations

import secrets
import time
from uuid import UUID

_COUNTER_MAX = 0xFFF


class _MonotonicUuid7:
    """Within one process, each id is greater than the one before (a 12-bit counter breaks
    ties inside a millisecond)."""

    def __init__(self) -> None:
        self.last_ms = 0
        self.counter = 0

    def __call__(self) -> UUID:
        now_ms = time.time_ns() // 1_000_000
        if now_ms > self.last_ms:
            self.last_ms, self.counter = now_ms, secrets.randbelow(0x400)
        elif self.counter < _COUNTER_MAX:
            self.counter += 1
        else:
            self.last_ms, self.counter = self.last_ms + 1, 0
        value = (self.last_ms & (2**48 - 1)) << 80
        value |= 0x7 << 76 | self.counter << 64
        value |= 0b10 << 62 | secrets.randbits(62)
        return UUID(int=value)


new_id = _MonotonicUuid7()

"""Pages of `/metrics/pairs`: the cursor carries the window, the instant and the ordering key,
so every page of a list is measured alike; health-ordered lists keep their order per process.

A list in health order needs every selected pair's health score (and signal codes, for a
signal filter) before its first row: they come from the tallies a rollup reads (one
statement, no pair entities), and only the page's pairs are then computed in full. The order
(pair ids and health scores only, no figures and no content) is kept in a small
least-recently-used table keyed by everything that decides it: organization, window,
instant, filters (which include the caller's visibility: `viewer_id` for people who are not
admins), signal and direction. A later page finds its place in it and computes only its own
pairs, narrowed again by the caller's filters; a page that misses (another process, or
evicted) computes the whole order again at the cursor's window and instant, which gives the
same answer.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from app.domain.errors import InvalidInput
from app.domain.metric_figures import SignalCode
from app.domain.metric_windows import Window, metrics_window
from app.domain.paging import Cursor
from app.domain.queries import MetricsFilter

KEPT_ORDERS = 8
"""Health orders kept per process: at 10,000 pairs one is about 2 MB (ids and scores)."""

SEPARATOR = "|"

HealthKey = tuple[bool, int, UUID]  # no score last; the score (negated, descending); the id


def invalid_cursor() -> InvalidInput:
    return InvalidInput(
        "cursor does not fit this list; pass next_cursor from the previous page.",
        code="invalid_cursor",
    )


@dataclass(frozen=True, slots=True)
class PairsCursor:
    """Where a page of pair metrics stopped, and how the list was measured: its order, the
    last row's health score (health order), window and instant, and the last pair's id."""

    order: str
    score: int | None
    window: Window
    instant: datetime
    last_id: UUID

    def encode(self) -> str:
        score = "null" if self.score is None else str(self.score)
        instants = (self.window.start, self.window.end, self.instant)
        parts = (self.order, score, *(instant.isoformat() for instant in instants))
        return Cursor.after(SEPARATOR.join(parts), self.last_id).encode()

    @classmethod
    def read(
        cls,
        cursor: Cursor,
        order: str,
        asked: tuple[datetime | None, datetime | None],
        now: datetime,
    ) -> PairsCursor:
        """The cursor of a list in `order`; a window asked for must be the cursor's, and the
        cursor's instant cannot be later than now."""
        try:
            cursor_order, score, *instants = cursor.sort_value.split(SEPARATOR)
            start, end, instant = (datetime.fromisoformat(text) for text in instants)
            if instant.tzinfo is None:
                raise ValueError("naive instant in cursor")
            window = metrics_window(start, end, instant)
            value = None if score == "null" else int(score)
        except (ValueError, InvalidInput) as error:
            raise invalid_cursor() from error
        held = (window.start, window.end)
        if (
            cursor_order != order
            or instant > now
            or any(given not in (None, kept) for given, kept in zip(asked, held, strict=True))
        ):
            raise invalid_cursor()
        return cls(cursor_order, value, window, instant, cursor.last_id)


@dataclass(frozen=True, slots=True)
class OrderKey:
    """Everything a health order depends on."""

    org_id: UUID
    window: Window
    instant: datetime
    filters: MetricsFilter
    signal: SignalCode | None
    order: str


@dataclass(frozen=True, slots=True)
class HealthOrder:
    """Every selected pair's place in a health order."""

    keys: tuple[HealthKey, ...]

    def after(self, last: HealthKey | None, count: int) -> tuple[HealthKey, ...]:
        """Up to `count` places after `last` (from the start without one)."""
        first = 0 if last is None else bisect_right(self.keys, last)
        return self.keys[first : first + count]


class KeptOrders:
    """The last KEPT_ORDERS health orders computed in this process."""

    def __init__(self, size: int = KEPT_ORDERS) -> None:
        self.size = size
        self._orders: OrderedDict[OrderKey, HealthOrder] = OrderedDict()

    def get(self, key: OrderKey) -> HealthOrder | None:
        found = self._orders.get(key)
        if found is not None:
            self._orders.move_to_end(key)
        return found

    def keep(self, key: OrderKey, order: HealthOrder) -> None:
        self._orders[key] = order
        self._orders.move_to_end(key)
        while len(self._orders) > self.size:
            self._orders.popitem(last=False)


KEPT = KeptOrders()

"""The events feed: the organization's events oldest first, for integrations that poll
instead of receiving webhooks. A key sees what an endpoint it created would receive (its
scopes decide, app.domain.events.visible_to)."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any

from app.domain.access import Scope
from app.domain.errors import InvalidInput
from app.domain.events import EventType, carries_content, readable_by, readable_by_scope, visible_to
from app.persistence.repositories.events import Position
from app.services.context import ServiceContext

START = Position(0, 0)


@dataclass(frozen=True, slots=True)
class FeedPage:
    events: list[dict[str, Any]]
    next_cursor: str


def encode_cursor(position: Position) -> str:
    raw = json.dumps([position.tx, position.seq]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(token: str) -> Position:
    try:
        tx, seq = json.loads(base64.urlsafe_b64decode((token + "=" * (-len(token) % 4)).encode()))
        if not all(type(n) is int and 0 <= n < 2**63 for n in (tx, seq)):  # a bool is no int
            raise TypeError("positions are non-negative integers")
    except (ValueError, TypeError, UnicodeDecodeError) as error:
        raise InvalidInput(
            "after is not a cursor this feed issued; pass next_cursor from the previous page.",
            code="invalid_cursor",
        ) from error
    return Position(tx, seq)


async def read_feed(
    ctx: ServiceContext, after: str | None, types: list[EventType], limit: int
) -> FeedPage:
    """Up to `limit` events after the cursor; the next cursor is where this page ended, or
    the given one when there is nothing new (poll again with it)."""
    position = START if after is None else decode_cursor(after)
    scopes = ctx.caller.scopes
    readable = [
        event_type for event_type in (types or list(EventType)) if readable_by(event_type, scopes)
    ]
    stored = await ctx.uow.events.page(ctx.org_id, position, readable, limit) if readable else []
    bodies = [body for s in stored if (body := visible_to(s.event, scopes)) is not None]
    if readable_by_scope(Scope.CONTENT_READ, scopes) and any(
        carries_content(s.event.type) for s in stored
    ):
        ctx.returns_content()
    last = stored[-1].position if stored else position
    return FeedPage(bodies, encode_cursor(last))

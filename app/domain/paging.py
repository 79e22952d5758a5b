"""Keyset pagination, the one implementation of its rules for REST and GraphQL alike: the
page limits, and the opaque cursor (a sort value as text plus the id that breaks ties)."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Generic, TypeVar
from uuid import UUID

from app.domain.errors import InvalidInput

T = TypeVar("T")

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
MAX_CURSOR_LENGTH = 512
"""The longest cursor text accepted; every cursor this API issues is far shorter."""


def cursor_text(sort_value: object) -> str:
    """How a sort value is written in a cursor: ISO instants and dates, integers as digits."""
    if isinstance(sort_value, datetime | date):
        return sort_value.isoformat()
    return str(sort_value)


def _not_issued() -> InvalidInput:
    return InvalidInput(
        "cursor is not one this API issued; pass next_cursor from the previous page.",
        code="invalid_cursor",
    )


def _not_of_this_list() -> InvalidInput:
    return InvalidInput(
        "cursor does not fit this list; pass next_cursor from the previous page.",
        code="invalid_cursor",
    )


@dataclass(frozen=True, slots=True)
class Cursor:
    """Where the previous page stopped: the last row's sort value (as text) and id."""

    sort_value: str
    last_id: UUID

    @classmethod
    def after(cls, sort_value: object, last_id: UUID) -> Cursor:
        """The cursor of the page that follows the row with this sort value and id."""
        return cls(cursor_text(sort_value), last_id)

    def encode(self) -> str:
        raw = json.dumps([self.sort_value, str(self.last_id)]).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def decode(cls, token: str) -> Cursor:
        try:
            padded = token + "=" * (-len(token) % 4)
            sort_value, last_id = json.loads(base64.urlsafe_b64decode(padded.encode()))
            if not isinstance(sort_value, str) or not isinstance(last_id, str):
                raise TypeError("cursor parts must be strings")
            return cls(sort_value, UUID(last_id))
        except (ValueError, TypeError, UnicodeDecodeError) as error:
            raise _not_issued() from error

    def sort_instant(self) -> datetime:
        """The sort value of a list ordered by an instant (written with its offset)."""
        try:
            instant = datetime.fromisoformat(self.sort_value)
            if instant.tzinfo is None:
                raise ValueError("naive instant in cursor")
            return instant.astimezone(UTC)
        except (ValueError, OverflowError) as error:
            raise _not_of_this_list() from error

    def sort_integer(self) -> int:
        """The sort value of a list ordered by a 32-bit integer (a position)."""
        try:
            number = int(self.sort_value)
        except ValueError as error:
            raise _not_of_this_list() from error
        if not -(2**31) <= number < 2**31:
            raise _not_of_this_list()
        return number


@dataclass(frozen=True, slots=True)
class PageRequest:
    limit: int = DEFAULT_LIMIT
    cursor: Cursor | None = None

    @classmethod
    def of(
        cls,
        limit: int,
        cursor: str | None,
        *,
        limit_name: str = "limit",
        cursor_name: str = "cursor",
    ) -> PageRequest:
        """The page a client asked for: 1 to MAX_LIMIT items after a cursor this API issued
        (the arguments' names, e.g. GraphQL's `first` and `after`, are the errors' words)."""
        if not 1 <= limit <= MAX_LIMIT:
            raise InvalidInput(
                f"{limit_name} must lie between 1 and {MAX_LIMIT}.",
                code="validation_error",
                field=limit_name,
            )
        if cursor is not None and len(cursor) > MAX_CURSOR_LENGTH:
            raise InvalidInput(
                f"{cursor_name} is not a cursor this API issued.", code="invalid_cursor"
            )
        return cls(limit, None if cursor is None else Cursor.decode(cursor))


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None

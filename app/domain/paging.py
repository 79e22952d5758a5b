"""Opaque cursors for keyset pagination: a sort key plus the id that breaks ties."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Generic, TypeVar
from uuid import UUID

from app.domain.errors import InvalidInput

T = TypeVar("T")

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


@dataclass(frozen=True, slots=True)
class Cursor:
    """Where the previous page stopped: the last row's sort value (as text) and id."""

    sort_value: str
    last_id: UUID

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
            raise InvalidInput(
                "cursor is not one this API issued; pass next_cursor from the previous page.",
                code="invalid_cursor",
            ) from error


@dataclass(frozen=True, slots=True)
class PageRequest:
    limit: int = DEFAULT_LIMIT
    cursor: Cursor | None = None


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None

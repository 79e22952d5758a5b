"""Scalars read and written like REST: instants are RFC 3339 with an offset on the way in
(naive timestamps are refused) and UTC with `Z` on the way out."""

from __future__ import annotations

from datetime import UTC, date, datetime

import strawberry
from pydantic import TypeAdapter, ValidationError
from strawberry.types.scalar import ScalarDefinition

from app.api.schemas.common import Day, Instant

_INSTANT: TypeAdapter[datetime] = TypeAdapter(Instant)
_DAY: TypeAdapter[date] = TypeAdapter(Day)


def _first_message(error: ValidationError) -> str:
    return str(error.errors()[0]["msg"])


def serialize_instant(value: datetime) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def parse_instant(value: object) -> datetime:
    try:
        return _INSTANT.validate_python(value)
    except ValidationError as error:
        raise ValueError(f"DateTime {_first_message(error)} (RFC 3339 with an offset).") from error


def parse_day(value: object) -> date:
    try:
        return _DAY.validate_python(value)
    except ValidationError as error:
        raise ValueError(f"Date {_first_message(error)}.") from error


SCALARS: dict[object, ScalarDefinition] = {
    datetime: strawberry.scalar(
        name="DateTime",
        description="An instant, RFC 3339 with an offset (e.g. 2026-01-05T09:00:00Z);"
        " returned in UTC with `Z`.",
        serialize=serialize_instant,
        parse_value=parse_instant,
    ),
    date: strawberry.scalar(
        name="Date",
        description="A calendar date, YYYY-MM-DD.",
        serialize=date.isoformat,
        parse_value=parse_day,
    ),
}

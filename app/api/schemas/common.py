"""Shared field types and the list envelope."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Annotated, Any, Generic, Self, TypeVar
from uuid import UUID

from fastapi import Body
from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
    StringConstraints,
    ValidationError,
    model_validator,
)
from pydantic.json_schema import WithJsonSchema
from pydantic_core import InitErrorDetails, PydanticCustomError

from app.domain.people import MAX_LOGIN_KEY_LENGTH, login_key_fits

T = TypeVar("T")


def text_rules(*, max_length: int, min_length: int = 0, strip: bool = False) -> StringConstraints:
    """Length limits for a text field; NUL characters are refused (PostgreSQL stores no
    NUL in text, and no person types one). A stripped text of at least one character
    holds one that is not whitespace, which the pattern says."""
    pattern = NOT_BLANK if strip and min_length > 0 else NO_NUL
    return StringConstraints(
        strip_whitespace=strip, min_length=min_length, max_length=max_length, pattern=pattern
    )


NO_NUL = r"^[^\x00]*$"
# Whitespace spelled out, not `\s`: what Python's strip() removes, `\s` in Rust (pydantic's
# patterns) and `\s` in ECMA-262 (the document's) differ (U+0085, U+001C-U+001F, U+FEFF),
# so the document's pattern and the validation's would not agree.
WHITESPACE = (
    r"\t\n\x0b\x0c\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
)
NOT_BLANK = rf"^[^\x00]*[^\x00{WHITESPACE}][^\x00]*$"
Title = Annotated[str, text_rules(min_length=1, max_length=200, strip=True)]
Name = Annotated[str, text_rules(min_length=1, max_length=200, strip=True)]
LongText = Annotated[str, text_rules(max_length=10_000)]
NoteBody = Annotated[str, text_rules(min_length=1, max_length=50_000)]


def _key_fits(value: str) -> str:
    """Validated on the form it is stored under (lowercased), not only as sent."""
    if not login_key_fits(value):
        raise ValueError(f"is longer than {MAX_LOGIN_KEY_LENGTH} characters once lowercased")
    return value


Email = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True,
        max_length=320,
        pattern=rf"^[^@\x00{WHITESPACE}]{{1,64}}@[^@\x00{WHITESPACE}]+\.[^@\x00{WHITESPACE}]+$",
    ),
    AfterValidator(_key_fits),
]
# A login name: unique per organization regardless of case.
Username = Annotated[
    str, text_rules(min_length=1, max_length=320, strip=True), AfterValidator(_key_fits)
]
TimezoneName = Annotated[
    str,
    text_rules(min_length=1, max_length=64),
    Field(description="An IANA time zone name such as Europe/Paris (`unknown_timezone`)."),
]
ExternalId = Annotated[str, text_rules(min_length=1, max_length=200)]


_INSTANT_SHAPE = re.compile(
    r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?([Zz]|[+-]\d{2}:?\d{2})?"
)
_DAY_SHAPE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _instant_text(value: object) -> object:
    """Instants are RFC 3339 strings; numbers are never read as Unix timestamps. The year as
    written lies between 1900 and 9000 (`INSTANT_YEARS`): the instants the service stores
    and computes with (a meeting's end, cadence steps) stay far from the calendar's ends.
    An instant already read (GraphQL's DateTime scalar reads it by these rules) passes."""
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str) or not _INSTANT_SHAPE.fullmatch(value):
        raise ValueError("must be an RFC 3339 instant such as 2026-01-05T09:00:00Z")
    if not re.match(INSTANT_YEARS, value):
        raise ValueError(f"must lie between the years {EARLIEST_YEAR} and {LATEST_YEAR}")
    return value


def _day_text(value: object) -> object:
    """A date as text; a date already read (GraphQL's Date scalar) passes."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if not isinstance(value, str) or not _DAY_SHAPE.fullmatch(value):
        raise ValueError("must be a date such as 2026-01-05")
    return value


EARLIEST_YEAR, LATEST_YEAR = 1900, 9000
INSTANT_YEARS = r"^(19[0-9]{2}|[2-8][0-9]{3}|9000)-"


def _to_utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


# The document states the years as a pattern next to the format, so that a generated
# client sends only instants the service takes.
Instant = Annotated[
    AwareDatetime,
    BeforeValidator(_instant_text),
    AfterValidator(_to_utc),
    WithJsonSchema({"type": "string", "format": "date-time", "pattern": INSTANT_YEARS}),
]
Day = Annotated[date, BeforeValidator(_day_text)]
Flag = Annotated[bool, Strict()]


def _whole_number(value: object) -> object:
    """JSON has one number type: `14.0` is the integer 14, as JSON Schema's `integer` says.
    Strings and booleans stay refused (`"14"` is not 14)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


# After the type's own constraints: `Annotated[int, Strict(), Field(ge=1), WHOLE_NUMBER]`.
WHOLE_NUMBER = BeforeValidator(_whole_number)


def _without_null(schema: dict[str, Any]) -> None:
    variants = [variant for variant in schema.pop("anyOf", []) if variant.get("type") != "null"]
    schema.pop("default", None)
    if len(variants) == 1:
        schema.update(variants[0])
    elif variants:
        schema["anyOf"] = variants


# A field of a PATCH body that may be left out but not sent as null: `Changes` refuses
# null (`null_field`), so the document does not offer it.
# `name: Annotated[Name | None, NOT_NULL] = None`.
NOT_NULL = Field(json_schema_extra=_without_null)


def sent(*names: str) -> dict[str, Any]:
    """JSON Schema: each of the named fields is in the body and not null (for rules over
    several fields, stated in a model's `json_schema_extra`)."""
    return {
        "required": list(names),
        "properties": {name: {"not": {"type": "null"}} for name in names},
    }


class Input(BaseModel):
    """Request bodies: unknown fields are rejected (no mass assignment)."""

    model_config = ConfigDict(extra="forbid")


class Changes(Input):
    """A PATCH body: only the fields to change, and at least one of them. An empty one is
    refused (`nothing_to_change`) before anything is read or written, so it never bumps
    `updated_at` or writes an audit line. The document says so (`minProperties`).

    A field marked NOT_NULL that is sent as null is refused here (`null_field`, the field
    named), the one place that rule is kept: REST reads its bodies and GraphQL its update
    inputs through these models, so no service checks it again."""

    model_config = ConfigDict(json_schema_extra={"minProperties": 1})

    @model_validator(mode="before")
    @classmethod
    def _something_to_change(cls, data: object) -> object:
        if isinstance(data, dict) and not data:
            raise PydanticCustomError(
                NOTHING_TO_CHANGE, "send at least one field to change; this body has none"
            )
        return data

    @classmethod
    def not_null_fields(cls) -> list[str]:
        """The fields marked NOT_NULL: they may be left out, never sent as null."""
        return [
            name
            for name, field in cls.model_fields.items()
            if field.json_schema_extra is _without_null
        ]

    @model_validator(mode="after")
    def _no_field_cleared_that_cannot_be(self) -> Self:
        cleared = [
            InitErrorDetails(
                type=PydanticCustomError(
                    NULL_FIELD,
                    "cannot be null (it cannot be cleared); leave it out to keep its value",
                ),
                loc=(name,),
                input=None,
            )
            for name in self.not_null_fields()
            if name in self.model_fields_set and getattr(self, name) is None
        ]
        if cleared:
            raise ValidationError.from_exception_data(type(self).__name__, cleared)
        return self


NOTHING_TO_CHANGE = "nothing_to_change"
NULL_FIELD = "null_field"


class EmptyBody(Input):
    """The body of an operation that takes none: absent, or an empty JSON object."""


# Declared on every operation without input of its own, so that a body sent to it is read
# and refused when it is anything but `{}` (it would otherwise be ignored, and the action
# done anyway).
NoBody = Annotated[EmptyBody | None, Body(description="No input: send no body, or `{}`.")]


class Output(BaseModel):
    """Response bodies, built from domain entities."""

    model_config = ConfigDict(from_attributes=True)


class Resource(Output):
    id: UUID
    created_at: datetime
    updated_at: datetime


class PageOut(BaseModel, Generic[T]):
    """A page of a list; pass `next_cursor` back as `?cursor=` until it is null."""

    data: list[T]
    next_cursor: str | None

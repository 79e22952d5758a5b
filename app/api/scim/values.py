"""The values a provider states, held to the rules REST's fields follow (app.api.schemas.common:
lengths, no NUL character, an email's shape), and the values of a filter: what breaks a rule
is refused with 400 `invalidValue` (`invalidFilter` in a filter) and a sentence naming the
SCIM attribute, before anything is stored or searched."""

from __future__ import annotations

from typing import Annotated, Any, overload

from pydantic import TypeAdapter, ValidationError

from app.api.schemas.common import (
    Email,
    ExternalId,
    Name,
    TimezoneName,
    Username,
    text_rules,
)
from app.api.scim.errors import ScimRefused

# A manager is named by an id, an externalId or a userName, and kept as sent until that
# person arrives (people.manager_ref).
ManagerReference = Annotated[str, text_rules(min_length=1, max_length=200)]
_RULES: dict[str, TypeAdapter[Any]] = {
    "userName": TypeAdapter(Username),
    "displayName": TypeAdapter(Name),
    "name.givenName": TypeAdapter(Name),
    "name.familyName": TypeAdapter(Name),
    "emails.value": TypeAdapter(Email),
    "externalId": TypeAdapter(ExternalId),
    "timezone": TypeAdapter(TimezoneName),
    "manager.value": TypeAdapter(ManagerReference),
}


@overload
def checked(attribute: str, value: str) -> str: ...
@overload
def checked(attribute: str, value: str | None) -> str | None: ...
def checked(attribute: str, value: str | None) -> str | None:
    """The value as stored (stripped where REST strips it), or 400 `invalidValue`."""
    if value is None:
        return None
    try:
        stored: str = _RULES[attribute].validate_python(value)
    except ValidationError as error:
        raise ScimRefused(400, "invalidValue", f"{attribute} {_reason(error)}.") from error
    return stored


def filter_value(attribute: str, value: str) -> str:
    """A filter's value can be compared with what is stored: text without NUL characters or
    lone surrogates (which no stored value holds), else 400 `invalidFilter`."""
    if "\0" in value or not _encodable(value):
        raise ScimRefused(
            400, "invalidFilter", f"The value compared with {attribute} holds a character"
            " no stored value has (NUL or an unpaired surrogate)."
        )  # fmt: skip
    return value


def _encodable(value: str) -> bool:
    try:
        value.encode()
    except UnicodeEncodeError:
        return False
    return True


def _reason(error: ValidationError) -> str:
    first = error.errors()[0]
    kind, context = first["type"], first.get("ctx") or {}
    if kind == "string_too_long":
        return f"holds at most {context['max_length']} characters"
    if kind == "string_too_short":
        return "is empty"
    if kind == "string_pattern_mismatch":
        return "is not an email address" if "@" in str(context.get("pattern")) else (
            "holds a NUL character, or nothing but whitespace"
        )  # fmt: skip
    if kind == "string_type":
        return "must be a string"
    return str(first["msg"]).removeprefix("Value error, ")

"""Organizations and the people in them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from functools import cache
from uuid import UUID
from zoneinfo import available_timezones

from app.domain.errors import InvalidInput
from app.domain.versions import FIRST_VERSION


class Role(StrEnum):
    MEMBER = "member"
    ADMIN = "admin"


@dataclass(slots=True)
class Organization:
    id: UUID
    name: str
    created_at: datetime
    updated_at: datetime


@dataclass(slots=True)
class Person:
    id: UUID
    org_id: UUID
    email: str | None
    name: str
    timezone: str
    manager_id: UUID | None
    external_id: str | None
    role: Role
    active: bool
    created_at: datetime
    updated_at: datetime
    username: str
    # A manager a directory named before that person existed: their id, externalId or
    # userName as sent; it takes effect when they are provisioned.
    manager_ref: str | None = None
    # The name's parts as an identity provider sent them; `name` is what everyone reads.
    given_name: str | None = None
    family_name: str | None = None
    scim_deleted_at: datetime | None = None
    version: int = FIRST_VERSION


class ManagerState(StrEnum):
    """Where a person's reporting line stands (`?manager_state=` on the people list)."""

    INACTIVE = "inactive"  # their manager is deactivated
    NONE = "none"  # no manager and none pending
    PENDING = "pending"  # a directory named a manager who is not provisioned yet


# Emails and login names are stored with their lowercased keys, which may be longer than
# what was sent ("İ" lowercases to two characters): the limit applies to the key.
MAX_LOGIN_KEY_LENGTH = 320


def email_key(email: str) -> str:
    """Emails are unique per organization regardless of case."""
    return email.strip().lower()


def username_key(username: str) -> str:
    """Login names are unique per organization regardless of case."""
    return username.strip().lower()


def check_login_keys(email: str | None, username: str | None) -> None:
    """An email or a login name whose lowercased key outgrows the stored length is refused."""
    for field, value in (("email", email), ("username", username)):
        if value is not None and not login_key_fits(value):
            raise InvalidInput(
                f"{field} is longer than {MAX_LOGIN_KEY_LENGTH} characters once lowercased.",
                code="too_long",
                field=field,
            )


def login_key_fits(value: str) -> bool:
    return len(value.strip().lower()) <= MAX_LOGIN_KEY_LENGTH


def check_no_reporting_cycle(
    person_id: UUID, new_manager_id: UUID | None, manager_of: dict[UUID, UUID | None]
) -> None:
    """Rule 8: following managers up from the new manager must never reach the person.

    `manager_of` maps each person on the new manager's chain to their manager.
    """
    seen: set[UUID] = set()
    current = new_manager_id
    while current is not None:
        if current == person_id:
            raise InvalidInput(
                "This manager_id would make the person report to themselves"
                " through the reporting line.",
                code="reporting_cycle",
            )
        if current in seen:
            break
        seen.add(current)
        current = manager_of.get(current)


def check_timezone(name: str) -> None:
    """A person's timezone is an IANA name such as Europe/Paris: one of the zones the
    timezone database lists (a directory of it such as "America", a path or an empty name is
    none, and is never opened)."""
    if name not in _timezone_names():
        shown = name if len(name) <= 64 else name[:64] + "…"
        raise InvalidInput(
            f"timezone {shown!r} is not an IANA timezone name (e.g. Europe/Paris).",
            code="unknown_timezone",
            field="timezone",
        )


@cache
def _timezone_names() -> frozenset[str]:
    return frozenset(available_timezones())

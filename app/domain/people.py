"""Organizations and the people in them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from uuid import UUID
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from app.domain.errors import InvalidInput


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


class ManagerState(StrEnum):
    """Where a person's reporting line stands (`?manager_state=` on the people list)."""

    INACTIVE = "inactive"  # their manager is deactivated
    NONE = "none"  # no manager and none pending
    PENDING = "pending"  # a directory named a manager who is not provisioned yet


def email_key(email: str) -> str:
    """Emails are unique per organization regardless of case."""
    return email.strip().lower()


def username_key(username: str) -> str:
    """Login names are unique per organization regardless of case."""
    return username.strip().lower()


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
    """A person's timezone is an IANA name such as Europe/Paris."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise InvalidInput(
            f"timezone {name!r} is not an IANA timezone name (e.g. Europe/Paris).",
            code="unknown_timezone",
            field="timezone",
        ) from error

"""Groups: named sets of people of an organization (a team that is not a reporting subtree,
as identity providers push them)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID


@dataclass(slots=True)
class Group:
    id: UUID
    org_id: UUID
    display_name: str
    external_id: str | None
    created_at: datetime
    updated_at: datetime


def display_name_key(display_name: str) -> str:
    """Group names are looked up regardless of case (SCIM's displayName is not case-exact)."""
    return display_name.strip().lower()

"""People models."""

from __future__ import annotations

from uuid import UUID

from app.api.rest.schemas.common import Email, ExternalId, Input, Name, Resource, TimezoneName
from app.domain.people import Role


class PersonCreate(Input):
    email: Email
    name: Name
    timezone: TimezoneName = "UTC"
    manager_id: UUID | None = None
    external_id: ExternalId | None = None
    role: Role = Role.MEMBER


class PersonUpdate(Input):
    email: Email | None = None
    name: Name | None = None
    timezone: TimezoneName | None = None
    manager_id: UUID | None = None
    external_id: ExternalId | None = None
    role: Role | None = None


class PersonOut(Resource):
    email: str
    name: str
    timezone: str
    manager_id: UUID | None
    external_id: str | None
    role: Role
    active: bool

"""People models."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

from pydantic import Field

from app.api.rest.schemas.common import (
    Changes,
    Email,
    ExternalId,
    Input,
    Name,
    Resource,
    TimezoneName,
    Username,
)
from app.domain.people import Role


class PersonCreate(Input):
    email: Email | None = None
    username: Annotated[
        Username | None, Field(description="The login name; defaults to the email.")
    ] = None
    name: Name
    timezone: TimezoneName = "UTC"
    manager_id: UUID | None = None
    external_id: ExternalId | None = None
    role: Role = Role.MEMBER


class PersonUpdate(Changes):
    email: Email | None = None
    username: Username | None = None
    name: Name | None = None
    timezone: TimezoneName | None = None
    manager_id: UUID | None = None
    external_id: ExternalId | None = None
    role: Role | None = None


class PersonOut(Resource):
    email: str | None
    username: str
    name: str
    timezone: str
    manager_id: UUID | None
    pending_manager: str | None = Field(
        validation_alias="manager_ref",
        description="A manager a directory named (their id, externalId or userName) who is"
        " not provisioned yet; manager_id is set when they arrive.",
    )
    external_id: str | None
    role: Role
    active: bool
    directory_deleted_at: datetime | None = Field(
        validation_alias="scim_deleted_at",
        description="When an identity provider deleted the person over SCIM (they are"
        " deactivated and hidden from SCIM; their history stays).",
    )

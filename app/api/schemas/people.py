"""People models."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

from pydantic import ConfigDict, Field

from app.api.schemas.common import (
    NOT_NULL,
    Changes,
    Email,
    ExternalId,
    Input,
    Name,
    Resource,
    TimezoneName,
    Username,
    sent,
)
from app.domain.people import Role


class PersonCreate(Input):
    """A username, an email or both (the username defaults to the email)."""

    model_config = ConfigDict(json_schema_extra={"anyOf": [sent("email"), sent("username")]})

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
    username: Annotated[Username | None, NOT_NULL] = None
    name: Annotated[Name | None, NOT_NULL] = None
    timezone: Annotated[TimezoneName | None, NOT_NULL] = None
    manager_id: UUID | None = None
    external_id: ExternalId | None = None
    role: Annotated[Role | None, NOT_NULL] = None


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

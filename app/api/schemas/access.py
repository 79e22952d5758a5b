"""Person token and caller models."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import BaseModel, Field, Strict

from app.api.schemas.common import WHOLE_NUMBER, Input, Output
from app.api.schemas.people import PersonOut
from app.api.schemas.settings import ServiceKeyOut
from app.domain.access import MAX_TOKEN_TTL_SECONDS

TokenLifetime = Annotated[int, Strict(), Field(ge=60, le=MAX_TOKEN_TTL_SECONDS), WHOLE_NUMBER]


class PersonTokenCreate(Input):
    person_id: UUID = Field(description="An active person of the key's organization.")
    ttl_seconds: (
        Annotated[int, Strict(), Field(ge=60, le=MAX_TOKEN_TTL_SECONDS), WHOLE_NUMBER] | None
    ) = Field(
        default=None, description="Lifetime in seconds (default 15 minutes, at most 12 hours)."
    )


class PersonTokenOut(Output):
    token: str = Field(description="Send as Authorization: Bearer <token>.")
    expires_at: datetime
    person: PersonOut


class MeOut(BaseModel):
    """The caller: a person (person token) or a service key."""

    kind: Literal["person", "service_key"]
    organization_id: UUID
    person: PersonOut | None
    service_key: ServiceKeyOut | None


class CalendarTokenOut(Output):
    token: str = Field(description="The feed's secret; shown in this response only.")
    url: str = Field(
        description="The feed to subscribe to in a calendar application (GET, no"
        " Authorization header: the token in it is the credential)."
    )

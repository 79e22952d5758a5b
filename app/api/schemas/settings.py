"""Policy, template and service key models."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Annotated

from pydantic import Field, Strict, field_validator

from app.api.schemas.common import (
    NOT_NULL,
    WHOLE_NUMBER,
    Changes,
    Flag,
    Input,
    Name,
    Output,
    Resource,
    Title,
    text_rules,
)
from app.domain.access import Scope
from app.domain.agenda import AgendaItemKind

Days = Annotated[int, Strict(), Field(ge=1, le=365), WHOLE_NUMBER]
Minutes = Annotated[int, Strict(), Field(ge=1, le=1440), WHOLE_NUMBER]
GraceDays = Annotated[int, Strict(), Field(ge=0, le=90), WHOLE_NUMBER]
LateCancelHours = Annotated[int, Strict(), Field(ge=0, le=720), WHOLE_NUMBER]
Prompt = Annotated[str, text_rules(min_length=1, max_length=500)]


class PolicyUpdate(Changes):
    """The fields to change. After the change, min_cadence_days <= target_cadence_days <=
    max_cadence_days and min_duration_minutes <= default_duration_minutes <=
    max_duration_minutes must hold, the fields left out keeping their stored values
    (`invalid_policy`)."""

    target_cadence_days: Annotated[Days | None, NOT_NULL] = None
    max_cadence_days: Annotated[Days | None, NOT_NULL] = None
    min_cadence_days: Annotated[Days | None, NOT_NULL] = None
    default_duration_minutes: Annotated[Minutes | None, NOT_NULL] = None
    min_duration_minutes: Annotated[Minutes | None, NOT_NULL] = None
    max_duration_minutes: Annotated[Minutes | None, NOT_NULL] = None
    grace_days: Annotated[GraceDays | None, NOT_NULL] = None
    late_cancel_hours: Annotated[LateCancelHours | None, NOT_NULL] = None
    auto_pairs: Annotated[Flag | None, NOT_NULL] = None
    require_if_match: Annotated[
        Flag | None,
        NOT_NULL,
        Field(
            description="Edits (PATCH) must send If-Match with the record's ETag, else"
            " 428 precondition_required."
        ),
    ] = None


class PolicyOut(Output):
    target_cadence_days: int
    max_cadence_days: int
    min_cadence_days: int
    default_duration_minutes: int
    min_duration_minutes: int
    max_duration_minutes: int
    grace_days: int
    late_cancel_hours: int
    auto_pairs: bool
    require_if_match: bool


class SectionIn(Input):
    kind: AgendaItemKind
    title: Title
    prompts: Annotated[list[Prompt], Field(max_length=20)] = []


class SectionOut(Output):
    kind: AgendaItemKind
    title: str
    prompts: list[str]


Sections = Annotated[list[SectionIn], Field(min_length=1, max_length=30)]


class TemplateCreate(Input):
    name: Name
    description: Annotated[str, text_rules(max_length=2000)] | None = None
    sections: Sections
    is_default: Flag = False


class TemplateUpdate(Changes):
    name: Annotated[Name | None, NOT_NULL] = None
    description: Annotated[str, text_rules(max_length=2000)] | None = None
    sections: Annotated[Sections | None, NOT_NULL] = None
    is_default: Annotated[Flag | None, NOT_NULL] = None


class TemplateOut(Resource):
    name: str
    description: str | None
    sections: list[SectionOut]
    is_default: bool


class ServiceKeyCreate(Input):
    name: Name
    scopes: Annotated[list[Scope], Field(min_length=1, max_length=20)]


class ServiceKeyOut(Resource):
    name: str
    prefix: str = Field(description="The first characters of the key, to recognize it.")
    scopes: list[Scope]

    @field_validator("scopes", mode="before")
    @classmethod
    def _in_order(cls, scopes: Iterable[Scope]) -> list[Scope]:
        """Keys hold a set of scopes; responses list them sorted, the same every time."""
        return sorted(scopes)

    revoked_at: datetime | None


class ServiceKeyCreated(ServiceKeyOut):
    key: str = Field(description="The secret, shown only in this response.")

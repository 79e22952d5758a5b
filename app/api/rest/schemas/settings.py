"""Policy, template and service key models."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Annotated

from pydantic import Field, Strict, field_validator

from app.api.rest.schemas.common import (
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

Days = Annotated[int, Strict(), Field(ge=1, le=365)]
Minutes = Annotated[int, Strict(), Field(ge=1, le=1440)]
Prompt = Annotated[str, text_rules(min_length=1, max_length=500)]


class PolicyUpdate(Changes):
    target_cadence_days: Days | None = None
    max_cadence_days: Days | None = None
    min_cadence_days: Days | None = None
    default_duration_minutes: Minutes | None = None
    min_duration_minutes: Minutes | None = None
    max_duration_minutes: Minutes | None = None
    grace_days: Annotated[int, Strict(), Field(ge=0, le=90)] | None = None
    late_cancel_hours: Annotated[int, Strict(), Field(ge=0, le=720)] | None = None
    auto_pairs: Flag | None = None
    require_if_match: (
        Annotated[
            Flag,
            Field(
                description="Edits (PATCH) must send If-Match with the record's ETag, else"
                " 428 precondition_required."
            ),
        ]
        | None
    ) = None


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
    name: Name | None = None
    description: Annotated[str, text_rules(max_length=2000)] | None = None
    sections: Sections | None = None
    is_default: Flag | None = None


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

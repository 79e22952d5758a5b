"""Agenda templates of the organization."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import strawberry

from app.api.graphql.connections import build
from app.domain.agenda import AgendaItemKind
from app.domain.templates import Template as DomainTemplate


@strawberry.type(description="A section of a template: one agenda item when applied.")
class Section:
    kind: AgendaItemKind
    title: str
    prompts: list[str]


@strawberry.type(description="An agenda template: ordered sections with prompt questions.")
class Template:
    id: UUID
    name: str
    description: str | None
    is_default: bool
    created_at: datetime
    updated_at: datetime
    record: strawberry.Private[DomainTemplate]

    @strawberry.field
    def sections(self) -> list[Section]:
        return [
            Section(kind=s.kind, title=s.title, prompts=list(s.prompts))
            for s in self.record.sections
        ]


def template_node(template: DomainTemplate) -> Template:
    return build(Template, template)

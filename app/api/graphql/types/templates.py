"""Agenda templates of the organization."""

from __future__ import annotations

from collections.abc import Callable

import strawberry

from app.api.graphql.types.derived import derived_type, node_maker
from app.api.schemas.settings import SectionOut, TemplateOut
from app.domain.templates import Template as DomainTemplate
from app.domain.templates import TemplateSection


@derived_type(SectionOut, description="A section of a template: one agenda item when applied.")
class Section:
    pass


section_node: Callable[[TemplateSection], Section] = node_maker(Section)


@derived_type(
    TemplateOut, description="An agenda template: ordered sections with prompt questions."
)
class Template:
    record: strawberry.Private[DomainTemplate]

    @strawberry.field
    def sections(self) -> list[Section]:
        return [section_node(section) for section in self.record.sections]


template_node: Callable[[DomainTemplate], Template] = node_maker(Template)

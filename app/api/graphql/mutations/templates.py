"""The mutations of agenda templates: their inputs, results and Mutation fields."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

import strawberry

from app.api.graphql.mutations.deletion import DeleteResult, deleted
from app.api.graphql.mutations.inputs import derived_input, read
from app.api.graphql.mutations.running import mutation
from app.api.graphql.problems import (
    NotFoundProblem,
    PermissionProblem,
    StateConflictProblem,
    ValidationProblem,
)
from app.api.graphql.types.templates import Template, template_node
from app.api.schemas.settings import SectionIn, TemplateCreate, TemplateUpdate
from app.domain.access import Scope
from app.domain.templates import Template as DomainTemplate
from app.domain.templates import TemplateSection
from app.services import settings_admin as service
from app.services.context import ServiceContext


@derived_input(SectionIn)
class SectionInput:
    pass


@derived_input(TemplateCreate)
class CreateTemplateInput:
    pass


@derived_input(TemplateUpdate, description="Only the fields given change.")
class UpdateTemplateInput:
    id: UUID


@strawberry.type
class TemplateSuccess:
    template: Template


TemplateResult = Annotated[
    TemplateSuccess
    | ValidationProblem
    | NotFoundProblem
    | PermissionProblem
    | StateConflictProblem,
    strawberry.union("TemplateResult"),
]


def _sections(sections: list[SectionIn]) -> list[TemplateSection]:
    return [TemplateSection(s.kind, s.title, tuple(s.prompts)) for s in sections]


def _template(template: DomainTemplate) -> TemplateSuccess:
    return TemplateSuccess(template=template_node(template))


@mutation(
    "Add an agenda template (policy:write).",
    scope=Scope.POLICY_WRITE,
    result=TemplateResult,
    success=_template,
)
async def create_template(ctx: ServiceContext, input: CreateTemplateInput) -> DomainTemplate:
    body = read(input, TemplateCreate)
    return await service.create_template(
        ctx,
        name=body.name,
        description=body.description,
        sections=_sections(body.sections),
        is_default=body.is_default,
    )


@mutation(
    "Rename, describe, restructure or make default (policy:write).",
    scope=Scope.POLICY_WRITE,
    result=TemplateResult,
    success=_template,
    audit=lambda input: {"template_id": input.id},
)
async def update_template(ctx: ServiceContext, input: UpdateTemplateInput) -> DomainTemplate:
    body = read(input, TemplateUpdate)
    changes: dict[str, Any] = body.model_dump(exclude_unset=True)
    if body.sections is not None:
        changes["sections"] = _sections(body.sections)
    return await service.update_template(ctx, input.id, changes)


@mutation(
    "Delete a template; items made from it stay (policy:write).",
    scope=Scope.POLICY_WRITE,
    result=DeleteResult,
    success=deleted,
    audit=lambda id: {"template_id": id},
)
async def delete_template(ctx: ServiceContext, id: UUID) -> UUID:
    await service.delete_template(ctx, id)
    return id


MUTATIONS = (create_template, update_template, delete_template)

"""The mutations of agenda templates: their inputs, results and Mutation fields."""

from __future__ import annotations

from typing import Annotated, Any, cast
from uuid import UUID

import strawberry

from app.api.graphql.context import GraphInfo
from app.api.graphql.decorators import mutates
from app.api.graphql.mutations.deletion import Deleted, DeleteResult
from app.api.graphql.mutations.inputs import derived_input, read
from app.api.graphql.mutations.running import answer, perform
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


@strawberry.type
class TemplatesMutation:
    @mutates("Add an agenda template (policy:write).")
    async def create_template(self, info: GraphInfo, input: CreateTemplateInput) -> TemplateResult:
        async def create(ctx: ServiceContext) -> DomainTemplate:
            body = read(input, TemplateCreate)
            return await service.create_template(
                ctx,
                name=body.name,
                description=body.description,
                sections=_sections(body.sections),
                is_default=body.is_default,
            )

        outcome = await perform(info, Scope.POLICY_WRITE, create, TemplateResult)
        return cast(TemplateResult, answer(outcome, _template))

    @mutates("Rename, describe, restructure or make default (policy:write).")
    async def update_template(self, info: GraphInfo, input: UpdateTemplateInput) -> TemplateResult:
        async def update(ctx: ServiceContext) -> DomainTemplate:
            body = read(input, TemplateUpdate)
            changes: dict[str, Any] = body.model_dump(exclude_unset=True)
            if body.sections is not None:
                changes["sections"] = _sections(body.sections)
            return await service.update_template(ctx, input.id, changes)

        outcome = await perform(
            info, Scope.POLICY_WRITE, update, TemplateResult, template_id=input.id
        )
        return cast(TemplateResult, answer(outcome, _template))

    @mutates("Delete a template; items made from it stay (policy:write).")
    async def delete_template(self, info: GraphInfo, id: UUID) -> DeleteResult:
        async def delete(ctx: ServiceContext) -> UUID:
            await service.delete_template(ctx, id)
            return id

        outcome = await perform(info, Scope.POLICY_WRITE, delete, DeleteResult, template_id=id)
        return cast(DeleteResult, answer(outcome, lambda gone: Deleted(id=gone)))

"""The mutations of agenda templates: their inputs, results and Mutation fields."""

from __future__ import annotations

from typing import Annotated, Any, cast
from uuid import UUID

import strawberry

from app.api.graphql.context import GraphInfo
from app.api.graphql.decorators import mutates
from app.api.graphql.mutations.deletion import Deleted, DeleteResult
from app.api.graphql.mutations.running import answer, checked, perform, values_of, without_id
from app.api.graphql.problems import (
    NotFoundProblem,
    PermissionProblem,
    StateConflictProblem,
    ValidationProblem,
)
from app.api.graphql.types.templates import Template, template_node
from app.api.schemas.settings import SectionIn, TemplateCreate, TemplateUpdate
from app.domain.access import Scope
from app.domain.agenda import AgendaItemKind
from app.domain.templates import Template as DomainTemplate
from app.domain.templates import TemplateSection
from app.services import settings_admin as service
from app.services.context import UseCase


@strawberry.input
class SectionInput:
    kind: AgendaItemKind
    title: str
    prompts: list[str] = strawberry.field(default_factory=list)


@strawberry.input
class CreateTemplateInput:
    name: str
    sections: list[SectionInput]
    description: str | None = None
    is_default: bool = strawberry.field(
        default=False, description="Make it the one applied by default."
    )


@strawberry.input(description="Only the fields given change.")
class UpdateTemplateInput:
    id: UUID
    name: str | None = strawberry.UNSET
    description: str | None = strawberry.UNSET
    sections: list[SectionInput] | None = strawberry.UNSET
    is_default: bool | None = strawberry.UNSET


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
        async def create(uc: UseCase) -> DomainTemplate:
            body = checked(TemplateCreate, values_of(input))
            return await service.create_template(
                uc,
                name=body.name,
                description=body.description,
                sections=_sections(body.sections),
                is_default=body.is_default,
            )

        outcome = await perform(info, Scope.POLICY_WRITE, create, TemplateResult)
        return cast(TemplateResult, answer(outcome, _template))

    @mutates("Rename, describe, restructure or make default (policy:write).")
    async def update_template(self, info: GraphInfo, input: UpdateTemplateInput) -> TemplateResult:
        template_id, values = without_id(input)

        async def update(uc: UseCase) -> DomainTemplate:
            body = checked(TemplateUpdate, values)
            changes: dict[str, Any] = body.model_dump(exclude_unset=True)
            if body.sections is not None:
                changes["sections"] = _sections(body.sections)
            return await service.update_template(uc, template_id, changes)

        outcome = await perform(
            info, Scope.POLICY_WRITE, update, TemplateResult, template_id=template_id
        )
        return cast(TemplateResult, answer(outcome, _template))

    @mutates("Delete a template; items made from it stay (policy:write).")
    async def delete_template(self, info: GraphInfo, id: UUID) -> DeleteResult:
        async def delete(uc: UseCase) -> UUID:
            await service.delete_template(uc, id)
            return id

        outcome = await perform(info, Scope.POLICY_WRITE, delete, DeleteResult, template_id=id)
        return cast(DeleteResult, answer(outcome, lambda gone: Deleted(id=gone)))

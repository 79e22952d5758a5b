"""The mutations of a meeting's agenda: their inputs, results and Mutation fields."""

from __future__ import annotations

from typing import Annotated, cast
from uuid import UUID

import strawberry

from app.api.graphql.context import GraphInfo
from app.api.graphql.decorators import mutates
from app.api.graphql.mutations.deletion import Deleted, DeleteResult
from app.api.graphql.mutations.inputs import derived_input, read
from app.api.graphql.mutations.running import IF_VERSION, answer, checked, expected_version, perform
from app.api.graphql.problems import (
    MeetingClosed,
    NotFoundProblem,
    PermissionProblem,
    StateConflictProblem,
    ValidationProblem,
)
from app.api.graphql.types.agenda import AgendaItem, agenda_item_node
from app.api.schemas.content import AgendaItemCreate, AgendaItemUpdate, AgendaOrder, ApplyTemplate
from app.domain.access import Scope
from app.domain.agenda import AgendaItem as DomainAgendaItem
from app.services import agenda as service
from app.services.context import ServiceContext


@derived_input(AgendaItemCreate)
class AddAgendaItemInput:
    meeting_id: UUID


@derived_input(AgendaItemUpdate, description="Only the fields given change.")
class UpdateAgendaItemInput:
    id: UUID
    if_version: int | None = strawberry.field(default=None, description=IF_VERSION)


@derived_input(ApplyTemplate)
class ApplyTemplateInput:
    meeting_id: UUID


@strawberry.type
class AgendaItemSuccess:
    agenda_item: AgendaItem


@strawberry.type
class AgendaSuccess:
    agenda_items: list[AgendaItem]


AgendaItemResult = Annotated[
    AgendaItemSuccess
    | ValidationProblem
    | NotFoundProblem
    | PermissionProblem
    | MeetingClosed
    | StateConflictProblem,
    strawberry.union("AgendaItemResult"),
]

AgendaResult = Annotated[
    AgendaSuccess
    | ValidationProblem
    | NotFoundProblem
    | PermissionProblem
    | MeetingClosed
    | StateConflictProblem,
    strawberry.union("AgendaResult"),
]


def _item(item: DomainAgendaItem) -> AgendaItemSuccess:
    return AgendaItemSuccess(agenda_item=agenda_item_node(item))


def _agenda(items: list[DomainAgendaItem]) -> AgendaSuccess:
    return AgendaSuccess(agenda_items=[agenda_item_node(item) for item in items])


@strawberry.type
class AgendaMutation:
    @mutates("Add a topic to a scheduled meeting (content:write).")
    async def add_agenda_item(self, info: GraphInfo, input: AddAgendaItemInput) -> AgendaItemResult:
        async def add(ctx: ServiceContext) -> DomainAgendaItem:
            body = read(input, AgendaItemCreate)
            return await service.add_item(ctx, input.meeting_id, **body.model_dump())

        outcome = await perform(
            info, Scope.CONTENT_WRITE, add, AgendaItemResult, meeting_id=input.meeting_id
        )
        return cast(AgendaItemResult, answer(outcome, _item))

    @mutates("Edit an item of a scheduled meeting (content:write).")
    async def update_agenda_item(
        self, info: GraphInfo, input: UpdateAgendaItemInput
    ) -> AgendaItemResult:
        async def update(ctx: ServiceContext) -> DomainAgendaItem:
            changes = read(input, AgendaItemUpdate).model_dump(exclude_unset=True)
            expected = expected_version(input.if_version)
            return await service.update_item(ctx, input.id, changes, expected)

        outcome = await perform(
            info, Scope.CONTENT_WRITE, update, AgendaItemResult, item_id=input.id
        )
        return cast(AgendaItemResult, answer(outcome, _item))

    @mutates("Remove an item of a scheduled meeting (content:write).")
    async def delete_agenda_item(
        self,
        info: GraphInfo,
        id: UUID,
        if_version: Annotated[int | None, strawberry.argument(description=IF_VERSION)] = None,
    ) -> DeleteResult:
        async def delete(ctx: ServiceContext) -> UUID:
            await service.delete_item(ctx, id, expected_version(if_version))
            return id

        outcome = await perform(info, Scope.CONTENT_WRITE, delete, DeleteResult, item_id=id)
        return cast(DeleteResult, answer(outcome, lambda gone: Deleted(id=gone)))

    @mutates(
        "Put every item of the meeting in a new order; returns the whole agenda (content:write)."
    )
    async def reorder_agenda_items(
        self, info: GraphInfo, meeting_id: UUID, item_ids: list[UUID]
    ) -> AgendaResult:
        async def reorder(ctx: ServiceContext) -> list[DomainAgendaItem]:
            body = checked(AgendaOrder, {"item_ids": item_ids})
            return await service.reorder_items(ctx, meeting_id, body.item_ids)

        outcome = await perform(
            info, Scope.CONTENT_WRITE, reorder, AgendaResult, meeting_id=meeting_id
        )
        return cast(AgendaResult, answer(outcome, _agenda))

    @mutates("Append one item per section of a template (content:write).")
    async def apply_template(self, info: GraphInfo, input: ApplyTemplateInput) -> AgendaResult:
        async def apply(ctx: ServiceContext) -> list[DomainAgendaItem]:
            body = read(input, ApplyTemplate)
            return await service.apply_template(ctx, input.meeting_id, **body.model_dump())

        outcome = await perform(
            info, Scope.CONTENT_WRITE, apply, AgendaResult, meeting_id=input.meeting_id
        )
        return cast(AgendaResult, answer(outcome, _agenda))

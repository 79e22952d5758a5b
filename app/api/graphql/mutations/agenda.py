"""The mutations of a meeting's agenda: their inputs, results and Mutation fields."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

import strawberry

from app.api.graphql.mutations.deletion import DeleteResult, deleted
from app.api.graphql.mutations.inputs import derived_input, read
from app.api.graphql.mutations.running import IF_VERSION, checked, expected_version, mutation
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


@mutation(
    "Add a topic to a scheduled meeting (content:write).",
    scope=Scope.CONTENT_WRITE,
    result=AgendaItemResult,
    success=_item,
    audit=lambda input: {"meeting_id": input.meeting_id},
)
async def add_agenda_item(ctx: ServiceContext, input: AddAgendaItemInput) -> DomainAgendaItem:
    body = read(input, AgendaItemCreate)
    return await service.add_item(ctx, input.meeting_id, **body.model_dump())


@mutation(
    "Edit an item of a scheduled meeting (content:write).",
    scope=Scope.CONTENT_WRITE,
    result=AgendaItemResult,
    success=_item,
    audit=lambda input: {"item_id": input.id},
)
async def update_agenda_item(ctx: ServiceContext, input: UpdateAgendaItemInput) -> DomainAgendaItem:
    changes = read(input, AgendaItemUpdate).model_dump(exclude_unset=True)
    expected = expected_version(input.if_version)
    return await service.update_item(ctx, input.id, changes, expected)


@mutation(
    "Remove an item of a scheduled meeting (content:write).",
    scope=Scope.CONTENT_WRITE,
    result=DeleteResult,
    success=deleted,
    audit=lambda id, **_: {"item_id": id},
)
async def delete_agenda_item(
    ctx: ServiceContext,
    id: UUID,
    if_version: Annotated[int | None, strawberry.argument(description=IF_VERSION)] = None,
) -> UUID:
    await service.delete_item(ctx, id, expected_version(if_version))
    return id


@mutation(
    "Put every item of the meeting in a new order; returns the whole agenda (content:write).",
    scope=Scope.CONTENT_WRITE,
    result=AgendaResult,
    success=_agenda,
    audit=lambda meeting_id, **_: {"meeting_id": meeting_id},
)
async def reorder_agenda_items(
    ctx: ServiceContext, meeting_id: UUID, item_ids: list[UUID]
) -> list[DomainAgendaItem]:
    body = checked(AgendaOrder, {"item_ids": item_ids})
    return await service.reorder_items(ctx, meeting_id, body.item_ids)


@mutation(
    "Append one item per section of a template (content:write).",
    scope=Scope.CONTENT_WRITE,
    result=AgendaResult,
    success=_agenda,
    audit=lambda input: {"meeting_id": input.meeting_id},
)
async def apply_template(ctx: ServiceContext, input: ApplyTemplateInput) -> list[DomainAgendaItem]:
    body = read(input, ApplyTemplate)
    return await service.apply_template(ctx, input.meeting_id, **body.model_dump())


MUTATIONS = (
    add_agenda_item,
    update_agenda_item,
    delete_agenda_item,
    reorder_agenda_items,
    apply_template,
)

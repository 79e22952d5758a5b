"""Agenda templates of the organization."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi import APIRouter
from fastapi.responses import Response

from app.api.access import ContentRead, PolicyWrite
from app.api.problems import problem_responses
from app.api.rest.links import CREATED_ID, links, to
from app.api.rest.responses import Paging, many, one
from app.api.schemas.common import NoBody, PageOut
from app.api.schemas.settings import SectionIn, TemplateCreate, TemplateOut, TemplateUpdate
from app.domain.templates import TemplateSection
from app.services import settings_admin as service
from app.services import visible_records

router = APIRouter(prefix="/v1/templates", tags=["templates"])


def _sections(sections: list[SectionIn]) -> list[TemplateSection]:
    return [TemplateSection(s.kind, s.title, tuple(s.prompts)) for s in sections]


@router.post(
    "",
    operation_id="templates-create",
    status_code=201,
    response_model=TemplateOut,
    responses={
        **problem_responses("admin_only", "duplicate_template_name"),
        **links(
            201,
            GetTemplate=to("templates-get", template_id=CREATED_ID),
            UpdateTemplate=to("templates-update", template_id=CREATED_ID),
            DeleteTemplate=to("templates-delete", template_id=CREATED_ID),
        ),
    },
)
async def create_template(body: TemplateCreate, ctx: PolicyWrite) -> Response:
    """Add an agenda template; `is_default: true` makes it the one applied by default."""
    template = await service.create_template(
        ctx,
        name=body.name,
        description=body.description,
        sections=_sections(body.sections),
        is_default=body.is_default,
    )
    return one(TemplateOut, template, status=201, location=f"/v1/templates/{template.id}")


@router.get(
    "",
    operation_id="templates-list",
    response_model=PageOut[TemplateOut],
    responses=problem_responses("invalid_cursor"),
)
async def list_templates(ctx: ContentRead, paging: Paging) -> Response:
    """Templates, oldest first (sort key `created_at`, then `id`)."""
    return many(TemplateOut, await service.list_templates(ctx, paging))


@router.get(
    "/{template_id}",
    operation_id="templates-get",
    response_model=TemplateOut,
    responses=problem_responses("not_found"),
)
async def get_template(template_id: UUID, ctx: ContentRead) -> Response:
    """One template."""
    return one(TemplateOut, await visible_records.template(ctx, template_id))


@router.patch(
    "/{template_id}",
    operation_id="templates-update",
    response_model=TemplateOut,
    responses=problem_responses(
        "nothing_to_change", "admin_only", "not_found", "null_field", "duplicate_template_name"
    ),
)
async def update_template(template_id: UUID, body: TemplateUpdate, ctx: PolicyWrite) -> Response:
    """Rename, describe, restructure or make default."""
    changes: dict[str, Any] = body.model_dump(exclude_unset=True)
    if body.sections is not None:
        changes["sections"] = _sections(body.sections)
    return one(TemplateOut, await service.update_template(ctx, template_id, changes))


@router.delete(
    "/{template_id}",
    operation_id="templates-delete",
    status_code=204,
    responses=problem_responses("admin_only", "not_found"),
)
async def delete_template(template_id: UUID, ctx: PolicyWrite, _body: NoBody = None) -> Response:
    """Delete a template (agenda items made from it stay)."""
    await service.delete_template(ctx, template_id)
    return Response(status_code=204)

"""An organization's settings: cadence policy, agenda templates and service keys."""

from __future__ import annotations

from dataclasses import replace
from typing import Any
from uuid import UUID

from app.domain.access import Scope, ServiceKey, key_digest, new_key_secret
from app.domain.errors import InvalidInput, NotFound, StateConflict
from app.domain.paging import Page, PageRequest
from app.domain.policy import Policy
from app.domain.privacy import check_admin
from app.domain.templates import Template, TemplateSection
from app.domain.versions import Expected, check_version, check_version_given, stale
from app.services import visible_records
from app.services.context import ServiceContext, new_id


async def policy(ctx: ServiceContext) -> Policy:
    """The cadence policy every pair and meeting is checked against."""
    return await ctx.uow.policies.get(ctx.org_id)


async def update_policy(
    ctx: ServiceContext, changes: dict[str, Any], expected: Expected | None = None
) -> Policy:
    check_admin(ctx.caller, "change the policy")
    current = await ctx.uow.policies.get(ctx.org_id)
    check_version("policy", current.version, expected)
    check_version_given("policy", expected, required=current.require_if_match)
    policy = current.with_changes(changes)
    read_version = None if expected is None else current.version
    written = await ctx.uow.policies.save_over(policy, ctx.now, read_version)
    if written is None:
        raise stale("policy", (await ctx.uow.policies.get(ctx.org_id)).version)
    if policy.grace_days != current.grace_days:
        # Every pair's overdue instant moved: the scheduler looks at each again.
        await ctx.uow.pair_watches.check_all_of(ctx.org_id, ctx.now)
    return replace(policy, version=written)


async def _check_name_free(ctx: ServiceContext, name: str, me: UUID | None) -> None:
    holder = await ctx.uow.templates.find_by_name(ctx.org_id, name)
    if holder is not None and holder.id != me:
        raise StateConflict(
            "Another template of this organization already has this name.",
            code="duplicate_template_name",
        )


async def create_template(
    ctx: ServiceContext,
    *,
    name: str,
    sections: list[TemplateSection],
    description: str | None = None,
    is_default: bool = False,
) -> Template:
    check_admin(ctx.caller, "manage templates")
    await _check_name_free(ctx, name, None)
    if is_default:
        await ctx.uow.templates.clear_default(ctx.org_id)
    template = Template(
        id=new_id(),
        org_id=ctx.org_id,
        name=name,
        description=description,
        sections=sections,
        is_default=is_default,
        created_at=ctx.now,
        updated_at=ctx.now,
    )
    await ctx.uow.templates.add(template)
    return template


async def update_template(
    ctx: ServiceContext, template_id: UUID, changes: dict[str, Any]
) -> Template:
    template = await visible_records.template(ctx, template_id)
    check_admin(ctx.caller, "manage templates")
    if "name" in changes:
        await _check_name_free(ctx, changes["name"], template.id)
    if changes.get("is_default") and not template.is_default:
        await ctx.uow.templates.clear_default(ctx.org_id)
    for name, value in changes.items():
        setattr(template, name, value)
    template.updated_at = ctx.now
    await ctx.uow.templates.save(template)
    return template


async def delete_template(ctx: ServiceContext, template_id: UUID) -> None:
    template = await visible_records.template(ctx, template_id)
    check_admin(ctx.caller, "manage templates")
    await ctx.uow.templates.delete(ctx.org_id, template.id)


async def list_templates(ctx: ServiceContext, request: PageRequest) -> Page[Template]:
    ctx.returns_content()  # agenda templates are the organization's content
    return await ctx.uow.templates.list_page(ctx.org_id, request)


async def create_service_key(
    ctx: ServiceContext, *, name: str, scopes: frozenset[Scope]
) -> tuple[ServiceKey, str]:
    """A new key; its secret is returned once and only its digest is stored."""
    if not scopes:
        raise InvalidInput("A service key needs at least one scope.", code="no_scopes")
    secret = new_key_secret()
    key = ServiceKey(
        id=new_id(),
        org_id=ctx.org_id,
        name=name,
        prefix=secret[:8],
        digest=key_digest(secret),
        scopes=scopes,
        created_at=ctx.now,
        updated_at=ctx.now,
        revoked_at=None,
    )
    await ctx.uow.service_keys.add(key)
    return key, secret


async def revoke_service_key(ctx: ServiceContext, key_id: UUID) -> ServiceKey:
    key = await ctx.uow.service_keys.get(ctx.org_id, key_id)
    if key is None or key.revoked_at is not None:
        raise NotFound("service key", key_id)
    key.revoked_at = ctx.now
    key.updated_at = ctx.now
    await ctx.uow.service_keys.save(key)
    return key


async def list_service_keys(ctx: ServiceContext, request: PageRequest) -> Page[ServiceKey]:
    return await ctx.uow.service_keys.list_page(ctx.org_id, request)

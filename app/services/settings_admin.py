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
from app.services.context import UseCase, new_id


async def policy(uc: UseCase) -> Policy:
    """The cadence policy every pair and meeting is checked against."""
    return await uc.uow.policies.get(uc.org_id)


async def update_policy(
    uc: UseCase, changes: dict[str, Any], expected: Expected | None = None
) -> Policy:
    check_admin(uc.caller, "change the policy")
    current = await uc.uow.policies.get(uc.org_id)
    check_version("policy", current.version, expected)
    check_version_given("policy", expected, required=current.require_if_match)
    policy = current.with_changes(changes)
    read_version = None if expected is None else current.version
    written = await uc.uow.policies.save_over(policy, uc.now, read_version)
    if written is None:
        raise stale("policy", (await uc.uow.policies.get(uc.org_id)).version)
    if policy.grace_days != current.grace_days:
        # Every pair's overdue instant moved: the scheduler looks at each again.
        await uc.uow.pair_watches.check_all_of(uc.org_id, uc.now)
    return replace(policy, version=written)


async def _check_name_free(uc: UseCase, name: str, me: UUID | None) -> None:
    holder = await uc.uow.templates.find_by_name(uc.org_id, name)
    if holder is not None and holder.id != me:
        raise StateConflict(
            "Another template of this organization already has this name.",
            code="duplicate_template_name",
        )


async def create_template(
    uc: UseCase,
    *,
    name: str,
    sections: list[TemplateSection],
    description: str | None = None,
    is_default: bool = False,
) -> Template:
    check_admin(uc.caller, "manage templates")
    await _check_name_free(uc, name, None)
    if is_default:
        await uc.uow.templates.clear_default(uc.org_id)
    template = Template(
        id=new_id(),
        org_id=uc.org_id,
        name=name,
        description=description,
        sections=sections,
        is_default=is_default,
        created_at=uc.now,
        updated_at=uc.now,
    )
    await uc.uow.templates.add(template)
    return template


async def update_template(uc: UseCase, template_id: UUID, changes: dict[str, Any]) -> Template:
    template = await visible_records.template(uc, template_id)
    check_admin(uc.caller, "manage templates")
    if "name" in changes:
        await _check_name_free(uc, changes["name"], template.id)
    if changes.get("is_default") and not template.is_default:
        await uc.uow.templates.clear_default(uc.org_id)
    for name, value in changes.items():
        setattr(template, name, value)
    template.updated_at = uc.now
    await uc.uow.templates.save(template)
    return template


async def delete_template(uc: UseCase, template_id: UUID) -> None:
    template = await visible_records.template(uc, template_id)
    check_admin(uc.caller, "manage templates")
    await uc.uow.templates.delete(uc.org_id, template.id)


async def list_templates(uc: UseCase, request: PageRequest) -> Page[Template]:
    uc.returns_content()  # agenda templates are the organization's content
    return await uc.uow.templates.list_page(uc.org_id, request)


async def create_service_key(
    uc: UseCase, *, name: str, scopes: frozenset[Scope]
) -> tuple[ServiceKey, str]:
    """A new key; its secret is returned once and only its digest is stored."""
    if not scopes:
        raise InvalidInput("A service key needs at least one scope.", code="no_scopes")
    secret = new_key_secret()
    key = ServiceKey(
        id=new_id(),
        org_id=uc.org_id,
        name=name,
        prefix=secret[:8],
        digest=key_digest(secret),
        scopes=scopes,
        created_at=uc.now,
        updated_at=uc.now,
        revoked_at=None,
    )
    await uc.uow.service_keys.add(key)
    return key, secret


async def revoke_service_key(uc: UseCase, key_id: UUID) -> ServiceKey:
    key = await uc.uow.service_keys.get(uc.org_id, key_id)
    if key is None or key.revoked_at is not None:
        raise NotFound("service key", key_id)
    key.revoked_at = uc.now
    key.updated_at = uc.now
    await uc.uow.service_keys.save(key)
    return key


async def list_service_keys(uc: UseCase, request: PageRequest) -> Page[ServiceKey]:
    return await uc.uow.service_keys.list_page(uc.org_id, request)

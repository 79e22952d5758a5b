"""People: hire (create), move (edit), leave (deactivate), come back (reactivate); reporting
lines kept acyclic and their pairs in step (rule 8). REST, GraphQL, SCIM and the directory
sync change people through these functions only."""

from __future__ import annotations

from dataclasses import replace
from typing import Any
from uuid import UUID

from app.domain.errors import InvalidInput, StateConflict
from app.domain.paging import Page, PageRequest
from app.domain.people import (
    Person,
    Role,
    check_login_keys,
    check_no_reporting_cycle,
    check_timezone,
)
from app.domain.privacy import check_admin
from app.domain.queries import PeopleFilter
from app.domain.versions import Expected, check_version
from app.services import versions, visible_records
from app.services.context import ServiceContext, new_id
from app.services.reporting_lines import follow_people


async def check_unique(
    ctx: ServiceContext,
    me: UUID | None,
    *,
    email: str | None = None,
    external_id: str | None = None,
    username: str | None = None,
) -> None:
    """Emails (when present), external ids and login names are unique per organization."""
    people = ctx.uow.people
    checks = (
        ("email", email, people.find_by_email),
        ("external_id", external_id, people.find_by_external_id),
        ("username", username, people.find_by_username),
    )
    for field, value, find in checks:
        if value is None:
            continue
        holder = await find(ctx.org_id, value)
        if holder is not None and holder.id != me:
            raise StateConflict(
                f"Another person of this organization already has this {field}.",
                code=f"duplicate_{field}",
                person_id=str(holder.id),
                field=field,
            )


async def create_person(
    ctx: ServiceContext,
    *,
    name: str,
    email: str | None = None,
    username: str | None = None,
    timezone: str = "UTC",
    manager_id: UUID | None = None,
    external_id: str | None = None,
    role: Role = Role.MEMBER,
    manager_ref: str | None = None,
    active: bool = True,
    given_name: str | None = None,
    family_name: str | None = None,
) -> Person:
    """Hire: a login name defaults to the email; with `auto_pairs`, a manager starts the
    person's manager_report pair, and people who named this person as their manager before
    they existed now report to them."""
    check_admin(ctx.caller, "add people")
    check_timezone(timezone)
    check_login_keys(email, username)
    login = username if username is not None else email
    if login is None:
        raise InvalidInput(
            "A person needs a username or an email (the username defaults to the email).",
            code="missing_field",
            field="username",
        )
    await check_unique(ctx, None, email=email, external_id=external_id, username=login)
    if manager_id is not None:
        manager = await visible_records.referenced_person(ctx, manager_id, "manager_id")
        _check_manager_active(manager)
    person = Person(
        id=new_id(),
        org_id=ctx.org_id,
        email=email,
        name=name,
        timezone=timezone,
        manager_id=manager_id,
        external_id=external_id,
        role=role,
        active=active,
        created_at=ctx.now,
        updated_at=ctx.now,
        username=login,
        manager_ref=manager_ref,
        given_name=given_name,
        family_name=family_name,
    )
    await ctx.uow.people.add(person)
    await follow_people(ctx, [person])
    await resolve_pending(ctx, person)
    return person


def _check_manager_active(manager: Person) -> None:
    if not manager.active:
        raise InvalidInput(
            "manager_id names a deactivated person.", code="person_inactive", field="manager_id"
        )


async def update_person(
    ctx: ServiceContext, person_id: UUID, changes: dict[str, Any], expected: Expected | None = None
) -> Person:
    """Move or edit: a new manager must be active and must not close a loop (rule 8); the
    reporting pair follows. `manager_ref` (a directory's pending manager) is only ever set
    with no manager."""
    person = await visible_records.person(ctx, person_id)
    check_admin(ctx.caller, "change people")
    check_version("person", person.version, expected)
    await versions.require_given(ctx, "person", expected)
    if "timezone" in changes:
        check_timezone(changes["timezone"])
    check_login_keys(changes.get("email"), changes.get("username"))
    await check_unique(
        ctx,
        person.id,
        email=changes.get("email"),
        external_id=changes.get("external_id"),
        username=changes.get("username"),
    )
    if "manager_id" in changes and changes["manager_id"] != person.manager_id:
        await _check_new_manager(ctx, person, changes["manager_id"])
    if "manager_id" in changes:
        changes.setdefault("manager_ref", None)
    before = replace(person)
    for name, value in changes.items():
        setattr(person, name, value)
    if person == before:
        return person
    person.updated_at = ctx.now
    await versions.save(ctx, ctx.uow.people, person, "person", expected)
    if person.manager_id != before.manager_id:
        await follow_people(ctx, [person])
    if (person.username, person.external_id) != (before.username, before.external_id):
        await resolve_pending(ctx, person)
    return person


async def _check_new_manager(ctx: ServiceContext, person: Person, manager_id: UUID | None) -> None:
    if manager_id is None:
        return
    if not person.active:
        raise StateConflict("A deactivated person takes no new manager.", code="person_deactivated")
    manager = await visible_records.referenced_person(ctx, manager_id, "manager_id")
    _check_manager_active(manager)
    chain = await ctx.uow.people.managers_above(ctx.org_id, manager_id)
    check_no_reporting_cycle(person.id, manager_id, chain)


async def resolve_pending(ctx: ServiceContext, arrived: Person) -> list[Person]:
    """People whose directory named `arrived` as their manager before it existed (by id,
    externalId or userName) now report to it; a loop is refused like any other (rule 8)."""
    waiting = await ctx.uow.people.pending_on(ctx.org_id, arrived)
    if not waiting:
        return []
    chain = await ctx.uow.people.managers_above(ctx.org_id, arrived.id)
    for person in waiting:
        check_no_reporting_cycle(person.id, arrived.id, chain)
        person.manager_id, person.manager_ref, person.updated_at = arrived.id, None, ctx.now
    await ctx.uow.people.save_many(waiting)
    await follow_people(ctx, waiting)
    return waiting


async def deactivate_person(ctx: ServiceContext, person_id: UUID) -> Person:
    """Leave (rule 8): every pair of the person ends and their future meetings are canceled.
    Their reports keep them as manager (so `?manager_state=inactive` finds them and a
    return restores the line); the reports' reporting pairs end with theirs."""
    person = await visible_records.person(ctx, person_id)
    check_admin(ctx.caller, "deactivate people")
    if not person.active:
        raise StateConflict("This person is already deactivated.", code="person_deactivated")
    person.active = False
    person.updated_at = ctx.now
    await ctx.uow.people.save(person)
    await follow_people(ctx, [person], flipped=[person])
    return person


async def reactivate_person(ctx: ServiceContext, person_id: UUID) -> Person:
    """Come back (rule 9): same id, history and email; their reporting pair, and those of
    their active reports, start again as new pairs."""
    person = await visible_records.person(ctx, person_id)
    check_admin(ctx.caller, "reactivate people")
    if person.active:
        raise StateConflict("This person is active already.", code="person_active")
    person.active = True
    person.scim_deleted_at = None
    person.updated_at = ctx.now
    await ctx.uow.people.save(person)
    await follow_people(ctx, [person], flipped=[person])
    return person


async def list_people(
    ctx: ServiceContext, filters: PeopleFilter, request: PageRequest
) -> Page[Person]:
    return await ctx.uow.people.list_page(ctx.org_id, filters, request)

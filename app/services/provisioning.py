"""People as an identity provider manages them (SCIM): whole records replaced at once, a
manager named by whatever identifier the provider knows, deletion that keeps history. Each
use case is made of the people services, so rule 8 holds however a change arrives."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from app.domain.errors import InvalidInput, NotFound
from app.domain.people import Person
from app.domain.queries import DirectoryQuery
from app.services import people as service
from app.services import visible_records
from app.services.context import ServiceContext


@dataclass(frozen=True, slots=True)
class ProvidedPerson:
    """A person as an identity provider states it: every field, whole (an omitted one is
    cleared, as a SCIM PUT requires)."""

    username: str
    name: str
    given_name: str | None = None
    family_name: str | None = None
    email: str | None = None
    external_id: str | None = None
    timezone: str | None = None
    manager: str | None = None  # a person's id, externalId or userName
    active: bool = True


async def directory_person(ctx: ServiceContext, person_id: UUID) -> Person:
    """A person the identity provider sees: deleting through SCIM hides them from it."""
    person = await visible_records.person(ctx, person_id)
    if person.scim_deleted_at is not None:
        raise NotFound("person", person_id)
    return person


async def manager_named(ctx: ServiceContext, value: str | None) -> tuple[UUID | None, str | None]:
    """(manager_id, pending reference): a provider names a manager by our id, its own
    externalId or the userName; one that is not provisioned yet stays pending."""
    if value is None or not value.strip():
        return None, None
    people = ctx.uow.people
    found: Person | None = None
    try:
        found = await people.get(ctx.org_id, UUID(value))
    except ValueError:
        found = None
    found = (
        found
        or await people.find_by_external_id(ctx.org_id, value)
        or await people.find_by_username(ctx.org_id, value)
    )
    return (None, value) if found is None else (found.id, None)


def _fields(wanted: ProvidedPerson) -> dict[str, object]:
    return {
        "username": wanted.username,
        "name": wanted.name,
        "given_name": wanted.given_name,
        "family_name": wanted.family_name,
        "email": wanted.email,
        "external_id": wanted.external_id,
        "timezone": wanted.timezone or "UTC",
    }


async def provision(ctx: ServiceContext, wanted: ProvidedPerson) -> Person:
    """Create a person, or bring back one deleted from the directory under the same userName
    or externalId (same id and history)."""
    hidden = await _deleted_holder(ctx, wanted)
    if hidden is not None:
        return await replace_person(ctx, hidden.id, wanted)
    manager_id, manager_ref = await manager_named(ctx, wanted.manager)
    return await service.create_person(
        ctx,
        **_fields(wanted),  # type: ignore[arg-type]
        manager_id=manager_id,
        manager_ref=manager_ref,
        active=wanted.active,
    )


async def _deleted_holder(ctx: ServiceContext, wanted: ProvidedPerson) -> Person | None:
    people = ctx.uow.people
    for holder in (
        await people.find_by_username(ctx.org_id, wanted.username),
        wanted.external_id and await people.find_by_external_id(ctx.org_id, wanted.external_id),
    ):
        if isinstance(holder, Person) and holder.scim_deleted_at is not None:
            return holder
    return None


async def replace_person(ctx: ServiceContext, person_id: UUID, wanted: ProvidedPerson) -> Person:
    """Set every field; one who comes back is reactivated before the edit, one who leaves
    is deactivated after it (a departing person's last manager is still recorded)."""
    person = await visible_records.person(ctx, person_id)
    manager_id, manager_ref = await manager_named(ctx, wanted.manager)
    if manager_id == person.id:
        raise InvalidInput("A person cannot be their own manager.", code="reporting_cycle")
    if wanted.active and not person.active:
        person = await service.reactivate_person(ctx, person.id)
    changes = {**_fields(wanted), "manager_id": manager_id, "manager_ref": manager_ref}
    person = await service.update_person(ctx, person.id, changes)
    if not wanted.active and person.active:
        person = await service.deactivate_person(ctx, person.id)
    return person


async def remove_from_directory(ctx: ServiceContext, person_id: UUID) -> None:
    """SCIM DELETE: the person leaves (rule 8) and disappears from the provider's view;
    their history stays, and REST still lists them as deactivated."""
    person = await directory_person(ctx, person_id)
    if person.active:
        person = await service.deactivate_person(ctx, person.id)
    person.scim_deleted_at = ctx.now
    person.updated_at = ctx.now
    await ctx.uow.people.save(person)


async def directory_window(
    ctx: ServiceContext, query: DirectoryQuery, offset: int, limit: int
) -> tuple[int, list[Person]]:
    """The provider's view of people, by SCIM's index paging."""
    return await ctx.uow.people.directory_page(ctx.org_id, query, offset, limit)

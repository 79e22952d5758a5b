"""People: create, edit, deactivate; reporting lines kept acyclic and in step (rule 8)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from app.domain.errors import InvalidInput, StateConflict
from app.domain.paging import Page, PageRequest
from app.domain.pairs import PairKind, PairSource
from app.domain.people import Person, Role, check_no_reporting_cycle, check_timezone
from app.domain.privacy import check_admin
from app.domain.queries import PeopleFilter
from app.services import lookups
from app.services.context import UseCase, new_id
from app.services.pairs import create_pair, end_loaded_pair

ENDED_REPORTING_LINE_CHANGED = "reporting_line_changed"
ENDED_PERSON_DEACTIVATED = "person_deactivated"
NON_NULLABLE = ("email", "name", "timezone", "role")


async def _check_unique(
    uc: UseCase, email: str | None, external_id: str | None, me: UUID | None
) -> None:
    if email is not None:
        holder = await uc.uow.people.find_by_email(uc.org_id, email)
        if holder is not None and holder.id != me:
            raise StateConflict(
                "Another person of this organization already has this email.",
                code="duplicate_email",
                person_id=str(holder.id),
            )
    if external_id is not None:
        holder = await uc.uow.people.find_by_external_id(uc.org_id, external_id)
        if holder is not None and holder.id != me:
            raise StateConflict(
                "Another person of this organization already has this external_id.",
                code="duplicate_external_id",
                person_id=str(holder.id),
            )


async def create_person(
    uc: UseCase,
    *,
    email: str,
    name: str,
    timezone: str,
    manager_id: UUID | None = None,
    external_id: str | None = None,
    role: Role = Role.MEMBER,
) -> Person:
    check_admin(uc.caller, "add people")
    check_timezone(timezone)
    await _check_unique(uc, email, external_id, None)
    if manager_id is not None:
        manager = await lookups.referenced_person(uc, manager_id, "manager_id")
        _check_manager_active(manager)
    person = Person(
        id=new_id(),
        org_id=uc.org_id,
        email=email,
        name=name,
        timezone=timezone,
        manager_id=manager_id,
        external_id=external_id,
        role=role,
        active=True,
        created_at=uc.now,
        updated_at=uc.now,
    )
    await uc.uow.people.add(person)
    await _follow_reporting_line(uc, person, None)
    return person


def _check_manager_active(manager: Person) -> None:
    if not manager.active:
        raise InvalidInput(
            "manager_id names a deactivated person.", code="person_inactive", field="manager_id"
        )


async def update_person(uc: UseCase, person_id: UUID, changes: dict[str, Any]) -> Person:
    """Edit a person; a new manager_id must not close a loop (rule 8)."""
    person = await lookups.person(uc, person_id)
    check_admin(uc.caller, "change people")
    for name in NON_NULLABLE:
        if name in changes and changes[name] is None:
            raise InvalidInput(f"{name} cannot be null.", code="null_field", field=name)
    if "timezone" in changes:
        check_timezone(changes["timezone"])
    await _check_unique(uc, changes.get("email"), changes.get("external_id"), person.id)
    old_manager_id = person.manager_id
    if "manager_id" in changes and changes["manager_id"] != old_manager_id:
        new_manager_id: UUID | None = changes["manager_id"]
        if new_manager_id is not None:
            if not person.active:
                raise StateConflict(
                    "A deactivated person takes no new manager.", code="person_deactivated"
                )
            manager = await lookups.referenced_person(uc, new_manager_id, "manager_id")
            _check_manager_active(manager)
            chain = await uc.uow.people.managers_above(uc.org_id, new_manager_id)
            check_no_reporting_cycle(person.id, new_manager_id, chain)
    for name, value in changes.items():
        setattr(person, name, value)
    person.updated_at = uc.now
    await uc.uow.people.save(person)
    if person.manager_id != old_manager_id:
        await _follow_reporting_line(uc, person, old_manager_id)
    return person


async def _follow_reporting_line(uc: UseCase, person: Person, old_manager_id: UUID | None) -> None:
    """Rule 8 with auto_pairs: the person's manager_report pair follows their manager; the
    member's open commitments move to the new pair, the old lead's stay where they were."""
    policy = await uc.uow.policies.get(uc.org_id)
    if not policy.auto_pairs:
        return
    old_pair = None
    if old_manager_id is not None:
        old_pair = await uc.uow.pairs.find_live(
            uc.org_id, old_manager_id, person.id, PairKind.MANAGER_REPORT
        )
        if old_pair is not None:
            await end_loaded_pair(uc, old_pair, ENDED_REPORTING_LINE_CHANGED)
    if person.manager_id is None:
        return
    new_pair = await uc.uow.pairs.find_live(
        uc.org_id, person.manager_id, person.id, PairKind.MANAGER_REPORT
    )
    if new_pair is None:
        new_pair = await create_pair(
            uc,
            lead_id=person.manager_id,
            member_id=person.id,
            kind=PairKind.MANAGER_REPORT,
            source=PairSource.REPORTING_LINE,
        )
    if old_pair is not None:
        await uc.uow.commitments.move_open_of_owner(
            uc.org_id, old_pair.id, person.id, new_pair.id, uc.now
        )


async def deactivate_person(uc: UseCase, person_id: UUID) -> Person:
    """Rule 8: a deactivated person's pairs all end (their future meetings are canceled)."""
    person = await lookups.person(uc, person_id)
    check_admin(uc.caller, "deactivate people")
    if not person.active:
        raise StateConflict("This person is already deactivated.", code="person_deactivated")
    person.active = False
    person.updated_at = uc.now
    await uc.uow.people.save(person)
    for pair in await uc.uow.pairs.live_of_person(uc.org_id, person.id):
        await end_loaded_pair(uc, pair, ENDED_PERSON_DEACTIVATED)
    return person


async def list_people(uc: UseCase, filters: PeopleFilter, request: PageRequest) -> Page[Person]:
    return await uc.uow.people.list_page(uc.org_id, filters, request)

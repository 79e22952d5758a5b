"""A directory sync as a pure function: the organization's people and the directory's rows
in, the people to write and the diff out — or every bad row at once. Rows may come in any
order (a manager after their report); nothing here touches a database."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from uuid import UUID

from app.domain.errors import InvalidInput
from app.domain.people import Person, Role, check_timezone, email_key, username_key

MAX_ROWS = 20_000
SYNCED_FIELDS = ("external_id", "email", "name", "timezone", "role")


@dataclass(frozen=True, slots=True)
class DirectoryRow:
    """One person as the directory knows them."""

    external_id: str
    name: str
    email: str | None = None
    timezone: str | None = None  # kept as it is when omitted (UTC for new people)
    manager_external_id: str | None = None
    manager_email: str | None = None
    role: Role | None = None  # kept as it is when omitted (member for new people)


@dataclass(frozen=True, slots=True)
class RowError:
    row: int
    code: str
    detail: str


class DirectoryRejected(InvalidInput):
    """Bad rows, all of them: nothing is written."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(
            f"{len(errors)} row(s) of the directory are invalid; nothing was written.",
            code="invalid_directory",
            errors=[{"row": e.row, "code": e.code, "detail": e.detail} for e in errors],
        )
        self.errors = errors


@dataclass(frozen=True, slots=True)
class Change:
    """A person of the diff: who, from which row (none for people the directory left out),
    and what changed."""

    person: Person
    row: int | None
    changed: tuple[str, ...] = ()
    from_manager_id: UUID | None = None


@dataclass(slots=True)
class DirectoryPlan:
    created: list[Change] = field(default_factory=list)
    updated: list[Change] = field(default_factory=list)
    moved: list[Change] = field(default_factory=list)
    deactivated: list[Change] = field(default_factory=list)
    reactivated: list[Change] = field(default_factory=list)
    # What to write: new people managers first, then changed existing people.
    inserts: list[Person] = field(default_factory=list)
    updates: list[Person] = field(default_factory=list)
    # Everyone after the sync, by id, and whose pairs must follow (rule 8).
    people: dict[UUID, Person] = field(default_factory=dict)
    affected: set[UUID] = field(default_factory=set)


class _Errors:
    def __init__(self) -> None:
        self.found: dict[tuple[int, str], RowError] = {}

    def add(self, row: int, code: str, detail: str) -> None:
        self.found.setdefault((row, code), RowError(row, code, detail))

    def rows(self) -> set[int]:
        return {row for row, _ in self.found}

    def sorted(self) -> list[RowError]:
        return sorted(self.found.values(), key=lambda e: (e.row, e.code))


def plan_directory(
    existing: Iterable[Person],
    rows: list[DirectoryRow],
    *,
    deactivate_missing: bool,
    org_id: UUID,
    now: datetime,
    new_id: Callable[[], UUID],
) -> DirectoryPlan:
    """Match rows to people (by external_id, else by email), resolve managers among the rows
    and the people, refuse cycles and duplicates, and say what changes."""
    before = {p.id: p for p in existing}
    errors = _Errors()
    _check_rows(rows, errors)
    matched = _match(before.values(), rows)
    ids = [matched[i].id if i in matched else new_id() for i in range(len(rows))]
    managers = _managers(rows, ids, before, {p.id for p in matched.values()}, errors)
    plan = DirectoryPlan(people=dict(before))
    for index, row in enumerate(rows):
        old = matched.get(index)
        _record(plan, index, old, _after(row, old, ids[index], managers[index], org_id, now), now)
    if deactivate_missing:
        kept = set(ids)
        for person in before.values():
            if person.id not in kept and person.active:
                left = replace(person, active=False, updated_at=now)
                plan.people[left.id] = left
                plan.updates.append(left)
                plan.deactivated.append(Change(left, None))
                plan.affected.add(left.id)
    _check_managers_active(rows, ids, plan.people, errors)
    _check_cycles(ids, plan.people, errors)
    _check_unique(rows, ids, plan.people, errors)
    if errors.found:
        raise DirectoryRejected(errors.sorted())
    flipped = {c.person.id for c in (*plan.deactivated, *plan.reactivated)}
    plan.affected |= {p.id for p in plan.people.values() if p.manager_id in flipped}
    plan.inserts = _managers_first(plan.inserts)
    return plan


def _check_rows(rows: list[DirectoryRow], errors: _Errors) -> None:
    seen_ids: dict[str, int] = {}
    seen_emails: dict[str, int] = {}
    for index, row in enumerate(rows):
        if row.timezone is not None:
            try:
                check_timezone(row.timezone)
            except InvalidInput as error:
                errors.add(index, "unknown_timezone", error.detail)
        if row.manager_external_id is not None and row.manager_email is not None:
            errors.add(
                index,
                "ambiguous_manager",
                "Name the manager by manager_external_id or by manager_email, not both.",
            )
        first = seen_ids.setdefault(row.external_id, index)
        if first != index:
            errors.add(index, "duplicate_external_id", f"Row {first} has the same external_id.")
        if row.email is not None:
            first = seen_emails.setdefault(email_key(row.email), index)
            if first != index:
                errors.add(index, "duplicate_email", f"Row {first} has the same email.")


def _match(people: Iterable[Person], rows: list[DirectoryRow]) -> dict[int, Person]:
    """By external_id first; then, among people no row claimed by external_id, by email."""
    by_external = {p.external_id: p for p in people if p.external_id is not None}
    matches: dict[int, Person] = {}
    claimed: set[UUID] = set()
    for index, row in enumerate(rows):
        found = by_external.get(row.external_id)
        if found is not None and found.id not in claimed:
            matches[index] = found
            claimed.add(found.id)
    by_email = {email_key(p.email): p for p in people if p.email is not None}
    for index, row in enumerate(rows):
        if index in matches or row.email is None:
            continue
        found = by_email.get(email_key(row.email))
        if found is not None and found.id not in claimed:
            matches[index] = found
            claimed.add(found.id)
    return matches


def _managers(
    rows: list[DirectoryRow],
    ids: list[UUID],
    before: dict[UUID, Person],
    matched: set[UUID],
    errors: _Errors,
) -> list[UUID | None]:
    """Each row's manager id: another row first, else a person the directory left out."""
    row_by_external = {row.external_id: ids[i] for i, row in enumerate(rows)}
    row_by_email = {email_key(row.email): ids[i] for i, row in enumerate(rows) if row.email}
    others = [p for p in before.values() if p.id not in matched]
    other_by_external = {p.external_id: p.id for p in others if p.external_id is not None}
    other_by_email = {email_key(p.email): p.id for p in others if p.email is not None}
    found: list[UUID | None] = []
    for index, row in enumerate(rows):
        manager: UUID | None = None
        if row.manager_external_id is not None:
            manager = row_by_external.get(row.manager_external_id) or other_by_external.get(
                row.manager_external_id
            )
            named = f"manager_external_id {row.manager_external_id!r}"
        elif row.manager_email is not None:
            key = email_key(row.manager_email)
            manager = row_by_email.get(key) or other_by_email.get(key)
            named = f"manager_email {row.manager_email!r}"
        else:
            named = ""
        if named and manager is None:
            errors.add(index, "unknown_manager", f"{named} matches no row and no person.")
        if manager is not None and manager == ids[index]:
            errors.add(index, "reporting_cycle", "A person cannot be their own manager.")
            manager = None
        found.append(manager)
    return found


def _after(
    row: DirectoryRow,
    old: Person | None,
    person_id: UUID,
    manager_id: UUID | None,
    org_id: UUID,
    now: datetime,
) -> Person:
    if old is None:
        return Person(
            id=person_id,
            org_id=org_id,
            email=row.email,
            name=row.name,
            timezone=row.timezone or "UTC",
            manager_id=manager_id,
            external_id=row.external_id,
            role=row.role or Role.MEMBER,
            active=True,
            created_at=now,
            updated_at=now,
            username=row.email or row.external_id,
        )
    return replace(
        old,
        email=row.email,
        name=row.name,
        timezone=row.timezone or old.timezone,
        manager_id=manager_id,
        manager_ref=None,
        external_id=row.external_id,
        role=row.role or old.role,
        active=True,
        scim_deleted_at=None,
    )


def _record(
    plan: DirectoryPlan, index: int, old: Person | None, person: Person, now: datetime
) -> None:
    if old is None:
        plan.people[person.id] = person
        plan.inserts.append(person)
        plan.created.append(Change(person, index))
        plan.affected.add(person.id)
        return
    changed = tuple(name for name in SYNCED_FIELDS if getattr(old, name) != getattr(person, name))
    moved = old.manager_id != person.manager_id
    hidden = old.manager_ref is not None or old.scim_deleted_at is not None
    if not (changed or moved or hidden or not old.active):
        return
    plan.people[person.id] = person = replace(person, updated_at=now)
    plan.updates.append(person)
    if changed:
        plan.updated.append(Change(person, index, changed))
    if moved:
        plan.moved.append(Change(person, index, from_manager_id=old.manager_id))
        plan.affected.add(person.id)
    if not old.active:
        plan.reactivated.append(Change(person, index))
        plan.affected.add(person.id)


def _check_managers_active(
    rows: list[DirectoryRow], ids: list[UUID], people: dict[UUID, Person], errors: _Errors
) -> None:
    for index in range(len(rows)):
        manager_id = people[ids[index]].manager_id
        if manager_id is not None and not people[manager_id].active:
            errors.add(
                index,
                "manager_inactive",
                f"The manager ({manager_id}) is deactivated and not in the directory.",
            )


def _check_cycles(ids: list[UUID], people: dict[UUID, Person], errors: _Errors) -> None:
    """Rule 8 on the whole directory at once: walking up from anyone never loops."""
    row_of = {person_id: index for index, person_id in enumerate(ids)}
    settled: set[UUID] = set()
    for start in ids:
        path: list[UUID] = []
        on_path: set[UUID] = set()
        current: UUID | None = start
        while current is not None and current not in settled:
            if current in on_path:
                loop = path[path.index(current) :]
                for member in loop:
                    if member in row_of:
                        errors.add(
                            row_of[member],
                            "reporting_cycle",
                            "The managers of this row lead back to it.",
                        )
                break
            path.append(current)
            on_path.add(current)
            current = people[current].manager_id
        settled |= on_path


def _check_unique(
    rows: list[DirectoryRow], ids: list[UUID], people: dict[UUID, Person], errors: _Errors
) -> None:
    """Emails and login names stay unique among everyone after the sync."""
    row_of = {person_id: index for index, person_id in enumerate(ids)}
    keys: tuple[tuple[str, Callable[[Person], str | None]], ...] = (
        ("duplicate_email", lambda p: email_key(p.email) if p.email else None),
        ("duplicate_username", lambda p: username_key(p.username)),
    )
    for code, key_of in keys:
        holders: dict[str, list[UUID]] = {}
        for person in people.values():
            key = key_of(person)
            if key is not None:
                holders.setdefault(key, []).append(person.id)
        reported = errors.rows()
        for holding in holders.values():
            indexes = [row_of[p] for p in holding if p in row_of]
            # Rows already refused (two rows with one email) are not reported twice.
            among_reported = len(indexes) == len(holding) and all(i in reported for i in indexes)
            if len(holding) < 2 or among_reported:
                continue
            for row in indexes:
                errors.add(
                    row,
                    code,
                    f"Another person would have the same {code.removeprefix('duplicate_')}.",
                )


def _managers_first(people: list[Person]) -> list[Person]:
    """New people ordered so that each one's manager is written before them."""
    new = {p.id: p for p in people}
    depth: dict[UUID, int] = {}

    def depth_of(person: Person) -> int:
        level, chain = 0, []
        current: Person | None = person
        while current is not None and current.id not in depth:
            chain.append(current)
            current = new.get(current.manager_id) if current.manager_id else None
        level = depth[current.id] + 1 if current is not None else 0
        for member in reversed(chain):
            depth[member.id] = level
            level += 1
        return depth[person.id]

    return sorted(people, key=depth_of)

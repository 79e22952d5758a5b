"""Rule 8 for many people at once: which pairs end and which `manager_report` pairs start
when people move, leave or come back. Pure: the same computation serves one REST edit and
a whole directory sync, and the caller writes the result in batches."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from uuid import UUID

from app.domain.pairs import Pair, PairKind
from app.domain.people import Person

ENDED_REPORTING_LINE_CHANGED = "reporting_line_changed"
ENDED_PERSON_DEACTIVATED = "person_deactivated"


@dataclass(frozen=True, slots=True)
class PairEnd:
    pair: Pair
    reason: str


@dataclass(frozen=True, slots=True)
class PairStart:
    """A new `manager_report` pair; the member's open commitments of `replaces` (their
    previous reporting pair) move to it."""

    lead_id: UUID
    member_id: UUID
    replaces: UUID | None = None


@dataclass(slots=True)
class PairChanges:
    ended: list[PairEnd] = field(default_factory=list)
    started: list[PairStart] = field(default_factory=list)


def pair_changes(
    people: Mapping[UUID, Person],
    live_pairs: Iterable[Pair],
    affected: Iterable[UUID],
    *,
    auto_pairs: bool,
) -> PairChanges:
    """After `affected` people changed (their manager or whether they are active): a
    deactivated person's pairs all end; with `auto_pairs`, an active person keeps exactly
    one live `manager_report` pair, with their manager when that manager is active, and no
    other. `people` holds the affected people and their managers as they are now;
    `live_pairs` every pair of the affected people that has not ended."""
    by_person: dict[UUID, list[Pair]] = {}
    for pair in live_pairs:
        by_person.setdefault(pair.lead_id, []).append(pair)
        by_person.setdefault(pair.member_id, []).append(pair)
    changes = PairChanges()
    ending: set[UUID] = set()

    def end(pair: Pair, reason: str) -> None:
        if pair.id not in ending:
            ending.add(pair.id)
            changes.ended.append(PairEnd(pair, reason))

    # Those who left first: a pair that ends because someone left says so.
    for person_id in sorted(set(affected), key=lambda i: (people[i].active, str(i))):
        person = people[person_id]
        own = by_person.get(person_id, [])
        if not person.active:
            for pair in own:
                end(pair, ENDED_PERSON_DEACTIVATED)
            continue
        if not auto_pairs:
            continue
        manager = people.get(person.manager_id) if person.manager_id is not None else None
        wanted = manager.id if manager is not None and manager.active else None
        kept = False
        replaced: UUID | None = None
        for pair in own:
            if pair.kind is not PairKind.MANAGER_REPORT or pair.member_id != person_id:
                continue
            if pair.lead_id == wanted and not kept and pair.id not in ending:
                kept = True
                continue
            end(pair, ENDED_REPORTING_LINE_CHANGED)
            replaced = pair.id
        if wanted is not None and not kept:
            changes.started.append(PairStart(wanted, person_id, replaced))
    return changes


def reports_of(people: Iterable[Person], managers: set[UUID]) -> set[UUID]:
    """The people whose manager is one of `managers` (their pairs follow that manager's
    coming and going)."""
    return {p.id for p in people if p.manager_id is not None and p.manager_id in managers}

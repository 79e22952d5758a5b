"""Events: every change to a record becomes one, named by what happened to it (api.md,
"Events"). The type of a change follows from the record's representation before and after
it; a private note is never an event."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any
from uuid import UUID

from app.domain.access import Scope

Representation = Mapping[str, Any]

# Fields every update touches; an update that changes nothing else is no event.
UNTRACKED_FIELDS = frozenset({"updated_at"})


class Resource(StrEnum):
    PERSON = "person"
    PAIR = "pair"
    MEETING = "meeting"
    AGENDA_ITEM = "agenda_item"
    NOTE = "note"
    COMMITMENT = "commitment"
    RATING = "rating"


class EventType(StrEnum):
    PERSON_CREATED = "person.created"
    PERSON_UPDATED = "person.updated"
    PERSON_DEACTIVATED = "person.deactivated"
    PERSON_REACTIVATED = "person.reactivated"
    PAIR_CREATED = "pair.created"
    PAIR_UPDATED = "pair.updated"
    PAIR_PAUSED = "pair.paused"
    PAIR_RESUMED = "pair.resumed"
    PAIR_ENDED = "pair.ended"
    PAIR_CADENCE_CHANGED = "pair.cadence_changed"
    MEETING_SCHEDULED = "meeting.scheduled"
    MEETING_RESCHEDULED = "meeting.rescheduled"
    MEETING_CANCELED = "meeting.canceled"
    MEETING_COMPLETED = "meeting.completed"
    MEETING_UPDATED = "meeting.updated"
    MEETING_UNRECORDED = "meeting.unrecorded"
    AGENDA_ITEM_CREATED = "agenda_item.created"
    AGENDA_ITEM_UPDATED = "agenda_item.updated"
    AGENDA_ITEM_DELETED = "agenda_item.deleted"
    NOTE_CREATED = "note.created"
    NOTE_UPDATED = "note.updated"
    NOTE_DELETED = "note.deleted"
    COMMITMENT_CREATED = "commitment.created"
    COMMITMENT_UPDATED = "commitment.updated"
    COMMITMENT_COMPLETED = "commitment.completed"
    RATING_CREATED = "rating.created"
    RATING_UPDATED = "rating.updated"

    @property
    def resource(self) -> str:
        return self.value.partition(".")[0]

    @property
    def read_scope(self) -> Scope:
        """The scope a service key needs to read the event's record over REST: a
        subscriber without it does not receive the event."""
        return _READ_SCOPES[self.resource]


_READ_SCOPES = {
    "person": Scope.PEOPLE_READ,
    "pair": Scope.PAIRS_READ,
    "meeting": Scope.MEETINGS_READ,
    "rating": Scope.CONTENT_READ,
    "agenda_item": Scope.CONTENT_READ,
    "note": Scope.CONTENT_READ,
    "commitment": Scope.CONTENT_READ,
}


@dataclass(frozen=True, slots=True)
class Event:
    """One event as it is stored, delivered and listed."""

    id: UUID
    org_id: UUID
    type: EventType
    occurred_at: datetime
    data: dict[str, Any]
    changed_fields: list[str]


def changed_fields(before: Representation, after: Representation) -> list[str]:
    """The fields of the representation whose values differ, in the representation's order."""
    return [
        name
        for name, value in after.items()
        if name not in UNTRACKED_FIELDS and before.get(name) != value
    ]


def classify(
    resource: Resource, before: Representation | None, after: Representation | None
) -> EventType | None:
    """What a change to one record was, or None when it is no event: nothing visible
    changed, or the record is a private note (not even its id leaves the service)."""
    if (
        any(state is not None and state.get("visibility") == "private" for state in (before, after))
        and resource is Resource.NOTE
    ):
        return None
    if before is None:
        return None if after is None else _CREATED[resource]
    if after is None:
        return _DELETED.get(resource)
    changed = changed_fields(before, after)
    if not changed:
        return None
    return _UPDATE_RULES[resource](before, after, changed)


def _changed_to(field: str, after: Representation, value: object) -> bool:
    return after.get(field) == value


def _person(before: Representation, after: Representation, changed: list[str]) -> EventType:
    if "active" in changed:
        return EventType.PERSON_REACTIVATED if after["active"] else EventType.PERSON_DEACTIVATED
    return EventType.PERSON_UPDATED


def _pair(before: Representation, after: Representation, changed: list[str]) -> EventType:
    if "status" in changed:
        if _changed_to("status", after, "ended"):
            return EventType.PAIR_ENDED
        if _changed_to("status", after, "paused"):
            return EventType.PAIR_PAUSED
        return EventType.PAIR_RESUMED
    return EventType.PAIR_UPDATED


def _meeting(before: Representation, after: Representation, changed: list[str]) -> EventType:
    if "status" in changed and _changed_to("status", after, "canceled"):
        return EventType.MEETING_CANCELED
    if "status" in changed and _changed_to("status", after, "completed"):
        return EventType.MEETING_COMPLETED
    if {"starts_at", "duration_minutes"} & set(changed):
        return EventType.MEETING_RESCHEDULED
    return EventType.MEETING_UPDATED


def _commitment(before: Representation, after: Representation, changed: list[str]) -> EventType:
    if "status" in changed and _changed_to("status", after, "done"):
        return EventType.COMMITMENT_COMPLETED
    return EventType.COMMITMENT_UPDATED


UpdateRule = Callable[[Representation, Representation, list[str]], EventType]


def _updated(event_type: EventType) -> UpdateRule:
    return lambda _before, _after, _changed: event_type


_CREATED = {
    Resource.PERSON: EventType.PERSON_CREATED,
    Resource.PAIR: EventType.PAIR_CREATED,
    Resource.MEETING: EventType.MEETING_SCHEDULED,
    Resource.AGENDA_ITEM: EventType.AGENDA_ITEM_CREATED,
    Resource.NOTE: EventType.NOTE_CREATED,
    Resource.COMMITMENT: EventType.COMMITMENT_CREATED,
    Resource.RATING: EventType.RATING_CREATED,
}
_DELETED = {
    Resource.AGENDA_ITEM: EventType.AGENDA_ITEM_DELETED,
    Resource.NOTE: EventType.NOTE_DELETED,
}
_UPDATE_RULES: dict[Resource, UpdateRule] = {
    Resource.PERSON: _person,
    Resource.PAIR: _pair,
    Resource.MEETING: _meeting,
    Resource.AGENDA_ITEM: _updated(EventType.AGENDA_ITEM_UPDATED),
    Resource.NOTE: _updated(EventType.NOTE_UPDATED),
    Resource.COMMITMENT: _commitment,
    Resource.RATING: _updated(EventType.RATING_UPDATED),
}

# What a subscriber without content:read still receives of a meeting: everything but the
# follow-up commitments (REST shows such a key an empty list).
_CONTENT_BESIDE = {"meeting": ("follow_up",)}


def readable_by_scope(scope: Scope, granted: frozenset[Scope]) -> bool:
    return Scope.ADMIN in granted or scope in granted


def carries_content(event_type: EventType) -> bool:
    """Whether the event's data is content, or carries content beside its record (a
    meeting's follow-up), for a subscriber that may read content."""
    return event_type.read_scope is Scope.CONTENT_READ or event_type.resource in _CONTENT_BESIDE


def readable_by(event_type: EventType, granted: frozenset[Scope]) -> bool:
    """Whether a subscriber with these scopes receives events of this type at all."""
    return readable_by_scope(event_type.read_scope, granted)


def visible_to(event: Event, scopes: Iterable[Scope]) -> dict[str, Any] | None:
    """The event's body as a subscriber with these scopes may see it, or None when it may
    not see it at all: the same rules as REST (an event needs its record's read scope;
    content beside a record needs content:read)."""
    granted = frozenset(scopes)
    if not readable_by(event.type, granted):
        return None
    data = dict(event.data)
    if not readable_by_scope(Scope.CONTENT_READ, granted):
        for name in _CONTENT_BESIDE.get(event.type.resource, ()):
            if name in data:
                data[name] = []
    return {
        "id": str(event.id),
        "type": event.type.value,
        "occurred_at": event.occurred_at.isoformat().replace("+00:00", "Z"),
        "organization_id": str(event.org_id),
        "data": data,
        "changed_fields": event.changed_fields,
    }


# Standard Webhooks asks for small bodies; a larger record (a long note) is sent without
# its long texts, which the receiver reads over REST by the record's id.
MAX_BODY_BYTES = 20_000
LONG_TEXT = 256


def fitted(data: dict[str, Any], size: int) -> dict[str, Any]:
    """`data` as an event carries it: whole when the event's body (of `size` bytes) fits
    MAX_BODY_BYTES, else with every text longer than LONG_TEXT characters left out (null)."""
    if size <= MAX_BODY_BYTES:
        return data
    return {
        name: None if isinstance(value, str) and len(value) > LONG_TEXT else value
        for name, value in data.items()
    }

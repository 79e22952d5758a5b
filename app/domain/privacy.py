"""The privacy contract (product.md) as rules about who may see and do what.

A caller is a service key (scopes decide, content needs content scopes, private notes are
never readable) or a person (relationships decide):
- the pair's two people see and change its meetings, agenda, shared notes, commitments;
- managers above the lead see the pair and its cadence and metrics, never its content;
- a person with role `admin` manages people, pairs, policy and templates, and reads no
  content of pairs they are not in;
- a private note exists only for its author.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from app.domain.access import Scope
from app.domain.errors import Forbidden, InvalidInput, NotFound
from app.domain.notes import Note, NoteVisibility
from app.domain.pairs import Pair
from app.domain.people import Person, Role


@dataclass(frozen=True, slots=True)
class Caller:
    """Who calls: a service key (`key_id`, with its `scopes`) or a signed-in person
    (`person`). Neither is Rapport itself (a command, the scheduler), which renders with the
    scopes it is given."""

    org_id: UUID
    key_id: UUID | None = None
    person: Person | None = None
    scopes: frozenset[Scope] = frozenset()
    # The service key that minted a person's token (None for a key or an ID token).
    person_token_key_id: UUID | None = None

    def grants(self, scope: Scope) -> bool:
        """The caller's scopes include `scope` (`admin` stands for every scope)."""
        return Scope.ADMIN in self.scopes or scope in self.scopes

    def scope_allows(self, scope: Scope) -> bool:
        """Scopes bind service keys; a person is bound by the privacy contract instead."""
        return self.key_id is None or self.grants(scope)

    @property
    def key_reads_content(self) -> bool:
        return self.grants(Scope.CONTENT_READ)

    @property
    def key_is_admin(self) -> bool:
        return self.grants(Scope.ADMIN)

    @property
    def person_id(self) -> UUID | None:
        return self.person.id if self.person is not None else None

    @property
    def credential_key_id(self) -> UUID | None:
        """The service key behind the credential: the caller's own, or the one that minted
        the person's token (None for an ID token)."""
        return self.key_id or self.person_token_key_id

    @property
    def is_admin_person(self) -> bool:
        return self.person is not None and self.person.role is Role.ADMIN


# The scopes Rapport renders with where it reads shared content for others (event data).
CONTENT_READER = frozenset({Scope.CONTENT_READ})


def may_read_content(caller: Caller) -> bool:
    """Content beside a record (a meeting's follow-up commitments): for persons (whose
    access to the pair is checked where the record is loaded) and keys with content:read."""
    return caller.person is not None or caller.key_reads_content


def can_see_pair(caller: Caller, pair: Pair, managers_of_lead: set[UUID]) -> bool:
    """The pair itself (not its content): participants, managers above, admins, keys."""
    person = caller.person
    if person is None:
        return True
    return pair.includes(person.id) or caller.is_admin_person or person.id in managers_of_lead


def check_pair_visible(caller: Caller, pair: Pair, managers_of_lead: set[UUID]) -> None:
    if not can_see_pair(caller, pair, managers_of_lead):
        raise NotFound("pair", pair.id)


def check_content_visible(caller: Caller, pair: Pair, resource: str, identifier: UUID) -> None:
    """Meetings, agenda items, shared notes, commitments, ratings: the pair's two people."""
    if caller.person is not None and not pair.includes(caller.person.id):
        raise NotFound(resource, identifier)


def check_admin(caller: Caller, action: str) -> None:
    """People, pairs, policy and templates are managed by admins (or service keys)."""
    if caller.person is not None and not caller.is_admin_person:
        raise Forbidden(f"Only an admin can {action}.", code="admin_only")


def check_note_readable(caller: Caller, note: Note) -> None:
    """A private note exists only for its author."""
    if note.visibility is NoteVisibility.PRIVATE and (
        caller.person is None or note.author_id != caller.person.id
    ):
        raise NotFound("note", note.id)


def check_note_author(caller: Caller, note: Note) -> None:
    """A note is changed or deleted by its author (a key acting for the pair may too): the
    other person may read a shared note, not rewrite what was said in someone's name."""
    if caller.person is not None and note.author_id != caller.person.id:
        raise Forbidden("Only the author of a note can change or delete it.", code="not_author")


def check_private_note_author(caller: Caller) -> None:
    """Private notes need a signed-in author; a service key can never be that author."""
    if caller.person is None:
        raise InvalidInput(
            "Private notes are written by a signed-in person (person token); a service key"
            " writes shared notes only.",
            code="private_note_needs_person",
        )


def acting_person(caller: Caller, given: UUID | None, field: str) -> UUID:
    """Who authors, cancels or rates: a person acts as themselves; a service key names the
    person it acts for."""
    person = caller.person
    if person is None:
        if given is None:
            raise InvalidInput(
                f"{field} is required when a service key acts for a person.",
                code="missing_field",
                field=field,
            )
        return given
    if given is not None and given != person.id:
        raise Forbidden(
            f"{field} must be the signed-in person; a person token acts as that person only.",
            code="not_yourself",
            field=field,
        )
    return person.id


def check_calendar_owner(caller: Caller, person_id: UUID) -> None:
    """A calendar feed carries the agenda titles of all the person's pairs: a person mints
    or revokes their own only (an admin person reads no content of pairs they are not in);
    an admin key (which reads content anyway) may for anyone."""
    if caller.person is not None and caller.person.id != person_id:
        raise Forbidden(
            "A person manages their own calendar feed only; an admin service key manages anyone's.",
            code="not_yourself",
        )

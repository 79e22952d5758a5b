"""The privacy contract as rules, without a database."""

from __future__ import annotations

from dataclasses import replace
from uuid import uuid4

import pytest

from app.domain.errors import Forbidden, InvalidInput, NotFound
from app.domain.notes import Note, NoteVisibility
from app.domain.people import Role
from app.domain.privacy import (
    Caller,
    acting_person,
    can_see_pair,
    check_admin,
    check_calendar_owner,
    check_content_visible,
    check_note_readable,
    check_private_note_author,
)
from tests.unit.factories import NOW, ORG, pair, person

KEY = Caller(org_id=ORG, key_id=uuid4())


def _as(someone: object) -> Caller:
    return Caller(org_id=ORG, person=someone)  # type: ignore[arg-type]


def test_who_sees_a_pair() -> None:
    the_pair = pair()
    lead, member = person(person_id=the_pair.lead_id), person(person_id=the_pair.member_id)
    boss, outsider = person(), person()
    admin = replace(person(), role=Role.ADMIN)
    managers = {boss.id}
    assert can_see_pair(KEY, the_pair, managers)
    for caller in (lead, member, boss, admin):
        assert can_see_pair(_as(caller), the_pair, managers)
    assert not can_see_pair(_as(outsider), the_pair, managers)


def test_content_is_for_the_two_people_only() -> None:
    the_pair = pair()
    check_content_visible(KEY, the_pair, "meeting", uuid4())
    check_content_visible(_as(person(person_id=the_pair.member_id)), the_pair, "meeting", uuid4())
    for someone in (person(), replace(person(), role=Role.ADMIN)):
        with pytest.raises(NotFound):
            check_content_visible(_as(someone), the_pair, "meeting", uuid4())


def test_only_admins_and_keys_manage() -> None:
    check_admin(KEY, "manage")
    check_admin(_as(replace(person(), role=Role.ADMIN)), "manage")
    with pytest.raises(Forbidden) as refused:
        check_admin(_as(person()), "manage people")
    assert refused.value.code == "admin_only"


def test_private_notes_exist_for_their_author_only() -> None:
    author, other = person(), person()
    note = Note(uuid4(), ORG, uuid4(), author.id, "mine", NoteVisibility.PRIVATE, NOW, NOW)
    check_note_readable(_as(author), note)
    for caller in (_as(other), KEY, _as(replace(other, role=Role.ADMIN))):
        with pytest.raises(NotFound):
            check_note_readable(caller, note)
    check_note_readable(KEY, replace(note, visibility=NoteVisibility.SHARED))
    with pytest.raises(InvalidInput):
        check_private_note_author(KEY)
    check_private_note_author(_as(author))


def test_a_person_acts_as_themselves_and_a_key_names_the_person() -> None:
    me, other = person(), person()
    assert acting_person(_as(me), None, "author_id") == me.id
    assert acting_person(_as(me), me.id, "author_id") == me.id
    with pytest.raises(Forbidden):
        acting_person(_as(me), other.id, "author_id")
    assert acting_person(KEY, other.id, "author_id") == other.id
    with pytest.raises(InvalidInput):
        acting_person(KEY, None, "author_id")


def test_a_calendar_feed_is_its_persons_own_or_an_admin_keys_doing() -> None:
    someone, admin = person(), replace(person(), role=Role.ADMIN)
    check_calendar_owner(_as(someone), someone.id)
    check_calendar_owner(KEY, someone.id)
    with pytest.raises(Forbidden) as refused:
        check_calendar_owner(_as(admin), someone.id)  # an admin person reads no one's agenda
    assert refused.value.code == "not_yourself"

"""A person's calendar feed as calendar applications read it: RFC 5545 that `icalendar`
parses, byte-stable while nothing changes, revisions a client notices, and nothing of the
pair's notes. The feed takes no Authorization header; its token is the credential."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
import vobject  # type: ignore[import-untyped]
from icalendar import Calendar

from app.domain.access import Scope
from app.services import calendar as calendar_service
from tests.conftest import Live
from tests.support.live import SHARED_TLS, read_audit_written
from tests.support.log_privacy import private_marker
from tests.support.tenants import Tenant


def _mint(tenant: Tenant, person_id: str, key: str | None = None) -> dict[str, Any]:
    response = tenant.call("POST", f"/v1/people/{person_id}/calendar-token", key=key)
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    minted: dict[str, Any] = response.json()
    assert minted["url"].endswith(f"/v1/calendar/{minted['token']}.ics")
    return minted


def _feed(url: str, **headers: str) -> httpx.Response:
    """As a calendar application asks: a plain GET of the URL, no credential."""
    return httpx.get(url, headers=headers, timeout=30, verify=SHARED_TLS)


def _events(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    calendar = Calendar.from_ical(response.content)
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def _people_and_pair(tenant: Tenant) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    lead = tenant.person(name="Ada Lead")
    member = tenant.person(name="Bo Member")
    pair = tenant.pair(lead_id=lead["id"], member_id=member["id"])
    return lead, member, pair


def test_the_feed_is_rfc_5545_with_one_event_per_meeting(live: Live, tenant: Tenant) -> None:
    lead, member, pair = _people_and_pair(tenant)
    meeting = tenant.meeting(pair["id"], timedelta(days=3))
    other = tenant.meeting(pair["id"], timedelta(days=10), duration_minutes=45)
    tenant.create(
        f"/v1/meetings/{meeting['id']}/agenda-items",
        {"author_id": lead["id"], "title": "Career growth", "details": "Talk about promotion"},
    )
    tenant.create(
        f"/v1/meetings/{meeting['id']}/agenda-items",
        {"author_id": member["id"], "title": "Roadmap, Q3; risks"},
    )
    unrelated = tenant.pair(lead_id=lead["id"])  # the lead's other pair: not the member's
    tenant.meeting(unrelated["id"], timedelta(days=4))
    response = _feed(_mint(tenant, member["id"])["url"])
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    body = response.content
    # What calendar clients expect of the text itself: CRLF, lines folded at 75 octets.
    assert body.startswith(b"BEGIN:VCALENDAR\r\n") and body.endswith(b"END:VCALENDAR\r\n")
    assert b"\n" not in body.replace(b"\r\n", b"")
    assert all(len(line) <= 75 for line in body.split(b"\r\n"))
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n" in body
    assert b"X-PUBLISHED-TTL:PT1H\r\n" in body
    events = _events(response)
    assert set(events) == {f"{meeting['id']}@rapport", f"{other['id']}@rapport"}
    first = events[f"{meeting['id']}@rapport"]
    assert str(first["SUMMARY"]) == "1:1 Ada Lead / Bo Member"
    assert first["DTSTART"].dt == datetime.fromisoformat(meeting["starts_at"]).replace(
        microsecond=0
    )
    start = first["DTSTART"].dt.strftime("%Y%m%dT%H%M%SZ").encode()
    assert b"DTSTART:" + start + b"\r\n" in body  # UTC, with Z
    assert first["DTEND"].dt - first["DTSTART"].dt == timedelta(minutes=30)
    assert str(first["STATUS"]) == "CONFIRMED" and int(first["SEQUENCE"]) == 0
    assert str(first["DESCRIPTION"]) == "Agenda:\n- Career growth\n- Roadmap, Q3; risks"
    assert "promotion" not in body.decode()
    second = events[f"{other['id']}@rapport"]
    assert second["DTEND"].dt - second["DTSTART"].dt == timedelta(minutes=45)
    assert "DESCRIPTION" not in second
    # Both people of the pair see the same meetings; the lead's feed also has their other pair.
    assert set(_events(_feed(_mint(tenant, lead["id"])["url"]))) > set(events)


def test_no_note_reaches_the_feed(live: Live, tenant: Tenant) -> None:
    lead, member, pair = _people_and_pair(tenant)
    meeting = tenant.meeting(pair["id"], timedelta(days=3))
    shared, private = private_marker(), private_marker()
    tenant.create(f"/v1/meetings/{meeting['id']}/notes", {"author_id": lead["id"], "body": shared})
    token = tenant.call("POST", "/v1/person-tokens", json={"person_id": member["id"]})
    written = tenant.call(
        "POST",
        f"/v1/meetings/{meeting['id']}/notes",
        key=token.json()["token"],
        json={"body": private, "visibility": "private"},
    )
    assert written.status_code == 201, written.text
    for person in (lead, member):
        text = _feed(_mint(tenant, person["id"])["url"]).text
        assert f"{meeting['id']}@rapport" in text
        for leaked in (shared, private, written.json()["id"]):
            assert leaked not in text


def test_two_reads_of_an_unchanged_feed_are_the_same_bytes(live: Live, tenant: Tenant) -> None:
    lead, member, pair = _people_and_pair(tenant)
    meeting = tenant.meeting(pair["id"], timedelta(days=3))
    url = _mint(tenant, member["id"])["url"]
    first = _feed(url)
    live.clock.advance(timedelta(minutes=7))  # DTSTAMP comes from the records, not the clock
    second = _feed(url)
    assert first.content == second.content
    tag = first.headers["etag"]
    assert tag == second.headers["etag"] and tag.startswith('"')
    unchanged = _feed(url, **{"If-None-Match": tag})
    assert unchanged.status_code == 304 and unchanged.content == b""
    assert unchanged.headers["etag"] == tag
    assert _feed(url, **{"If-None-Match": f'"other", W/{tag}'}).status_code == 304
    assert _feed(url, **{"If-None-Match": '"other"'}).status_code == 200
    tenant.create(
        f"/v1/meetings/{meeting['id']}/agenda-items", {"author_id": lead["id"], "title": "New"}
    )
    changed = _feed(url, **{"If-None-Match": tag})
    assert changed.status_code == 200 and changed.headers["etag"] != tag
    assert "- New" in str(_events(changed)[f"{meeting['id']}@rapport"]["DESCRIPTION"])


def test_a_reschedule_raises_the_sequence_and_a_cancellation_stays(
    live: Live, tenant: Tenant
) -> None:
    lead, member, pair = _people_and_pair(tenant)
    meeting = tenant.meeting(pair["id"], timedelta(days=3))
    uid = f"{meeting['id']}@rapport"
    url = _mint(tenant, member["id"])["url"]
    before = _events(_feed(url))[uid]
    live.clock.advance(timedelta(seconds=2))
    moved_to = (live.clock() + timedelta(days=4)).isoformat()
    moved = tenant.call("PATCH", f"/v1/meetings/{meeting['id']}", json={"starts_at": moved_to})
    assert moved.status_code == 200, moved.text
    after = _events(_feed(url))[uid]
    assert int(after["SEQUENCE"]) == 1
    assert after["DTSTART"].dt == datetime.fromisoformat(moved_to).replace(microsecond=0)
    assert after["DTSTAMP"].dt > before["DTSTAMP"].dt
    live.clock.advance(timedelta(seconds=2))
    canceled = tenant.call(
        "POST",
        f"/v1/meetings/{meeting['id']}/cancel",
        json={"canceled_by_id": lead["id"], "reason": "conflict"},
    )
    assert canceled.status_code == 200, canceled.text
    kept = _events(_feed(url))[uid]
    assert str(kept["STATUS"]) == "CANCELLED"
    assert int(kept["SEQUENCE"]) == 2
    assert str(kept["TRANSP"]) == "TRANSPARENT"


def test_the_window_is_thirty_days_back_to_180_ahead(live: Live, tenant: Tenant) -> None:
    _, member, pair = _people_and_pair(tenant)
    soon = tenant.meeting(pair["id"], timedelta(days=2))
    later = tenant.meeting(pair["id"], timedelta(days=150))
    beyond = tenant.meeting(pair["id"], timedelta(days=190))
    url = _mint(tenant, member["id"])["url"]
    assert set(_events(_feed(url))) == {f"{soon['id']}@rapport", f"{later['id']}@rapport"}
    live.clock.advance(timedelta(days=20))  # `soon` is 18 days past, `beyond` 170 ahead
    listed = set(_events(_feed(url)))
    assert listed == {f"{m['id']}@rapport" for m in (soon, later, beyond)}
    live.clock.advance(timedelta(days=15))  # `soon` is 33 days past
    assert f"{soon['id']}@rapport" not in set(_events(_feed(url)))


def test_only_active_pairs_are_listed(live: Live, tenant: Tenant) -> None:
    _, member, pair = _people_and_pair(tenant)
    meeting = tenant.meeting(pair["id"], timedelta(days=2))
    url = _mint(tenant, member["id"])["url"]
    assert f"{meeting['id']}@rapport" in _events(_feed(url))
    ended = tenant.call("POST", f"/v1/pairs/{pair['id']}/end", json={})
    assert ended.status_code == 200, ended.text
    assert _events(_feed(url)) == {}


def _gone(url: str) -> None:
    response = _feed(url)
    assert response.status_code == 404, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "not_found"


def test_minting_again_replaces_and_revoking_ends_the_feed(live: Live, tenant: Tenant) -> None:
    _, member, _ = _people_and_pair(tenant)
    first = _mint(tenant, member["id"])
    second = _mint(tenant, member["id"])
    assert first["token"] != second["token"]
    _gone(first["url"])
    assert _feed(second["url"]).status_code == 200
    revoked = tenant.call("DELETE", f"/v1/people/{member['id']}/calendar-token")
    assert revoked.status_code == 204
    _gone(second["url"])
    again = tenant.call("DELETE", f"/v1/people/{member['id']}/calendar-token")
    assert again.status_code == 204


@pytest.mark.parametrize(
    "token", ["rcal_" + "A" * 43, "rcal_short", "nothing", "rcal_" + "é" * 43, "x" * 5000]
)
def test_tokens_that_open_nothing_are_not_found(live: Live, tenant: Tenant, token: str) -> None:
    _gone(f"{live.base_url}/v1/calendar/{token}.ics")


def test_a_deactivated_persons_feed_stops(live: Live, tenant: Tenant) -> None:
    _, member, _ = _people_and_pair(tenant)
    url = _mint(tenant, member["id"])["url"]
    assert tenant.call("POST", f"/v1/people/{member['id']}/deactivate").status_code == 200
    _gone(url)
    refused = tenant.call("POST", f"/v1/people/{member['id']}/calendar-token")
    assert refused.status_code == 409 and refused.json()["code"] == "person_deactivated"


def test_a_person_mints_their_own_feed_only(live: Live, tenant: Tenant) -> None:
    lead, member, pair = _people_and_pair(tenant)
    tenant.meeting(pair["id"], timedelta(days=2))
    token = tenant.call("POST", "/v1/person-tokens", json={"person_id": member["id"]})
    mine = token.json()["token"]
    assert _feed(_mint(tenant, member["id"], key=mine)["url"]).status_code == 200
    for method in ("POST", "DELETE"):
        refused = tenant.call(method, f"/v1/people/{lead['id']}/calendar-token", key=mine)
        assert refused.status_code == 403 and refused.json()["code"] == "not_yourself"
    revoked = tenant.call("DELETE", f"/v1/people/{member['id']}/calendar-token", key=mine)
    assert revoked.status_code == 204


def test_another_organizations_feed_does_not_open_with_its_ids(live: Live) -> None:
    mine, theirs = live.tenant(), live.tenant()
    _, member, _ = _people_and_pair(theirs)
    for method in ("POST", "DELETE"):
        response = mine.call(method, f"/v1/people/{member['id']}/calendar-token")
        assert response.status_code == 404 and response.json()["code"] == "not_found"


def _key_id(tenant: Tenant, secret: str) -> str:
    key_id: str = tenant.call("GET", "/v1/me", key=secret).json()["service_key"]["id"]
    return key_id


def test_a_feed_dies_with_the_key_behind_its_minting(live: Live, tenant: Tenant) -> None:
    """Like person tokens (privacy contract, rule 5): a feed minted by a key, or by a person
    with a token that key minted, stops when the key is revoked, so a revoked key leaves
    no standing way into anyone's agenda."""
    _, member, pair = _people_and_pair(tenant)
    tenant.meeting(pair["id"], timedelta(days=2))
    admin_key = tenant.key(Scope.ADMIN)
    by_key = _mint(tenant, member["id"], key=admin_key)["url"]
    minter = tenant.key(Scope.TOKENS_WRITE)
    token = tenant.call("POST", "/v1/person-tokens", key=minter, json={"person_id": member["id"]})
    other = tenant.person()
    other_token = tenant.call(
        "POST", "/v1/person-tokens", key=minter, json={"person_id": other["id"]}
    ).json()["token"]
    by_person = _mint(tenant, member["id"], key=token.json()["token"])["url"]
    _gone(by_key)  # replaced by the person's own
    assert _feed(by_person).status_code == 200
    kept = _mint(tenant, other["id"], key=other_token)["url"]
    for key in (minter, admin_key):
        revoked = tenant.call("DELETE", f"/v1/service-keys/{_key_id(tenant, key)}")
        assert revoked.status_code == 204, revoked.text
    _gone(by_person)
    _gone(kept)
    # A feed minted by a key that stays is not touched by other keys' revocation.
    assert _feed(_mint(tenant, member["id"])["url"]).status_code == 200


def test_reads_of_a_feed_a_key_minted_are_audited_as_that_keys(live: Live, tenant: Tenant) -> None:
    _, member, pair = _people_and_pair(tenant)
    tenant.meeting(pair["id"], timedelta(days=2))
    key = tenant.key(Scope.ADMIN)
    minted = _mint(tenant, member["id"], key=key)
    assert _feed(minted["url"]).status_code == 200
    own = tenant.call("POST", "/v1/person-tokens", json={"person_id": member["id"]})
    assert _feed(_mint(tenant, member["id"], key=own.json()["token"])["url"]).status_code == 200
    read_audit_written(live.app)
    trail = tenant.call(
        "GET", "/v1/audit-events", params={"operation": "calendar-feed", "limit": 200}
    )
    assert trail.status_code == 200, trail.text
    lines = trail.json()["data"]
    assert [(line["actor_key_id"], line["record_ids"]) for line in lines] == [
        (_key_id(tenant, key), {"person_id": member["id"]})
    ]
    assert minted["token"] not in trail.text


def test_a_feed_is_bounded(live: Live, tenant: Tenant, monkeypatch: pytest.MonkeyPatch) -> None:
    """At most MAX_EVENTS meetings (the earliest in the window) and MAX_TITLES titles per
    meeting, with the count of the rest (lowered here so the test stays small)."""
    monkeypatch.setattr(calendar_service, "MAX_EVENTS", 2)
    monkeypatch.setattr(calendar_service, "MAX_TITLES", 2)
    lead, member, pair = _people_and_pair(tenant)
    first, second, _ = (tenant.meeting(pair["id"], timedelta(days=d)) for d in (2, 3, 4))
    for title in ("One", "Two", "Three", "Four"):
        tenant.create(
            f"/v1/meetings/{first['id']}/agenda-items", {"author_id": lead["id"], "title": title}
        )
    events = _events(_feed(_mint(tenant, member["id"])["url"]))
    assert set(events) == {f"{first['id']}@rapport", f"{second['id']}@rapport"}
    description = str(events[f"{first['id']}@rapport"]["DESCRIPTION"])
    assert description == "Agenda:\n- One\n- Two\n(and 2 more)"


def test_a_second_independent_reader_reads_the_same_events(live: Live, tenant: Tenant) -> None:
    """vobject (the iCalendar reader of Radicale and other CalDAV software, independent of
    the `icalendar` package that writes the feed) unfolds long lines, unescapes commas and
    semicolons and keeps non-ASCII names intact."""
    lead = tenant.person(name="Zoë Ñúñez, Jr.")
    member = tenant.person(name="Łukasz; Østergård")
    pair = tenant.pair(lead_id=lead["id"], member_id=member["id"])
    meeting = tenant.meeting(pair["id"], timedelta(days=3))
    long_title = "Quarterly goals, risks; and " + "é" * 160
    tenant.create(
        f"/v1/meetings/{meeting['id']}/agenda-items", {"author_id": lead["id"], "title": long_title}
    )
    response = _feed(_mint(tenant, member["id"])["url"])
    assert response.status_code == 200, response.text
    calendar = vobject.readOne(response.text)
    (event,) = calendar.vevent_list
    assert event.uid.value == f"{meeting['id']}@rapport"
    assert event.summary.value == "1:1 Zoë Ñúñez, Jr. / Łukasz; Østergård"
    assert event.description.value == f"Agenda:\n- {long_title}"
    assert event.dtstart.value == datetime.fromisoformat(meeting["starts_at"]).replace(
        microsecond=0
    )
    assert event.dtstart.value.utcoffset() == timedelta(0)
    assert event.status.value == "CONFIRMED" and event.sequence.value == "0"

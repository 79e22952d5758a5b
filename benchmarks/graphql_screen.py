"""The screen of the GraphQL benchmark: its records seeded through REST, the documents and
field names of each GraphQL server, the REST calls a front end makes instead, and the
records each way shows (as comparable sets)."""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

import harness as h
import httpx

PAIRS = 50
MEETINGS_PER_PAIR = 5
LEADS = 10
BROWSER_CONNECTIONS = 6

SCREEN = """
query Screen {
  pairs(first: 50) {
    nodes {
      id
      meetings(first: 5, newestFirst: true) {
        nodes {
          id
          startsAt
          followUp { id title }
          agendaItems { nodes { id title } }
          notes { nodes { id body } }
        }
      }
      commitments(status: OPEN) { nodes { id title } }
    }
  }
}
"""

MEETING = """
query Meeting($id: UUID!) {
  meeting(id: $id) { id startsAt status followUp { id title } }
}
"""


# A screen's records, as comparable sets: (kind, id) of everything shown.
Screen = frozenset[tuple[str, str]]


# --- data --------------------------------------------------------------------------------------


def seed(client: httpx.Client) -> None:
    """Ten leads with five members each; every pair with five meetings (an agenda item and a
    shared note on each) and one open commitment."""
    tag = time.time_ns()

    create = partial(h.create, client)

    first = (datetime.now(UTC) + timedelta(days=1)).replace(minute=0, second=0, microsecond=0)
    for lead_number in range(LEADS):
        lead = create(
            "/v1/people",
            {"email": f"lead{lead_number}-{tag}@bench.example", "name": f"Lead {lead_number}"},
        )
        for slot in range(PAIRS // LEADS):
            member = create(
                "/v1/people",
                {"email": f"m{lead_number}-{slot}-{tag}@bench.example", "name": f"Member {slot}"},
            )
            pair = create("/v1/pairs", {"lead_id": lead, "member_id": member, "kind": "mentorship"})
            for week in range(MEETINGS_PER_PAIR):
                starts_at = first + timedelta(weeks=week, hours=slot)
                meeting = create(
                    "/v1/meetings", {"pair_id": pair, "starts_at": starts_at.isoformat()}
                )
                create(
                    f"/v1/meetings/{meeting}/agenda-items",
                    {"author_id": member, "title": f"Topic {week}"},
                )
                create(f"/v1/meetings/{meeting}/notes", {"author_id": lead, "body": f"Note {week}"})
            create("/v1/commitments", {"pair_id": pair, "owner_id": member, "title": "Follow up"})


# --- what each way shows ------------------------------------------------------------------------


def nodes(value: Any) -> list[dict[str, Any]]:
    """A list field (Rapport's follow-up) or a connection's nodes (the rest, PostGraphile)."""
    found: list[dict[str, Any]] = value["nodes"] if isinstance(value, dict) else value
    return found


def shown_on_screen(pairs: list[dict[str, Any]], fields: dict[str, str]) -> Screen:
    """The records of a GraphQL screen; `fields` names each way's fields."""
    shown: set[tuple[str, str]] = set()
    for pair in pairs:
        shown.add(("pair", pair["id"]))
        shown |= {("commitment", c["id"]) for c in nodes(pair[fields["commitments"]])}
        for meeting in nodes(pair[fields["meetings"]]):
            shown.add(("meeting", meeting["id"]))
            shown |= {
                ("follow_up", f"{meeting['id']}/{c['id']}") for c in nodes(meeting["followUp"])
            }
            shown |= {("agenda_item", i["id"]) for i in nodes(meeting[fields["agenda"]])}
            shown |= {("note", n["id"]) for n in nodes(meeting[fields["notes"]])}
    return frozenset(shown)


RAPPORT_FIELDS = {"pairs": "pairs", "meetings": "meetings", "commitments": "commitments",
                  "agenda": "agendaItems", "notes": "notes", "meeting": "meeting"}  # fmt: skip
PEER_FIELDS = {"pairs": "allPairs", "meetings": "meetingsByPairId",
               "commitments": "commitmentsByPairId", "agenda": "agendaItemsByMeetingId",
               "notes": "sharedNotes", "meeting": "meetingById"}  # fmt: skip


@dataclass(frozen=True, slots=True)
class GraphqlWay:
    """A GraphQL server, its two documents and its field names."""

    name: str
    server: h.Server
    screen: str  # empty: the server answers one meeting by id only
    meeting: str
    fields: dict[str, str]

    def post(self, key: str, query: str, variables: dict[str, str] | None = None) -> Any:
        body = {"query": query, "variables": variables or {}}
        response = httpx.post(f"{self.server.url}/graphql", json=body, timeout=60,
                              headers={"Authorization": f"Bearer {key}"})  # fmt: skip
        answer = response.json()
        if response.status_code != 200 or "errors" in answer:
            raise h.BenchError(f"{self.name} failed: {response.text[:600]}")
        return answer["data"]

    def shown(self, key: str) -> Screen:
        data = self.post(key, self.screen)
        return shown_on_screen(nodes(data[self.fields["pairs"]]), self.fields)

    def meeting_shown(self, key: str, meeting_id: str) -> Screen:
        found = self.post(key, self.meeting, {"id": meeting_id})[self.fields["meeting"]]
        follow_up = {("follow_up", c["id"]) for c in nodes(found["followUp"])}
        return frozenset({("meeting", found["id"]), *follow_up})

    def body(self, step: str, meeting_id: str) -> str:
        if step == "screen":
            return json.dumps({"query": self.screen})
        return json.dumps({"query": self.meeting, "variables": {"id": meeting_id}})


async def get_data(client: httpx.AsyncClient, path: str, **params: Any) -> list[dict[str, Any]]:
    response = await client.get(path, params=params)
    if response.status_code != 200:
        raise h.BenchError(f"GET {path} answered {response.status_code}: {response.text}")
    data: list[dict[str, Any]] = response.json()["data"]
    return data


async def screen_by_rest(client: httpx.AsyncClient) -> tuple[Screen, int]:
    pairs = await get_data(client, "/v1/pairs", limit=PAIRS)
    per_pair = await asyncio.gather(
        *(
            call
            for pair in pairs
            for call in (
                get_data(client, "/v1/meetings", pair_id=pair["id"], limit=MEETINGS_PER_PAIR),
                get_data(client, "/v1/commitments", pair_id=pair["id"], status="open"),
            )
        )
    )
    meetings = [meeting for page in per_pair[0::2] for meeting in page]
    per_meeting = await asyncio.gather(
        *(
            get_data(client, f"/v1/meetings/{meeting['id']}/{content}")
            for meeting in meetings
            for content in ("agenda-items", "notes")
        )
    )
    shown: set[tuple[str, str]] = {("pair", pair["id"]) for pair in pairs}
    shown |= {("commitment", c["id"]) for page in per_pair[1::2] for c in page}
    for meeting in meetings:
        shown.add(("meeting", meeting["id"]))
        shown |= {("follow_up", f"{meeting['id']}/{c['id']}") for c in meeting["follow_up"]}
    shown |= {("agenda_item", item["id"]) for item in (x for p in per_meeting[0::2] for x in p)}
    shown |= {("note", note["id"]) for note in (x for p in per_meeting[1::2] for x in p)}
    return frozenset(shown), 1 + len(per_pair) + len(per_meeting)


def browser(base_url: str, key: str) -> httpx.AsyncClient:
    limits = httpx.Limits(max_connections=BROWSER_CONNECTIONS)
    headers = {"Authorization": f"Bearer {key}"}
    return httpx.AsyncClient(base_url=base_url, headers=headers, limits=limits, timeout=60)

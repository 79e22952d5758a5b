"""Every REST write has a mutation; refusals come back as typed results with REST's codes,
and a refused mutation changes nothing."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tests.graphql.client import data
from tests.support.tenants import World, snapshot

OUTCOME = "__typename ... on Problem { code message }"


def _mutate(world: World, mutation: str, key: str | None = None, **variables: Any) -> Any:
    result = data(world.tenant, mutation, variables, key=key)
    (outcome,) = result.values()
    return outcome


def _at(world: World, delta: timedelta) -> str:
    return (world.tenant.clock() + delta).isoformat()


def test_people_are_created_changed_and_deactivated(world: World) -> None:
    created = _mutate(
        world,
        f"""mutation {{ createPerson(input: {{email: "new@example.com", name: "New",
          managerId: "{world.lead["id"]}"}}) {{ {OUTCOME} ... on PersonSuccess {{
          person {{ id email manager {{ name }} }} }} }} }}""",
    )
    assert created["__typename"] == "PersonSuccess"
    assert created["person"]["manager"] == {"name": "Lead"}
    person_id = created["person"]["id"]

    duplicate = _mutate(
        world,
        f"""mutation {{ createPerson(input: {{email: "NEW@example.com", name: "Twin"}}) {{
          {OUTCOME} }} }}""",
    )
    assert duplicate["__typename"] == "StateConflictProblem"
    assert duplicate["code"] == "duplicate_email"

    cycle = _mutate(
        world,
        f"""mutation($id: UUID!, $manager: UUID!) {{ updatePerson(input: {{id: $id,
          managerId: $manager}}) {{ {OUTCOME} }} }}""",
        id=world.boss["id"],
        manager=person_id,
    )
    assert (cycle["__typename"], cycle["code"]) == ("ValidationProblem", "reporting_cycle")

    renamed = _mutate(
        world,
        """mutation($id: UUID!) { updatePerson(input: {id: $id, name: "Renamed",
          externalId: null}) { ... on PersonSuccess { person { name externalId } } } }""",
        id=person_id,
    )
    assert renamed["person"] == {"name": "Renamed", "externalId": None}
    nameless = _mutate(
        world,
        f"""mutation($id: UUID!) {{ updatePerson(input: {{id: $id, name: null}}) {{
          {OUTCOME} }} }}""",
        id=person_id,
    )
    assert (nameless["__typename"], nameless["code"]) == ("ValidationProblem", "null_field")
    gone = _mutate(
        world,
        "mutation($id: UUID!) { deactivatePerson(id: $id) { ... on PersonSuccess"
        " { person { active } } } }",
        id=person_id,
    )
    assert gone["person"] == {"active": False}


def test_pairs_are_started_changed_and_ended(world: World) -> None:
    created = _mutate(
        world,
        f"""mutation($lead: UUID!, $member: UUID!) {{ createPair(input: {{leadId: $lead,
          memberId: $member, kind: PEER}}) {{ {OUTCOME} ... on PairSuccess {{
          pair {{ id kind cadenceDays status }} }} }} }}""",
        lead=world.outsider["id"],
        member=world.admin["id"],
    )
    pair = created["pair"]
    assert pair["kind"] == "PEER" and pair["status"] == "ACTIVE"

    refused = _mutate(
        world,
        f"""mutation($id: UUID!) {{ updatePair(input: {{id: $id, cadenceDays: 99}}) {{
          {OUTCOME} }} }}""",
        id=pair["id"],
    )
    assert (refused["__typename"], refused["code"]) == (
        "ValidationProblem",
        "cadence_out_of_policy",
    )

    out_of_range = _mutate(
        world,
        f"""mutation($id: UUID!) {{ updatePair(input: {{id: $id, cadenceDays: 0}}) {{
          {OUTCOME} ... on ValidationProblem {{ field }} }} }}""",
        id=pair["id"],
    )
    assert out_of_range["code"] == "validation_error"
    assert out_of_range["field"] == "cadenceDays"

    ended = _mutate(
        world,
        """mutation($id: UUID!) { endPair(id: $id, reason: "reorg") { ... on PairSuccess {
          pair { status endedReason } } } }""",
        id=pair["id"],
    )
    assert ended["pair"] == {"status": "ENDED", "endedReason": "reorg"}
    again = _mutate(
        world, f"mutation($id: UUID!) {{ endPair(id: $id) {{ {OUTCOME} }} }}", id=pair["id"]
    )
    assert again["code"] == "pair_ended"


SCHEDULE = f"""mutation($pair: UUID!, $at: DateTime!) {{
  scheduleMeeting(input: {{pairId: $pair, startsAt: $at}}) {{ {OUTCOME}
    ... on MeetingSuccess {{ meeting {{ id status }} }}
    ... on ScheduleConflict {{ conflictingMeetingId conflictingMeeting {{ id startsAt }} }}
  }}
}}"""


def test_a_schedule_conflict_names_the_other_meeting_with_rests_code(world: World) -> None:
    before = snapshot(world)
    conflict = _mutate(world, SCHEDULE, pair=world.pair["id"], at=world.meeting["starts_at"])
    assert conflict["__typename"] == "ScheduleConflict"
    assert conflict["conflictingMeeting"]["id"] == world.meeting["id"]
    rest = world.tenant.call(
        "POST",
        "/v1/meetings",
        json={"pair_id": world.pair["id"], "starts_at": world.meeting["starts_at"]},
    ).json()
    assert conflict["code"] == rest["code"] == "schedule_conflict"
    assert conflict["conflictingMeetingId"] == rest["conflicting_meeting_id"]

    past = _mutate(world, SCHEDULE, pair=world.pair["id"], at=_at(world, -timedelta(days=1)))
    assert (past["__typename"], past["code"]) == ("ValidationProblem", "meeting_in_past")
    assert snapshot(world) == before

    scheduled = _mutate(world, SCHEDULE, pair=world.pair["id"], at=_at(world, timedelta(days=9)))
    assert scheduled["meeting"]["status"] == "SCHEDULED"


def test_only_active_pairs_schedule(world: World) -> None:
    paused = _mutate(
        world,
        """mutation($id: UUID!) { updatePair(input: {id: $id, status: PAUSED}) {
          ... on PairSuccess { pair { status } } } }""",
        id=world.pair["id"],
    )
    assert paused["pair"]["status"] == "PAUSED"
    refused = _mutate(world, SCHEDULE, pair=world.pair["id"], at=_at(world, timedelta(days=9)))
    assert (refused["__typename"], refused["code"]) == ("PairNotActive", "pair_not_active")


def test_meetings_are_rescheduled_cancelled_completed_and_rated(world: World) -> None:
    moved = _mutate(
        world,
        """mutation($id: UUID!, $at: DateTime!) { rescheduleMeeting(input: {id: $id,
          startsAt: $at}) { ... on MeetingSuccess { meeting { rescheduleCount startsAt } } } }""",
        id=world.meeting["id"],
        at=_at(world, timedelta(days=5)),
    )
    assert moved["meeting"]["rescheduleCount"] == 1
    assert moved["meeting"]["startsAt"].endswith("Z")

    closed = _mutate(
        world,
        f"""mutation($id: UUID!) {{ rescheduleMeeting(input: {{id: $id, durationMinutes: 45}})
          {{ {OUTCOME} }} }}""",
        id=world.held["id"],
    )
    assert (closed["__typename"], closed["code"]) == ("MeetingClosed", "meeting_closed")

    early = _mutate(
        world,
        f"mutation($id: UUID!) {{ completeMeeting(input: {{id: $id}}) {{ {OUTCOME} }} }}",
        id=world.meeting["id"],
    )
    assert (early["__typename"], early["code"]) == ("MeetingNotStarted", "meeting_not_started")

    completed = _mutate(
        world,
        """mutation($id: UUID!) { completeMeeting(input: {id: $id, actualMinutes: 25}) {
          ... on CompletionSuccess { meeting { status actualMinutes } nextMeeting { id }
          carriedItems } } }""",
        id=world.due["id"],
    )
    assert completed["meeting"] == {"status": "COMPLETED", "actualMinutes": 25}

    canceled = _mutate(
        world,
        """mutation($id: UUID!, $by: UUID!) { cancelMeeting(input: {id: $id, reason: ILLNESS,
          canceledById: $by}) { ... on CancellationSuccess { meeting { status cancelReason }
          late carriedItems carriedTo { id } } } }""",
        id=world.meeting["id"],
        by=world.member["id"],
    )
    assert canceled["meeting"] == {"status": "CANCELED", "cancelReason": "illness"}
    # No other meeting is booked: the open item waits for the next one the pair schedules.
    assert (canceled["carriedItems"], canceled["carriedTo"]) == (0, None)

    rate = """mutation($id: UUID!, $replace: Boolean!) { rateMeeting(input: {meetingId: $id,
      score: 4, replace: $replace}) { __typename ... on Problem { code }
      ... on RatingSuccess { rating { score person { name } } replaced } } }"""
    token = world.token(world.member)
    first = _mutate(world, rate, key=token, id=world.held["id"], replace=False)
    assert first["rating"] == {"score": 4, "person": {"name": "Member"}}
    assert first["replaced"] is False
    twice = _mutate(world, rate, key=token, id=world.held["id"], replace=False)
    assert twice == {"__typename": "StateConflictProblem", "code": "already_rated"}
    assert _mutate(world, rate, key=token, id=world.held["id"], replace=True)["replaced"]


def test_the_agenda_is_added_to_edited_reordered_templated_and_trimmed(world: World) -> None:
    meeting = world.meeting["id"]
    added = _mutate(
        world,
        """mutation($m: UUID!, $a: UUID!) { addAgendaItem(input: {meetingId: $m, authorId: $a,
          title: "Roadmap", kind: PRIORITY}) { ... on AgendaItemSuccess {
          agendaItem { id position kind } } } }""",
        m=meeting,
        a=world.lead["id"],
    )["agendaItem"]
    assert added["kind"] == "PRIORITY" and added["position"] == 1

    too_long = _mutate(
        world,
        f"""mutation($id: UUID!, $title: String!) {{ updateAgendaItem(input: {{id: $id,
          title: $title}}) {{ {OUTCOME} ... on ValidationProblem {{ field }} }} }}""",
        id=added["id"],
        title="x" * 201,
    )
    assert too_long["code"] == "too_long" and too_long["field"] == "title"

    reorder = f"""mutation($m: UUID!, $ids: [UUID!]!) {{ reorderAgendaItems(meetingId: $m,
      itemIds: $ids) {{ {OUTCOME} ... on AgendaSuccess {{ agendaItems {{ id position }} }} }} }}"""
    ordered = _mutate(world, reorder, m=meeting, ids=[added["id"], world.agenda_item["id"]])
    assert [item["id"] for item in ordered["agendaItems"]] == [
        added["id"],
        world.agenda_item["id"],
    ]
    incomplete = _mutate(world, reorder, m=meeting, ids=[added["id"]])
    assert incomplete["code"] == "invalid_order"

    templated = _mutate(
        world,
        """mutation($m: UUID!, $a: UUID!) { applyTemplate(input: {meetingId: $m, authorId: $a})
          { ... on AgendaSuccess { agendaItems { title } } } }""",
        m=meeting,
        a=world.member["id"],
    )
    assert len(templated["agendaItems"]) == 4  # the default template's sections

    deleted = _mutate(
        world,
        "mutation($id: UUID!) { deleteAgendaItem(id: $id) { ... on Deleted { id } } }",
        id=added["id"],
    )
    assert deleted == {"id": added["id"]}


def test_notes_are_changed_by_their_author_only(world: World) -> None:
    note = world.note["id"]
    update = f"""mutation($id: UUID!) {{ updateNote(id: $id, body: "Rewritten") {{ {OUTCOME}
      ... on NoteSuccess {{ note {{ body }} }} }} }}"""
    refused = _mutate(world, update, key=world.token(world.lead), id=note)
    assert (refused["__typename"], refused["code"]) == ("PermissionProblem", "not_author")
    assert _mutate(world, update, key=world.token(world.member), id=note)["note"] == {
        "body": "Rewritten"
    }
    added = _mutate(
        world,
        """mutation($m: UUID!) { addNote(input: {meetingId: $m, body: "Mine"}) {
          ... on NoteSuccess { note { id author { name } } } } }""",
        key=world.token(world.lead),
        m=world.meeting["id"],
    )
    assert added["note"]["author"] == {"name": "Lead"}
    deleted = _mutate(
        world,
        "mutation($id: UUID!) { deleteNote(id: $id) { ... on Deleted { id } } }",
        key=world.token(world.lead),
        id=added["note"]["id"],
    )
    assert deleted == {"id": added["note"]["id"]}


def test_commitments_are_recorded_and_completed(world: World) -> None:
    created = _mutate(
        world,
        f"""mutation($pair: UUID!, $owner: UUID!) {{ createCommitment(input: {{pairId: $pair,
          ownerId: $owner, title: "Send the notes", dueOn: "2030-01-31"}}) {{ {OUTCOME}
          ... on CommitmentSuccess {{ commitment {{ id dueOn status owner {{ name }} }} }} }} }}""",
        pair=world.pair["id"],
        owner=world.lead["id"],
    )["commitment"]
    assert created["dueOn"] == "2030-01-31" and created["owner"] == {"name": "Lead"}
    outsider = _mutate(
        world,
        f"""mutation($pair: UUID!, $owner: UUID!) {{ createCommitment(input: {{pairId: $pair,
          ownerId: $owner, title: "x"}}) {{ {OUTCOME} }} }}""",
        pair=world.pair["id"],
        owner=world.outsider["id"],
    )
    assert outsider["code"] == "not_a_participant"
    done = _mutate(
        world,
        """mutation($id: UUID!) { updateCommitment(input: {id: $id, status: DONE}) {
          ... on CommitmentSuccess { commitment { status completedAt } } } }""",
        id=created["id"],
    )["commitment"]
    assert done["status"] == "DONE" and done["completedAt"]


def test_templates_and_the_policy_are_managed_by_admins(world: World) -> None:
    created = _mutate(
        world,
        """mutation { createTemplate(input: {name: "Quarterly", sections: [{kind: GOAL,
          title: "Goals", prompts: ["What moved?"]}]}) { ... on TemplateSuccess {
          template { id sections { kind title prompts } } } } }""",
    )["template"]
    assert created["sections"] == [{"kind": "GOAL", "title": "Goals", "prompts": ["What moved?"]}]
    renamed = _mutate(
        world,
        """mutation($id: UUID!) { updateTemplate(input: {id: $id, name: "Quarterly review"}) {
          ... on TemplateSuccess { template { name } } } }""",
        id=created["id"],
    )
    assert renamed["template"] == {"name": "Quarterly review"}
    as_member = _mutate(
        world,
        f"mutation($id: UUID!) {{ deleteTemplate(id: $id) {{ {OUTCOME} }} }}",
        key=world.token(world.member),
        id=created["id"],
    )
    assert as_member["code"] == "admin_only"
    assert _mutate(
        world,
        "mutation($id: UUID!) { deleteTemplate(id: $id) { ... on Deleted { id } } }",
        id=created["id"],
    ) == {"id": created["id"]}

    inconsistent = _mutate(
        world, f"mutation {{ updatePolicy(input: {{minCadenceDays: 40}}) {{ {OUTCOME} }} }}"
    )
    assert inconsistent["code"] == "inconsistent_policy"
    changed = _mutate(
        world,
        "mutation { updatePolicy(input: {graceDays: 3}) { ... on PolicySuccess"
        " { policy { graceDays targetCadenceDays } } } }",
    )
    assert changed["policy"] == {"graceDays": 3, "targetCadenceDays": 14}


def test_a_refused_mutation_undoes_only_itself(world: World) -> None:
    result = data(
        world.tenant,
        """mutation($m: UUID!, $a: UUID!, $held: UUID!) {
          kept: addAgendaItem(input: {meetingId: $m, authorId: $a, title: "Kept"}) {
            __typename }
          refused: addAgendaItem(input: {meetingId: $held, authorId: $a, title: "Refused"}) {
            __typename ... on Problem { code } }
        }""",
        {"m": world.meeting["id"], "a": world.member["id"], "held": world.held["id"]},
    )
    assert result["kept"] == {"__typename": "AgendaItemSuccess"}
    assert result["refused"] == {"__typename": "MeetingClosed", "code": "meeting_closed"}
    titles = [
        item["title"]
        for item in world.tenant.call(
            "GET", f"/v1/meetings/{world.meeting['id']}/agenda-items"
        ).json()["data"]
    ]
    assert "Kept" in titles and "Refused" not in titles

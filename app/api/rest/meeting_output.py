"""Shaping meetings (with their follow-up commitments) for responses."""

from __future__ import annotations

from fastapi.responses import Response

from app.api.rest.entity_tags import tagged
from app.api.schemas.common import PageOut
from app.api.schemas.content import CommitmentOut
from app.api.schemas.meetings import MeetingOut
from app.services.meeting_views import MeetingView

_MEETING_FIELDS = [name for name in MeetingOut.model_fields if name != "follow_up"]
_COMMITMENT_FIELDS = list(CommitmentOut.model_fields)


def meeting_out(view: MeetingView) -> MeetingOut:
    """The meeting's output model, built from the entities' values without validating them
    again (the domain's types are the models' own), so that the answer is serialized in one
    pass (tests/api/test_meeting_output.py holds it to the validated model's JSON)."""
    fields = {name: getattr(view.meeting, name) for name in _MEETING_FIELDS}
    fields["follow_up"] = [
        CommitmentOut.model_construct(**{name: getattr(c, name) for name in _COMMITMENT_FIELDS})
        for c in view.follow_up
    ]
    return MeetingOut.model_construct(**fields)


def meeting_response(view: MeetingView, *, status: int = 200) -> Response:
    """The meeting with its ETag (its version; the follow-up is read afresh each time)."""
    headers = {"Location": f"/v1/meetings/{view.meeting.id}"} if status == 201 else None
    response = Response(
        meeting_out(view).model_dump_json(),
        status_code=status,
        media_type="application/json",
        headers=headers,
    )
    return tagged(response, view.meeting.version)


def meetings_page(views: list[MeetingView], next_cursor: str | None) -> Response:
    body = PageOut[MeetingOut].model_construct(
        data=[meeting_out(v) for v in views], next_cursor=next_cursor
    )
    return Response(body.model_dump_json(), media_type="application/json")

"""Shaping meetings (with their follow-up commitments) for responses."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import orjson
from fastapi.responses import Response

from app.api.rest.entity_tags import tagged
from app.api.schemas.content import CommitmentOut
from app.api.schemas.meetings import MeetingOut
from app.services.meeting_views import MeetingView

_MEETING_FIELDS = [name for name in MeetingOut.model_fields if name != "follow_up"]
_COMMITMENT_FIELDS = list(CommitmentOut.model_fields)


def meeting_out(view: MeetingView) -> MeetingOut:
    """The meeting's output model, for answers that embed it."""
    return MeetingOut.model_validate(_meeting_fields(view))


def _meeting_fields(view: MeetingView) -> dict[str, Any]:
    """MeetingOut's fields, in its order, from the entities."""
    fields = {name: getattr(view.meeting, name) for name in _MEETING_FIELDS}
    fields["follow_up"] = [
        {name: getattr(commitment, name) for name in _COMMITMENT_FIELDS}
        for commitment in view.follow_up
    ]
    return fields


def _json(body: dict[str, Any]) -> bytes:
    """The answer's JSON as the output models write it: orjson writes every type these
    fields hold as pydantic does (instants in UTC with a `Z`), in a fifth of the time of
    pydantic-core's `to_json`, whose inference takes a slow path for the driver's UUID
    subclass (about 0.5 ms of a page of 50 meetings)."""
    return orjson.dumps(body, default=_uuid_text, option=orjson.OPT_UTC_Z)


def _uuid_text(value: object) -> str:
    """asyncpg's UUID subclass, which orjson does not write natively."""
    if isinstance(value, UUID):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not written to JSON here")


def meeting_response(view: MeetingView, *, status: int = 200) -> Response:
    """The meeting with its ETag (its version; the follow-up is read afresh each time).

    The hot answers (this one and `meetings_page`) are written to JSON in one pass from the
    entities' fields (`_json`), without validating the entities into models first (their
    values already have the models' types): tests/unit/test_meeting_output.py holds them to
    the validated models' JSON, byte for byte."""
    headers = {"Location": f"/v1/meetings/{view.meeting.id}"} if status == 201 else None
    response = Response(
        _json(_meeting_fields(view)),
        status_code=status,
        media_type="application/json",
        headers=headers,
    )
    return tagged(response, view.meeting.version)


def meetings_page(views: list[MeetingView], next_cursor: str | None) -> Response:
    body = {"data": [_meeting_fields(view) for view in views], "next_cursor": next_cursor}
    return Response(_json(body), media_type="application/json")

"""The directory sync: a whole HRIS directory in one idempotent call."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from app.api.access import PeopleWrite
from app.api.problems import problem_responses
from app.api.schemas.directory import DirectorySyncIn, DirectorySyncOut
from app.services.directory import sync_directory

router = APIRouter(prefix="/v1/directory", tags=["directory"])


@router.post(
    "/sync",
    operation_id="directory-sync",
    response_model=DirectorySyncOut,
    responses=problem_responses("admin_only", "invalid_directory"),
)
async def sync(body: DirectorySyncIn, ctx: PeopleWrite) -> Response:
    """Make the organization's people match a directory (matched by external_id, else by
    email), all or nothing; reporting pairs follow (rule 8). Answers the diff; sending the
    same directory again changes nothing."""
    done = await sync_directory(
        ctx,
        [row.row() for row in body.people],
        deactivate_missing=body.deactivate_missing,
        dry_run=body.dry_run,
    )
    return Response(DirectorySyncOut.of(done).model_dump_json(), media_type="application/json")

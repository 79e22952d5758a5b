"""Person tokens and the caller's own view (/me)."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.api.access import AnyCaller, PersonRead, TokensWrite
from app.api.problems import problem_responses
from app.api.rest.meeting_output import meetings_page
from app.api.rest.responses import Paging, many
from app.api.runtime import runtime_of
from app.api.schemas.access import MeOut, PersonTokenCreate, PersonTokenOut
from app.api.schemas.common import PageOut
from app.api.schemas.content import CommitmentOut
from app.api.schemas.meetings import MeetingOut
from app.api.schemas.pairs import PairOut
from app.api.schemas.people import PersonOut
from app.api.schemas.settings import ServiceKeyOut
from app.domain.cadence import CadenceState
from app.domain.commitments import CommitmentStatus
from app.services import me, person_tokens
from app.services.meeting_views import with_follow_up

router = APIRouter(prefix="/v1", tags=["access"])


@router.post(
    "/person-tokens",
    operation_id="person-tokens-create",
    status_code=200,
    response_model=PersonTokenOut,
    responses=problem_responses(
        "service_key_only",
        "unknown_reference",
        "person_inactive",
        "admin_token_needs_admin_key",
        "oidc_sign_in_only",
    ),
)
async def create_person_token(
    body: PersonTokenCreate, ctx: TokensWrite, request: Request
) -> Response:
    """Mint a short-lived signed token with which a front end acts for one active person
    (200: a token is issued, not a resource one can fetch again). It dies with the key that
    minted it; only an admin key mints for an admin; organizations signing in with OpenID
    Connect mint none."""
    runtime = runtime_of(request)
    issued = await person_tokens.issue(
        ctx,
        runtime.credentials.signing_keys,
        person_id=body.person_id,
        ttl_seconds=body.ttl_seconds or runtime.settings.token_ttl_seconds,
    )
    out = PersonTokenOut(
        token=issued.token,
        expires_at=issued.expires_at,
        person=PersonOut.model_validate(issued.person),
    )
    return Response(
        out.model_dump_json(),
        media_type="application/json",
        headers={"Cache-Control": "no-store"},
    )


@router.get("/me", operation_id="me-get", response_model=MeOut, responses=problem_responses())
async def get_me(ctx: AnyCaller) -> Response:
    """The caller: the signed-in person, or the service key with its scopes."""
    caller = await me.describe(ctx)
    out = MeOut(
        kind="person" if caller.person is not None else "service_key",
        organization_id=ctx.org_id,
        person=PersonOut.model_validate(caller.person) if caller.person else None,
        service_key=ServiceKeyOut.model_validate(caller.service_key)
        if caller.service_key
        else None,
    )
    return Response(out.model_dump_json(), media_type="application/json")


@router.get(
    "/me/meetings",
    operation_id="me-meetings",
    response_model=PageOut[MeetingOut],
    responses=problem_responses("person_token_only", "invalid_cursor"),
)
async def my_meetings(
    ctx: PersonRead, paging: Paging, when: Literal["upcoming", "recent"] = "upcoming"
) -> Response:
    """The signed-in person's meetings: `upcoming` (scheduled, soonest first) or `recent`
    (started already, latest first)."""
    page = await me.meetings(ctx, when, paging)
    return meetings_page(await with_follow_up(ctx, page.items), page.next_cursor)


@router.get(
    "/me/commitments",
    operation_id="me-commitments",
    response_model=PageOut[CommitmentOut],
    responses=problem_responses("person_token_only", "invalid_cursor"),
)
async def my_commitments(
    ctx: PersonRead,
    paging: Paging,
    status: CommitmentStatus | None = None,
    overdue: bool | None = None,
) -> Response:
    """Commitments the signed-in person owns, oldest first."""
    return many(CommitmentOut, await me.commitments(ctx, status, bool(overdue), paging))


@router.get(
    "/me/pairs",
    operation_id="me-pairs",
    response_model=PageOut[PairOut],
    responses=problem_responses("person_token_only", "invalid_cursor"),
)
async def my_pairs(ctx: PersonRead, paging: Paging, state: CadenceState | None = None) -> Response:
    """The pairs the signed-in person is one of the two people of, oldest first."""
    return many(PairOut, await me.pairs(ctx, state, paging))

"""Pairs: who holds 1:1s with whom, how often and for how long."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter
from fastapi.responses import Response

from app.api.access import PairsRead, PairsWrite
from app.api.problems import problem_responses
from app.api.rest.entity_tags import IfMatch, IfNoneMatch, current, versioned, with_etag
from app.api.rest.links import CREATED_ID, links, to
from app.api.rest.responses import Paging, many
from app.api.schemas.common import Instant, PageOut
from app.api.schemas.pairs import CadenceOut, PairCreate, PairEnd, PairOut, PairUpdate
from app.domain.cadence import CadenceState
from app.domain.pairs import PairKind, PairStatus
from app.domain.queries import PairFilter
from app.services import cadence, visible_records
from app.services import pairs as service

router = APIRouter(prefix="/v1/pairs", tags=["pairs"])


@router.post(
    "",
    operation_id="pairs-create",
    status_code=201,
    response_model=PairOut,
    responses=with_etag(
        {
            **problem_responses(
                "admin_only",
                "unknown_reference",
                "self_pair",
                "person_inactive",
                "cadence_out_of_policy",
                "duration_out_of_policy",
                "duplicate_pair",
            ),
            **links(
                201,
                GetPair=to("pairs-get", pair_id=CREATED_ID),
                UpdatePair=to("pairs-update", pair_id=CREATED_ID),
                EndPair=to("pairs-end", pair_id=CREATED_ID),
                PairCadence=to("pairs-cadence", pair_id=CREATED_ID),
                ScheduleMeeting=to("meetings-create", body={"pair_id": CREATED_ID}),
                CreateCommitment=to(
                    "commitments-create",
                    body={"pair_id": CREATED_ID, "owner_id": "$response.body#/member_id"},
                ),
            ),
        },
        201,
    ),
)
async def create_pair(body: PairCreate, ctx: PairsWrite) -> Response:
    """Start a pair; cadence and duration default to the organization's policy."""
    pair = await service.create_pair(ctx, **body.model_dump())
    return versioned(PairOut, pair, status=201, location=f"/v1/pairs/{pair.id}")


@router.get(
    "",
    operation_id="pairs-list",
    response_model=PageOut[PairOut],
    responses={
        **problem_responses("invalid_cursor"),
        **links(
            200,
            GetFirstPair=to("pairs-get", pair_id="$response.body#/data/0/id"),
            ScheduleForFirstPair=to(
                "meetings-create", body={"pair_id": "$response.body#/data/0/id"}
            ),
        ),
    },
)
async def list_pairs(
    ctx: PairsRead,
    paging: Paging,
    person_id: UUID | None = None,
    lead_id: UUID | None = None,
    member_id: UUID | None = None,
    kind: PairKind | None = None,
    status: PairStatus | None = None,
    updated_since: Instant | None = None,
    state: CadenceState | None = None,
) -> Response:
    """Pairs of the organization, oldest first (sort key `created_at`, then `id`); `state`
    filters by cadence state now."""
    filters = PairFilter(person_id, lead_id, member_id, kind, status, updated_since, state)
    return many(PairOut, await service.list_pairs(ctx, filters, paging))


@router.get(
    "/{pair_id}",
    operation_id="pairs-get",
    response_model=PairOut,
    responses=with_etag(problem_responses("not_found"), conditional_read=True),
)
async def get_pair(pair_id: UUID, ctx: PairsRead, if_none_match: IfNoneMatch = None) -> Response:
    """One pair."""
    return current(PairOut, await visible_records.pair(ctx, pair_id), if_none_match)


@router.patch(
    "/{pair_id}",
    operation_id="pairs-update",
    response_model=PairOut,
    responses=with_etag(
        problem_responses(
            "nothing_to_change",
            "admin_only",
            "not_found",
            "null_field",
            "cadence_out_of_policy",
            "duration_out_of_policy",
            "pair_ended",
            "precondition_failed",
            "precondition_required",
        )
    ),
)
async def update_pair(
    pair_id: UUID, body: PairUpdate, ctx: PairsWrite, expected: IfMatch
) -> Response:
    """Change the cadence or the default duration within policy, or pause (future meetings
    are canceled by the system) and resume."""
    changes = body.model_dump(exclude_unset=True)
    return versioned(PairOut, await service.update_pair(ctx, pair_id, changes, expected))


@router.post(
    "/{pair_id}/end",
    operation_id="pairs-end",
    response_model=PairOut,
    responses=with_etag(problem_responses("admin_only", "not_found", "pair_ended")),
)
async def end_pair(pair_id: UUID, ctx: PairsWrite, body: PairEnd | None = None) -> Response:
    """End a pair: its future meetings are canceled by the system."""
    reason = (body or PairEnd()).reason
    return versioned(PairOut, await service.end_pair(ctx, pair_id, reason))


@router.get(
    "/{pair_id}/cadence",
    operation_id="pairs-cadence",
    response_model=CadenceOut,
    responses=problem_responses("not_found"),
)
async def pair_cadence(pair_id: UUID, ctx: PairsRead) -> Response:
    """Where the pair stands now: last held, due, next booked, and the state that follows."""
    out = CadenceOut.of(await cadence.pair_cadence(ctx, pair_id))
    return Response(out.model_dump_json(), media_type="application/json")

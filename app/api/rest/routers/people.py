"""People: the organization's directory and reporting lines."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query
from fastapi.responses import Response

from app.api.access import PeopleRead, PeopleWrite
from app.api.problems import problem_responses
from app.api.rest.entity_tags import IfMatch, IfNoneMatch, current, versioned, with_etag
from app.api.rest.links import CREATED_ID, links, to
from app.api.rest.responses import Paging, many
from app.api.schemas.common import Email, ExternalId, Instant, NoBody, PageOut, Username
from app.api.schemas.people import PersonCreate, PersonOut, PersonUpdate
from app.domain.people import ManagerState
from app.domain.queries import PeopleFilter
from app.services import people as service
from app.services import visible_records

router = APIRouter(prefix="/v1/people", tags=["people"])

WRITE_PROBLEMS = (
    "unknown_reference",
    "unknown_timezone",
    "person_inactive",
    "duplicate_email",
    "duplicate_external_id",
    "duplicate_username",
    "pair_ended",
    "duplicate_pair",
    "cadence_out_of_policy",
    "duration_out_of_policy",
    "self_pair",
)


@router.post(
    "",
    operation_id="people-create",
    status_code=201,
    response_model=PersonOut,
    responses=with_etag(
        {
            **problem_responses("admin_only", "missing_field", *WRITE_PROBLEMS),
            **links(
                201,
                GetPerson=to("people-get", person_id=CREATED_ID),
                UpdatePerson=to("people-update", person_id=CREATED_ID),
                DeactivatePerson=to("people-deactivate", person_id=CREATED_ID),
                ReactivatePerson=to("people-reactivate", person_id=CREATED_ID),
                AddReport=to("people-create", body={"manager_id": CREATED_ID}),
                ListPairsOfPerson=to("pairs-list", person_id=CREATED_ID),
            ),
        },
        201,
    ),
)
async def create_person(body: PersonCreate, ctx: PeopleWrite) -> Response:
    """Add a person; with `auto_pairs`, a manager_id also creates their manager_report pair."""
    person = await service.create_person(ctx, **body.model_dump())
    return versioned(PersonOut, person, status=201, location=f"/v1/people/{person.id}")


@router.get(
    "",
    operation_id="people-list",
    response_model=PageOut[PersonOut],
    responses=problem_responses("invalid_cursor"),
)
async def list_people(
    ctx: PeopleRead,
    paging: Paging,
    active: bool | None = None,
    manager_id: UUID | None = None,
    email: Annotated[Email | None, Query()] = None,
    external_id: Annotated[ExternalId | None, Query()] = None,
    updated_since: Instant | None = None,
    username: Annotated[Username | None, Query()] = None,
    manager_state: Annotated[
        ManagerState | None,
        Query(
            description="`inactive`: their manager is deactivated; `none`: no manager and"
            " none pending; `pending`: a directory named a manager not provisioned yet."
        ),
    ] = None,
) -> Response:
    """People of the organization, oldest first (sort key `created_at`, then `id`)."""
    filters = PeopleFilter(
        active, manager_id, email, external_id, updated_since, username, manager_state
    )
    return many(PersonOut, await service.list_people(ctx, filters, paging))


@router.get(
    "/{person_id}",
    operation_id="people-get",
    response_model=PersonOut,
    responses=with_etag(problem_responses("not_found"), conditional_read=True),
)
async def get_person(
    person_id: UUID, ctx: PeopleRead, if_none_match: IfNoneMatch = None
) -> Response:
    """One person."""
    return current(PersonOut, await visible_records.person(ctx, person_id), if_none_match)


@router.patch(
    "/{person_id}",
    operation_id="people-update",
    response_model=PersonOut,
    responses=with_etag(
        problem_responses(
            "nothing_to_change",
            "admin_only",
            "not_found",
            "null_field",
            "reporting_cycle",
            "person_deactivated",
            "precondition_failed",
            "precondition_required",
            *WRITE_PROBLEMS,
        )
    ),
)
async def update_person(
    person_id: UUID, body: PersonUpdate, ctx: PeopleWrite, expected: IfMatch
) -> Response:
    """Change fields; a new manager_id must not create a cycle and moves the reporting pair."""
    changes = body.model_dump(exclude_unset=True)
    return versioned(PersonOut, await service.update_person(ctx, person_id, changes, expected))


@router.post(
    "/{person_id}/deactivate",
    operation_id="people-deactivate",
    response_model=PersonOut,
    responses=with_etag(problem_responses("admin_only", "not_found", "person_deactivated")),
)
async def deactivate_person(person_id: UUID, ctx: PeopleWrite, _body: NoBody = None) -> Response:
    """Deactivate a person: all their pairs end and their future meetings are canceled."""
    return versioned(PersonOut, await service.deactivate_person(ctx, person_id))


@router.post(
    "/{person_id}/reactivate",
    operation_id="people-reactivate",
    response_model=PersonOut,
    responses=with_etag(problem_responses("admin_only", "not_found", "person_active")),
)
async def reactivate_person(person_id: UUID, ctx: PeopleWrite, _body: NoBody = None) -> Response:
    """Bring a person back (rehire): same id, history and email; their reporting pair, and
    those of their active reports, start again as new pairs."""
    return versioned(PersonOut, await service.reactivate_person(ctx, person_id))

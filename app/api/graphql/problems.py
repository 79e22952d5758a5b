"""Refusals as typed results: every mutation returns its success type or one of these, each
with the REST problem `code` (the catalog at /problems/{code} explains them)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated
from uuid import UUID

import strawberry

from app.api.graphql.context import GraphInfo, MissingScope, or_none
from app.api.graphql.decorators import resolves
from app.api.graphql.nodes import MEETINGS
from app.domain.errors import DomainError, Forbidden, InvalidInput, NotFound, StateConflict
from app.services import visible_records

if TYPE_CHECKING:
    from app.api.graphql.types.meetings import Meeting


@strawberry.interface(
    description="A refusal: `code` is the stable problem code REST answers with, `message`"
    " a sentence a developer understands."
)
class Problem:
    code: str
    message: str


@strawberry.type(description="The input breaks a rule about the input itself (REST 422).")
class ValidationProblem(Problem):
    field: str | None = strawberry.field(description="The input field at fault, if one is.")


@strawberry.type(description="Nothing with this id exists for the caller (REST 404).")
class NotFoundProblem(Problem):
    pass


@strawberry.type(description="The caller may not do this (REST 403).")
class PermissionProblem(Problem):
    required_scope: str | None = strawberry.field(
        description="For `insufficient_scope`: the scope the service key lacks."
    )


@strawberry.type(description="The current state refuses the change (REST 409).")
class StateConflictProblem(Problem):
    pass


@strawberry.type(description="Rule 1: one of the two people has an overlapping meeting.")
class ScheduleConflict(Problem):
    conflicting_meeting_id: UUID

    @resolves("The overlapping meeting, if the caller may see it.")
    async def conflicting_meeting(
        self, info: GraphInfo
    ) -> Annotated[Meeting, strawberry.lazy("app.api.graphql.types.meetings")] | None:
        found = await or_none(
            visible_records.meeting(info.context.service_context, self.conflicting_meeting_id)
        )
        if found is None:
            return None
        return MEETINGS.node(found)


@strawberry.type(description="Rule 1: only active pairs schedule meetings.")
class PairNotActive(Problem):
    pass


@strawberry.type(description="Rule 5: only scheduled meetings change.")
class MeetingClosed(Problem):
    pass


@strawberry.type(description="Rule 4: a meeting is completed from 15 minutes before its start.")
class MeetingNotStarted(Problem):
    pass


_CONFLICTS: dict[str, type[Problem]] = {
    "pair_not_active": PairNotActive,
    "meeting_closed": MeetingClosed,
    "meeting_not_started": MeetingNotStarted,
}


def problem_of(refusal: DomainError | MissingScope, allowed: tuple[type[Problem], ...]) -> Problem:
    """The typed result of a refusal: the specific type where the mutation's result union
    names one, else the conflict family (every union names it)."""
    problem = _typed(refusal)
    if type(problem) not in allowed:
        return StateConflictProblem(code=problem.code, message=problem.message)
    return problem


def _typed(refusal: DomainError | MissingScope) -> Problem:
    if isinstance(refusal, MissingScope):
        return PermissionProblem(
            code="insufficient_scope", message=refusal.message, required_scope=refusal.scope.value
        )
    code, message = refusal.code, refusal.detail
    if isinstance(refusal, InvalidInput):
        field = refusal.extra.get("field")
        return ValidationProblem(
            code=code, message=message, field=None if field is None else str(field)
        )
    if isinstance(refusal, NotFound):
        return NotFoundProblem(code=code, message=message)
    if isinstance(refusal, Forbidden):
        return PermissionProblem(code=code, message=message, required_scope=None)
    if isinstance(refusal, StateConflict) and code == "schedule_conflict":
        return ScheduleConflict(
            code=code,
            message=message,
            conflicting_meeting_id=UUID(str(refusal.extra["conflicting_meeting_id"])),
        )
    return _CONFLICTS.get(code, StateConflictProblem)(code=code, message=message)

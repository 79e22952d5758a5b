"""The schema: one query and one mutation type merged from each area's fields."""

from __future__ import annotations

from graphql import GraphQLError
from strawberry import Schema
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types
from strawberry.types import ExecutionContext

from app.api.graphql import enums  # noqa: F401  (registers the domain enumerations)
from app.api.graphql.agenda import AgendaMutation
from app.api.graphql.commitments import CommitmentsMutation, CommitmentsQuery
from app.api.graphql.error_shaping import ErrorShaping
from app.api.graphql.limits import protections
from app.api.graphql.me import MeQuery
from app.api.graphql.meeting_mutations import MeetingsMutation
from app.api.graphql.meetings import MeetingsQuery
from app.api.graphql.metrics import MetricsQuery
from app.api.graphql.notes import NotesMutation
from app.api.graphql.pairs import PairsMutation, PairsQuery
from app.api.graphql.people import PeopleMutation, PeopleQuery
from app.api.graphql.policy import PolicyMutation, PolicyQuery
from app.api.graphql.problems import (
    MeetingClosed,
    MeetingNotStarted,
    NotFoundProblem,
    PairNotActive,
    PermissionProblem,
    ScheduleConflict,
    StateConflictProblem,
    ValidationProblem,
)
from app.api.graphql.scalars import SCALARS
from app.api.graphql.session import RequestTransaction
from app.api.graphql.settling import SettlingExecutor, keep_time_budget
from app.api.graphql.templates import TemplatesMutation, TemplatesQuery

QUERIES = (
    MeQuery,
    PeopleQuery,
    PairsQuery,
    MeetingsQuery,
    CommitmentsQuery,
    TemplatesQuery,
    PolicyQuery,
    MetricsQuery,
)
MUTATIONS = (
    PeopleMutation,
    PairsMutation,
    MeetingsMutation,
    AgendaMutation,
    NotesMutation,
    CommitmentsMutation,
    TemplatesMutation,
    PolicyMutation,
)
PROBLEM_TYPES = (
    ValidationProblem,
    NotFoundProblem,
    PermissionProblem,
    StateConflictProblem,
    ScheduleConflict,
    PairNotActive,
    MeetingClosed,
    MeetingNotStarted,
)


class RapportSchema(Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        """Refusals and bad documents are the client's to read; faults are logged where the
        answer is shaped (ErrorShaping)."""


def build_schema() -> Schema:
    """Built once per app (and for the committed SDL)."""
    schema = RapportSchema(
        query=merge_types("Query", QUERIES),
        mutation=merge_types("Mutation", MUTATIONS),
        types=PROBLEM_TYPES,
        extensions=[*protections(), RequestTransaction, ErrorShaping],
        config=StrawberryConfig(scalar_map=SCALARS),
        execution_context_class=SettlingExecutor,
    )
    keep_time_budget(schema._schema)
    return schema

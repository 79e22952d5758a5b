"""The schema: one query type merged from each area's fields, one mutation type holding
each area's mutations, and the subscriptions (served over WebSocket only)."""

from __future__ import annotations

from graphql import GraphQLError
from strawberry import Schema
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types
from strawberry.types import ExecutionContext

from app.api.graphql import enums  # noqa: F401  (registers the domain enumerations)
from app.api.graphql.error_shaping import ErrorShaping
from app.api.graphql.limits import DocumentLimits
from app.api.graphql.live_execution import LiveExecutor
from app.api.graphql.mutations import (
    agenda,
    commitments,
    meetings,
    notes,
    pairs,
    people,
    policy,
    templates,
)
from app.api.graphql.mutations.running import mutation_type
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
from app.api.graphql.queries.commitments import CommitmentsQuery
from app.api.graphql.queries.me import MeQuery
from app.api.graphql.queries.meetings import MeetingsQuery
from app.api.graphql.queries.metrics import MetricsQuery
from app.api.graphql.queries.pairs import PairsQuery
from app.api.graphql.queries.people import PeopleQuery
from app.api.graphql.queries.policy import PolicyQuery
from app.api.graphql.queries.templates import TemplatesQuery
from app.api.graphql.scalars import SCALARS
from app.api.graphql.session import RequestTransaction
from app.api.graphql.settling import keep_time_budget
from app.api.graphql.socket import SocketOperations
from app.api.graphql.subscriptions import Subscription

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
    *people.MUTATIONS,
    *pairs.MUTATIONS,
    *meetings.MUTATIONS,
    *agenda.MUTATIONS,
    *notes.MUTATIONS,
    *commitments.MUTATIONS,
    *templates.MUTATIONS,
    *policy.MUTATIONS,
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
        mutation=mutation_type("Mutation", MUTATIONS),
        subscription=Subscription,
        types=PROBLEM_TYPES,
        extensions=[DocumentLimits, SocketOperations, RequestTransaction, ErrorShaping],
        config=StrawberryConfig(scalar_map=SCALARS),
        execution_context_class=LiveExecutor,
    )
    keep_time_budget(schema._schema)
    return schema

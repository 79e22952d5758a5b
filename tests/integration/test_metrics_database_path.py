"""The production metrics path (SQL counts) agrees with the reference implementation on
every figure, for random histories, on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from uuid import UUID, uuid4

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.domain.cadence import Cadence, CadenceState, cadence_of
from app.domain.meetings import MeetingStatus
from app.domain.metric_figures import PairStanding, metrics_from_counts
from app.domain.metric_rollups import Totals
from app.domain.metric_windows import Bucket, Window, buckets
from app.domain.metrics_reference import MeetingFacts, compute_pair_metrics, count_pair
from app.domain.pairs import Pair, PairKind, PairSource, PairStatus
from app.domain.policy import Policy
from app.domain.queries import MetricsFilter
from app.persistence.repositories.metrics import (
    CountingTerms,
    MetricsRepository,
    PairCountsRow,
    PairTally,
)
from app.services import metrics
from tests.conftest import Live
from tests.support.histories import MICROSECOND, NOW, History, histories, load, offsets

SETTINGS = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

windows = st.builds(
    lambda start, days: Window(NOW + start, NOW + start + timedelta(days=days)),
    st.one_of(st.integers(-300, -30).map(lambda days: timedelta(days=days)), offsets),
    st.one_of(st.integers(60, 400), st.integers(1, 60)),
)
policies = st.builds(
    lambda grace, late: (grace, late), st.integers(0, 7), st.sampled_from([0, 12, 24, 48])
)


@pytest.fixture(scope="module")
def org_id(live: Live) -> UUID:
    return live.tenant().org_id


def _reference_cadence(history: History, policy: Policy) -> Cadence:
    held = [m.starts_at for m in history.meetings if m.status is MeetingStatus.COMPLETED]
    upcoming = [
        m.starts_at
        for m in history.meetings
        if m.status is MeetingStatus.SCHEDULED and m.starts_at > NOW
    ]
    return cadence_of(
        history.pair, max(held, default=None), min(upcoming, default=None), NOW, policy.grace_days
    )


@given(data=st.data(), window=windows, figures=policies)
@SETTINGS
def test_each_pair_metric_matches_the_reference(
    live: Live, org_id: UUID, data: st.DataObject, window: Window, figures: tuple[int, int]
) -> None:
    history = data.draw(histories(org_id, figures[0]))
    policy = replace(Policy(org_id=org_id), grace_days=figures[0], late_cancel_hours=figures[1])
    live.portal.call(load, live.engine, [history], {history.pair.lead_id, history.pair.member_id})

    async def from_database() -> list[PairCountsRow]:
        async with live.engine.connect() as connection:
            terms = CountingTerms(org_id, window, NOW, policy.grace_days, policy.late_cancel_hours)
            return await MetricsRepository(connection).pair_counts(
                terms, MetricsFilter(pair_id=history.pair.id)
            )

    (row,) = live.portal.call(from_database)
    cadence = _reference_cadence(history, policy)

    async def in_state() -> list[PairCountsRow]:  # the SQL cadence state is the domain's
        async with live.engine.connect() as connection:
            terms = CountingTerms(org_id, window, NOW, policy.grace_days, policy.late_cancel_hours)
            state = MetricsFilter(pair_id=history.pair.id, cadence_state=cadence.state)
            return await MetricsRepository(connection).pair_counts(terms, state)

    assert len(live.portal.call(in_state)) == 1
    assert (row.last_held_at, row.next_at) == (cadence.last_held_at, cadence.next_at)
    assert row.counts == count_pair(history.records(), window, NOW, policy)
    active = history.pair.status is PairStatus.ACTIVE
    standing = PairStanding(active, cadence.state, policy.target_cadence_days)
    reference = compute_pair_metrics(history.records(), window, NOW, policy, cadence.state)
    assert metrics_from_counts(row.counts, window, standing) == reference

    async def tallied() -> list[PairTally]:  # what a rollup reads of the pair
        async with live.engine.connect() as connection:
            terms = CountingTerms(org_id, window, NOW, policy.grace_days, policy.late_cancel_hours)
            return await MetricsRepository(connection).pair_tallies(
                terms, MetricsFilter(pair_id=history.pair.id)
            )

    (tally,) = live.portal.call(tallied)
    assert (tally.pair_id, tally.counts, tally.last_held_at, tally.next_at) == (
        row.pair.id,
        row.counts,
        row.last_held_at,
        row.next_at,
    )
    rolled = metrics.figures(tally, metrics.MetricsBasis(window, policy, NOW))
    assert (rolled.health_score, list(rolled.signals), rolled.cadence_state) == (
        reference.health_score,
        [signal.code for signal in reference.signals],
        cadence.state,
    )


@given(data=st.data(), window=windows, figures=policies, bucket=st.sampled_from(Bucket))
@SETTINGS
def test_time_series_buckets_match_the_reference(
    live: Live,
    org_id: UUID,
    data: st.DataObject,
    window: Window,
    figures: tuple[int, int],
    bucket: Bucket,
) -> None:
    lead = uuid4()  # fresh people for every example
    team = data.draw(st.lists(histories(org_id, figures[0], lead_id=lead), min_size=1, max_size=3))
    people = {lead} | {history.pair.member_id for history in team}
    policy = replace(Policy(org_id=org_id), grace_days=figures[0], late_cancel_hours=figures[1])
    live.portal.call(load, live.engine, team, people)
    parts = buckets(window, bucket)

    async def from_database() -> list[Totals]:
        async with live.engine.connect() as connection:
            terms = CountingTerms(org_id, window, NOW, policy.grace_days, policy.late_cancel_hours)
            return await MetricsRepository(connection).bucket_totals(
                terms, MetricsFilter(lead_id=lead), bucket
            )

    totals = live.portal.call(from_database)
    expected = [
        Totals.of(count_pair(history.records(), part, NOW, policy) for history in team)
        for part in parts
    ]
    assert totals == expected


GRACE_DAYS = 3
CADENCE_DAYS = 14
DAY = timedelta(days=1)
GRACE = GRACE_DAYS * DAY
# How long after its due date now is, when its next meeting is (None: none booked), whether
# it is due from its last held meeting (or from its start), and product.md's cadence state.
BOUNDARIES = [
    (-MICROSECOND, None, True, CadenceState.UNBOOKED),
    (timedelta(0), None, True, CadenceState.UNBOOKED),
    (MICROSECOND, None, True, CadenceState.UNBOOKED),  # in the grace window
    (DAY, None, False, CadenceState.UNBOOKED),
    (GRACE - MICROSECOND, None, True, CadenceState.UNBOOKED),
    (GRACE, None, True, CadenceState.UNBOOKED),
    (GRACE + MICROSECOND, None, True, CadenceState.OVERDUE),
    (GRACE + MICROSECOND, None, False, CadenceState.OVERDUE),
    (GRACE + MICROSECOND, GRACE + DAY, True, CadenceState.OVERDUE),
    (-DAY, DAY, True, CadenceState.ON_TRACK),
    (-DAY, GRACE - MICROSECOND, True, CadenceState.ON_TRACK),
    (-DAY, GRACE, True, CadenceState.ON_TRACK),
    (-DAY, GRACE + MICROSECOND, True, CadenceState.AT_RISK),
    (DAY, GRACE, False, CadenceState.ON_TRACK),
    (DAY, GRACE + MICROSECOND, True, CadenceState.AT_RISK),
    (GRACE, GRACE + MICROSECOND, True, CadenceState.AT_RISK),
]


def _due_around_now(
    org_id: UUID, lead: UUID, now_after_due: timedelta, next_after_due: timedelta | None, held: bool
) -> History:
    due_at = NOW - now_after_due
    due_from = due_at - timedelta(days=CADENCE_DAYS)
    started = due_from if not held else due_from - 60 * DAY
    pair = Pair(
        id=uuid4(),
        org_id=org_id,
        lead_id=lead,
        member_id=uuid4(),
        kind=PairKind.MANAGER_REPORT,
        cadence_days=CADENCE_DAYS,
        duration_minutes=30,
        status=PairStatus.ACTIVE,
        source=PairSource.MANUAL,
        started_at=started,
        ended_at=None,
        ended_reason=None,
        created_at=started,
        updated_at=started,
    )
    meetings = [_meeting(due_from, MeetingStatus.COMPLETED)] if held else []
    if next_after_due is not None:
        meetings.append(_meeting(due_at + next_after_due, MeetingStatus.SCHEDULED))
    return History(pair, meetings)


def _meeting(starts_at: datetime, status: MeetingStatus) -> MeetingFacts:
    return MeetingFacts(uuid4(), starts_at, 30, status, 0, None, None, None)


def test_each_cadence_boundary_matches_the_reference(live: Live, org_id: UUID) -> None:
    """Now and the next meeting on, just before and just after the due date and its end of
    grace: the database path's cadence states (SQL filter, rollup) are product.md's."""
    lead = uuid4()
    team = [_due_around_now(org_id, lead, *case[:3]) for case in BOUNDARIES]
    live.portal.call(load, live.engine, team, {lead} | {h.pair.member_id for h in team})
    policy = replace(Policy(org_id=org_id), grace_days=GRACE_DAYS)
    terms = CountingTerms(org_id, Window(NOW - 90 * DAY, NOW), NOW, GRACE_DAYS, 0)
    expected = [case[3] for case in BOUNDARIES]  # a difference names the case by its index
    assert [_reference_cadence(h, policy).state for h in team] == expected

    async def in_each_state() -> dict[UUID, CadenceState]:
        async with live.engine.connect() as connection:
            repository = MetricsRepository(connection)
            return {
                row.pair.id: state
                for state in CadenceState
                for row in await repository.pair_counts(
                    terms, MetricsFilter(lead_id=lead, cadence_state=state)
                )
            }

    async def tallied() -> list[PairTally]:
        async with live.engine.connect() as connection:
            return await MetricsRepository(connection).pair_tallies(
                terms, MetricsFilter(lead_id=lead)
            )

    in_state = live.portal.call(in_each_state)
    assert [in_state.get(h.pair.id) for h in team] == expected
    basis = metrics.MetricsBasis(terms.window, policy, NOW)
    rolled = {t.pair_id: metrics.figures(t, basis).cadence_state for t in live.portal.call(tallied)}
    assert [rolled.get(h.pair.id) for h in team] == expected

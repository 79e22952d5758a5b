"""The domain's enumerations as GraphQL enums: a member's upper-case name stands for its
REST value (`MANAGER_REPORT` for `manager_report`). Importing this module registers them
with Strawberry; the schema imports it first."""

from __future__ import annotations

import strawberry

from app.domain.access import Scope
from app.domain.agenda import AgendaItemKind, AgendaItemState
from app.domain.cadence import CadenceState
from app.domain.commitments import CommitmentStatus
from app.domain.meeting_lifecycle import CancelReason
from app.domain.meetings import MeetingEventKind, MeetingStatus
from app.domain.metric_figures import SignalCode
from app.domain.metric_windows import Bucket
from app.domain.notes import NoteVisibility
from app.domain.pairs import PairKind, PairSource, PairStatus
from app.domain.people import Role
from app.services.metric_rollups import RollupScope

for enumeration in (
    Scope,
    AgendaItemKind,
    AgendaItemState,
    CadenceState,
    CommitmentStatus,
    CancelReason,
    MeetingEventKind,
    MeetingStatus,
    NoteVisibility,
    PairKind,
    PairSource,
    PairStatus,
    Role,
    SignalCode,
    Bucket,
    RollupScope,
):
    strawberry.enum(enumeration)

"""The organization's cadence policy."""

from __future__ import annotations

import strawberry


@strawberry.type(description="The cadence policy every pair and meeting is checked against.")
class Policy:
    target_cadence_days: int
    max_cadence_days: int
    min_cadence_days: int
    default_duration_minutes: int
    min_duration_minutes: int
    max_duration_minutes: int
    grace_days: int
    late_cancel_hours: int
    auto_pairs: bool
    require_if_match: bool = strawberry.field(
        description="Edits must name the version they change (ifVersion; REST If-Match)."
    )
    version: int = strawberry.field(
        description="The record's version: 1 when created, one more on every change (REST's"
        " ETag). Pass it as ifVersion to change the record only if nobody else has since."
    )

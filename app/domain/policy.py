"""An organization's cadence policy and the bounds it puts on pairs and meetings."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any
from uuid import UUID

from app.domain.errors import InvalidInput
from app.domain.versions import FIRST_VERSION


@dataclass(frozen=True, slots=True)
class Policy:
    """Cadence policy; the defaults are the seeds' "every one to two weeks, 30 minutes"."""

    org_id: UUID
    target_cadence_days: int = 14
    max_cadence_days: int = 31
    min_cadence_days: int = 7
    default_duration_minutes: int = 30
    min_duration_minutes: int = 15
    max_duration_minutes: int = 120
    grace_days: int = 2
    late_cancel_hours: int = 24
    auto_pairs: bool = True
    # Edits name the version they change (If-Match / ifVersion), else 428.
    require_if_match: bool = False
    version: int = FIRST_VERSION

    def with_changes(self, changes: dict[str, Any]) -> Policy:
        """Apply a partial edit and check that the figures still make sense together."""
        updated = replace(self, **changes)
        updated.check_consistent()
        return updated

    def check_consistent(self) -> None:
        """Refuse a policy whose bounds contradict each other."""
        if not self.min_cadence_days <= self.target_cadence_days <= self.max_cadence_days:
            raise InvalidInput(
                "The policy needs min_cadence_days <= target_cadence_days <= max_cadence_days.",
                code="inconsistent_policy",
            )
        if not (
            self.min_duration_minutes <= self.default_duration_minutes <= self.max_duration_minutes
        ):
            raise InvalidInput(
                "The policy needs min_duration_minutes <= default_duration_minutes"
                " <= max_duration_minutes.",
                code="inconsistent_policy",
            )

    def check_cadence(self, cadence_days: int) -> None:
        """Rule 7: a pair's cadence lies within the policy's bounds."""
        if not self.min_cadence_days <= cadence_days <= self.max_cadence_days:
            raise InvalidInput(
                f"cadence_days must be between {self.min_cadence_days} and"
                f" {self.max_cadence_days} under this organization's policy; got {cadence_days}.",
                code="cadence_out_of_policy",
                min_cadence_days=self.min_cadence_days,
                max_cadence_days=self.max_cadence_days,
            )

    def check_duration(self, duration_minutes: int) -> None:
        """Rule 1: a meeting's (or a pair's default) duration lies within the policy's bounds."""
        if not self.min_duration_minutes <= duration_minutes <= self.max_duration_minutes:
            raise InvalidInput(
                f"duration_minutes must be between {self.min_duration_minutes} and"
                f" {self.max_duration_minutes} under this organization's policy;"
                f" got {duration_minutes}.",
                code="duration_out_of_policy",
                min_duration_minutes=self.min_duration_minutes,
                max_duration_minutes=self.max_duration_minutes,
            )

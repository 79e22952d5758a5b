"""Record versions: optimistic concurrency for people, pairs, meetings, agenda items, notes,
commitments and the policy.

Every such record carries `version`: 1 when it is created, one more on every write. A writer
may say which versions it expects the record to be at (REST `If-Match`, GraphQL
`ifVersion`); when the record has moved on, the write is refused before anything changes,
and the refusal names the current version. An organization's policy may require edits to
say so (`require_if_match`).
"""

from __future__ import annotations

from dataclasses import dataclass

from app.domain.errors import StateConflict

FIRST_VERSION = 1


@dataclass(frozen=True, slots=True)
class Expected:
    """The versions a writer expects a record to be at; `any_version` for "whichever it is"
    (`If-Match: *`: the record merely has to exist)."""

    versions: frozenset[int] = frozenset()
    any_version: bool = False

    @classmethod
    def exactly(cls, version: int) -> Expected:
        return cls(frozenset({version}))

    def admits(self, version: int) -> bool:
        return self.any_version or version in self.versions


class PreconditionFailed(StateConflict):
    """The record is no longer at the version the writer expected (answered with 412)."""

    code = "precondition_failed"


class PreconditionRequired(StateConflict):
    """The organization's policy requires edits to name the version they change (428)."""

    code = "precondition_required"


def stale(resource: str, current_version: int) -> PreconditionFailed:
    return PreconditionFailed(
        f"The {resource} has changed since you read it: it is at version {current_version}."
        " Nothing was changed; read it again and retry with its current version.",
        current_version=current_version,
    )


def check_version(resource: str, current_version: int, expected: Expected | None) -> None:
    """A writer that expects versions other than the current one changes nothing."""
    if expected is not None and not expected.admits(current_version):
        raise stale(resource, current_version)


def check_version_given(resource: str, expected: Expected | None, *, required: bool) -> None:
    """Under a policy with `require_if_match`, an edit names the version it changes."""
    if required and expected is None:
        raise PreconditionRequired(
            f"This organization's policy requires edits to name the {resource}'s version"
            " they change (If-Match with its ETag, or ifVersion in GraphQL).",
        )

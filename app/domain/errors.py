"""Domain failures, each with a stable machine-readable code.

The API layer turns them into RFC 9457 problems; the kind of failure decides the status.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A rule said no. `code` is stable; `detail` is a sentence a developer understands."""

    code: str = "domain_error"

    def __init__(self, detail: str, *, code: str | None = None, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        if code is not None:
            self.code = code
        self.extra = extra


class InvalidInput(DomainError):
    """The input breaks a rule about the input itself (answered with 422)."""

    code = "invalid_input"


class StateConflict(DomainError):
    """The input is fine but the current state refuses it (answered with 409)."""

    code = "state_conflict"


class Forbidden(DomainError):
    """The caller can see the thing but may not do this to it (answered with 403)."""

    code = "forbidden"


class NotFound(DomainError):
    """The thing does not exist for this caller (answered with 404)."""

    code = "not_found"

    def __init__(self, resource: str, identifier: object) -> None:
        super().__init__(f"No {resource} with id {identifier} exists.", code="not_found")
        self.resource = resource

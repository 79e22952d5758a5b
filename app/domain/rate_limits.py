"""Request budgets: how many requests one credential, and one organization as a whole, may
make in a window. A budget is written in the `limits` package's notation (`100/second`,
`6000/minute`, `10 per 2 seconds`). The service sets the defaults; an organization's admin
may lower its own (never raise them: the defaults protect every other organization)."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID


@dataclass(frozen=True, slots=True)
class RateLimitSetting:
    """An organization's own budgets; None: the service's default."""

    org_id: UUID
    per_key: str | None = None
    per_organization: str | None = None

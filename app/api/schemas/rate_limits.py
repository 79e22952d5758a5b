"""Rate limit models."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StringConstraints

from app.api.schemas.common import Input, Output

# The `limits` package's notation for one budget of at least one request.
BUDGET_PATTERN = r"^ *0*[1-9][0-9]* *(/|per) *([0-9]+ *)?(second|minute|hour|day|month|year)s? *$"
Budget = Annotated[
    str,
    StringConstraints(min_length=1, max_length=64, pattern=BUDGET_PATTERN),
    Field(examples=["100/second", "6000/minute", "10 per 2 seconds"]),
]


class RateLimitsIn(Input):
    per_key: Budget | None = Field(
        description="Each credential's budget (a service key, or a person); null: the"
        " service's default. At most the default, over any span of time (docs/limits.md)."
    )
    per_organization: Budget | None = Field(
        description="The budget of all the organization's credentials together; null: the"
        " service's default. At most the default, over any span of time (docs/limits.md)."
    )


class RateLimitsOut(Output):
    per_key: str | None = Field(description="The organization's own; null: the default.")
    per_organization: str | None = Field(description="The organization's own; null: the default.")
    effective_per_key: str = Field(description="The budget in force for each credential.")
    effective_per_organization: str = Field(
        description="The budget in force for the whole organization."
    )

"""Generations of the person-token signing key: rotating the secret starts a new
generation, and a retired one is honoured until every token it signed has expired."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True, slots=True)
class SigningGeneration:
    generation: int
    salt: str
    created_at: datetime
    retired_at: datetime | None

    @property
    def kid(self) -> str:
        """The token header's `kid` names the generation that signed it."""
        return str(self.generation)

    def verifies_at(self, now: datetime, grace: timedelta) -> bool:
        """The current generation verifies; a retired one for `grace` after retirement
        (the longest token lifetime, plus the time processes may still sign with it)."""
        return self.retired_at is None or now < self.retired_at + grace


def current_generation(generations: list[SigningGeneration]) -> SigningGeneration:
    """The generation that signs new tokens: the newest one not retired."""
    live = [g for g in generations if g.retired_at is None]
    if not live:
        raise LookupError("no current token signing generation; run `rapport migrate`")
    return max(live, key=lambda g: g.generation)

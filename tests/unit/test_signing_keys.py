"""A process's signing keys: a token of a generation created a moment ago by another
process verifies at once, however recently this process read the list; forged `kid`s make
at most one read per EARLY_REFRESH_SECONDS."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, cast

from app.domain.token_generations import SigningGeneration
from app.persistence.unit_of_work import UnitOfWork
from app.services.token_signing import SigningKeys

NOW = datetime(2026, 12, 6, tzinfo=UTC)


@dataclass
class Generations:
    """The table, with a count of reads."""

    rows: list[SigningGeneration] = field(default_factory=list)
    reads: int = 0

    async def all(self) -> list[SigningGeneration]:
        self.reads += 1
        return list(self.rows)


def _generation(number: int) -> SigningGeneration:
    return SigningGeneration(
        generation=number, salt=f"salt{number}", created_at=NOW, retired_at=None
    )


def _uow(table: Generations) -> UnitOfWork:
    fake: Any = type("FakeUnitOfWork", (), {"signing_generations": table})()
    return cast(UnitOfWork, fake)


def test_a_new_generation_verifies_right_after_a_read() -> None:
    table = Generations([_generation(1)])
    keys = SigningKeys("m" * 40, cache_seconds=300)
    uow = _uow(table)

    async def scenario() -> None:
        assert await keys.verifying(uow, "1", NOW) is not None
        table.rows.append(_generation(2))  # another process rotates a moment later
        assert await keys.verifying(uow, "2", NOW) is not None

    asyncio.run(scenario())


def test_forged_kids_cost_one_read_per_interval() -> None:
    table = Generations([_generation(1)])
    keys = SigningKeys("m" * 40, cache_seconds=300)
    uow = _uow(table)

    async def scenario() -> None:
        await keys.verifying(uow, "1", NOW)
        reads = table.reads
        for forged in range(50):
            assert await keys.verifying(uow, str(1000 + forged), NOW) is None
        assert table.reads == reads + 1

    asyncio.run(scenario())

"""Queries over sign-in settings and the token signing generations."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import column, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from app.domain.sign_in import PersonClaim, SignIn, SignInMode
from app.domain.token_generations import SigningGeneration
from app.persistence.tables import SignInRow, TokenSigningGenerationRow


def _sign_in(row: Mapping[Any, Any]) -> SignIn:
    return SignIn(
        org_id=row["org_id"],
        mode=SignInMode(row["mode"]),
        issuer=row["issuer"],
        audience=row["audience"],
        jwks_url=row["jwks_url"],
        person_claim=PersonClaim(row["person_claim"]),
    )


class SignInRepository:
    table = SignInRow.__table__  # type: ignore[attr-defined]

    def __init__(self, connection: AsyncConnection) -> None:
        self.connection = connection

    async def get(self, org_id: UUID) -> SignIn:
        """The organization's settings; person tokens when it never chose."""
        found = await self.connection.execute(
            select(self.table).where(self.table.c.org_id == org_id)
        )
        row = found.mappings().first()
        return SignIn(org_id) if row is None else _sign_in(row)

    async def save(self, sign_in: SignIn, at: datetime) -> None:
        values = {name: getattr(value, "value", value) for name, value in asdict(sign_in).items()}
        changed = await self.connection.execute(
            update(self.table)
            .where(self.table.c.org_id == sign_in.org_id)
            .values(**values, updated_at=at)
        )
        if changed.rowcount == 0:
            await self.connection.execute(
                insert(self.table).values(**values, created_at=at, updated_at=at)
            )

    async def find_oidc(self, issuer: str, audiences: list[str]) -> list[SignIn]:
        """The organizations signing in with this issuer and one of these audiences, found
        before the caller's organization is known (on PostgreSQL past row-level security,
        through a SECURITY DEFINER function)."""
        c = self.table.c
        if self.connection.dialect.name == "postgresql":
            function = func.rapport_oidc_sign_in(issuer, audiences).table_valued(
                *(column(col.name, col.type) for col in self.table.columns)
            )
            statement = select(function)
        else:
            statement = select(self.table).where(
                c.mode == SignInMode.OIDC.value, c.issuer == issuer, c.audience.in_(audiences)
            )
        rows = (await self.connection.execute(statement)).mappings().all()
        return [_sign_in(row) for row in rows]


class SigningGenerationRepository:
    table = TokenSigningGenerationRow.__table__  # type: ignore[attr-defined]

    def __init__(self, connection: AsyncConnection) -> None:
        self.connection = connection

    async def all(self) -> list[SigningGeneration]:
        rows = await self.connection.execute(select(self.table).order_by(self.table.c.generation))
        return [SigningGeneration(**row) for row in rows.mappings()]

    async def add(self, generation: SigningGeneration) -> None:
        await self.connection.execute(insert(self.table).values(**asdict(generation)))

    async def retire(self, generation: int, at: datetime) -> None:
        await self.connection.execute(
            update(self.table)
            .where(self.table.c.generation == generation, self.table.c.retired_at.is_(None))
            .values(retired_at=at)
        )

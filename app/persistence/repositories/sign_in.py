"""Queries over sign-in settings, sign-in bindings and the token signing generations."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import column, delete, func, insert, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from app.domain.paging import Page, PageRequest
from app.domain.queries import BindingFilter
from app.domain.sign_in import PersonClaim, SignIn, SignInMode
from app.domain.sign_in_bindings import SignInBinding
from app.domain.token_generations import SigningGeneration
from app.persistence.access_tables import SignInBindingRow, SignInRow, TokenSigningGenerationRow
from app.persistence.repositories.base import TableRepository


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


class SignInBindingRepository(TableRepository[SignInBinding]):
    table = SignInBindingRow.__table__  # type: ignore[attr-defined]

    def to_entity(self, row: Mapping[str, Any]) -> SignInBinding:
        return SignInBinding(**row)

    async def involving(
        self, org_id: UUID, issuer: str, subject: str, person_id: UUID | None
    ) -> list[SignInBinding]:
        """At this issuer: the account's binding and the person's, in one statement (every
        ID token's request reads them)."""
        c = self.table.c
        ours = c.subject == subject
        if person_id is not None:
            ours = or_(ours, c.person_id == person_id)
        return await self.fetch_all(self.select_in_org(org_id).where(c.issuer == issuer, ours))

    async def add_unless_bound(self, binding: SignInBinding) -> bool:
        """Insert unless the person or the account is bound at this issuer already (a
        concurrent first sign-in may have won); True when this one was stored."""
        dialect = postgresql if self.connection.dialect.name == "postgresql" else sqlite
        statement = dialect.insert(self.table).values(self.to_row(binding))
        stored = await self.connection.execute(statement.on_conflict_do_nothing())
        return bool(stored.rowcount)

    async def remove_of_person(self, org_id: UUID, person_id: UUID) -> None:
        """Every binding of the person, at any issuer."""
        c = self.table.c
        await self.connection.execute(
            delete(self.table).where(c.org_id == org_id, c.person_id == person_id)
        )

    async def list_page(
        self, org_id: UUID, filters: BindingFilter, request: PageRequest
    ) -> Page[SignInBinding]:
        c = self.table.c
        statement = self.select_in_org(org_id)
        if filters.person_id is not None:
            statement = statement.where(c.person_id == filters.person_id)
        if filters.bound_since is not None:
            statement = statement.where(c.bound_at >= filters.bound_since)
        return await self.page(statement, request, c.bound_at, lambda b: b.bound_at)


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

"""Sign-in bindings: an ID token signs in as its person only with the provider account that
first did (app.domain.sign_in_bindings); admin keys see the bindings and remove them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from uuid import UUID

from app.domain.paging import Page, PageRequest
from app.domain.people import Person
from app.domain.queries import BindingFilter
from app.domain.sign_in_bindings import SignInBinding, Verdict, verdict
from app.persistence.unit_of_work import UnitOfWork, unit_of_work
from app.services import audit, visible_records
from app.services.context import Caller, ServiceContext, new_id
from app.services.person_tokens import InvalidToken

# The audit trail's name for a first sign-in that pinned a person (no REST operation makes
# bindings; this names the change in the shape of REST's operation ids).
BOUND_OPERATION = "sign-in-bindings-create"


class BoundToAnotherAccount(InvalidToken):
    """A genuine ID token whose claim names a person bound to another account."""

    code = "bound_to_another_account"


async def signing_in(
    uow: UnitOfWork,
    org_id: UUID,
    account: tuple[str, str],
    claimed: Person | None,
    now: datetime,
) -> UUID | None:
    """Who the account `(iss, sub)` signs in as: the person it is bound to; else the person
    its claim names (`claimed`), if active, to whom it is bound now (trust on first use),
    unless they are bound to another account. None: nobody."""
    found, of_account = await _verdict(uow, org_id, account, claimed)
    if found is Verdict.BIND and claimed is not None and claimed.active:
        async with _writing(uow, org_id) as writer:
            found, of_account = await _bind(writer, claimed, account, now)
    if found is Verdict.OTHER_ACCOUNT:
        raise BoundToAnotherAccount(
            "The person this ID token names signs in with another account of the identity"
            " provider (their email or external_id now leads to this one). An admin key must"
            " remove the person's sign-in binding before another account can sign in as them.",
        )
    return None if of_account is None else of_account.person_id


async def _verdict(
    uow: UnitOfWork, org_id: UUID, account: tuple[str, str], claimed: Person | None
) -> tuple[Verdict, SignInBinding | None]:
    issuer, subject = account
    claimed_id = None if claimed is None else claimed.id
    bindings = await uow.sign_in_bindings.involving(org_id, issuer, subject, claimed_id)
    of_account = next((b for b in bindings if b.subject == subject), None)
    of_claimed = next((b for b in bindings if b.person_id == claimed_id), None)
    return verdict(of_account, of_claimed), of_account


@asynccontextmanager
async def _writing(uow: UnitOfWork, org_id: UUID) -> AsyncIterator[UnitOfWork]:
    """Where a first sign-in writes its binding: the request's own transaction when it can
    write (committed with the request), else (a read on SQLite) a short write transaction
    of its own, committed before the request goes on."""
    if uow.writable:
        yield uow
        return
    async with unit_of_work(uow.connection.engine, write=True) as own:
        await own.enter_organization(org_id)
        yield own


async def _bind(
    uow: UnitOfWork, person: Person, account: tuple[str, str], now: datetime
) -> tuple[Verdict, SignInBinding | None]:
    issuer, subject = account
    binding = SignInBinding(new_id(), person.org_id, person.id, issuer, subject, now)
    if not await uow.sign_in_bindings.add_unless_bound(binding):
        # A concurrent first sign-in bound the person or the account meanwhile.
        return await _verdict(uow, person.org_id, account, person)
    # First bindings are what an operator reviews (trust on first use): each is audited,
    # naming the person who signed in.
    caller = ServiceContext(uow, Caller(org_id=person.org_id, person=person), now)
    ids = {"person_id": str(person.id), "binding_id": str(binding.id)}
    await audit.record(caller, BOUND_OPERATION, "POST", ids)
    return Verdict.BOUND, binding


async def list_bindings(
    ctx: ServiceContext, filters: BindingFilter, request: PageRequest
) -> Page[SignInBinding]:
    """For admin keys (the access layer refuses others): which account signs in as whom."""
    return await ctx.uow.sign_in_bindings.list_page(ctx.org_id, filters, request)


async def unbind(ctx: ServiceContext, person_id: UUID) -> None:
    """The person's next sign-in binds afresh, at every issuer (admin keys only: this is
    how a person moves to a new account, and the one way to undo a binding)."""
    person = await visible_records.person(ctx, person_id)
    await ctx.uow.sign_in_bindings.remove_of_person(ctx.org_id, person.id)

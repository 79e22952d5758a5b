"""Idempotency keys on POST (Stripe's semantics, app.domain.idempotency): what each surface
does with a request that carries one, in the request's own transaction.

The request's transaction is held open past the operation (app.api.idempotency_middleware
ends it): the answer is stored in the same transaction as the change it reports, so a crash
leaves both or neither. Every surface opens its transaction with `request_transaction`,
claims the key once it knows the caller (`IdempotentRequest.claim`), and says how the
operation ended (`operation` for REST and SCIM, `complete` for GraphQL)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Any
from uuid import UUID

from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.types import Scope

from app.api.problems import ApiProblem
from app.domain.errors import DomainError, InvalidInput
from app.domain.idempotency import MAX_KEY_LENGTH, StoredResponse
from app.domain.privacy import Caller
from app.persistence.unit_of_work import UnitOfWork, settled_race, unit_of_work

KEY_HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
SCOPE_ENTRY = "rapport.idempotent_request"
# What parse_key accepts: visible ASCII but quotes and backslashes, bare or quoted.
KEY_PATTERN = r'^(?:[!#-\[\]-~]{1,255}|"[!#-\[\]-~]{1,255}")$'
IDEMPOTENCY_PROBLEMS = (
    "invalid_idempotency_key",
    "idempotency_key_in_use",
    "idempotency_key_reused",
)


class Outcome(Enum):
    """How the operation of a claimed request ended: whether its answer is kept."""

    DISCARDED = "discarded"  # not run, an input refused, a fault: nothing kept
    COMPLETED = "completed"  # its changes and its answer commit together
    REFUSED = "refused"  # a rule said no: nothing changed, the refusal is kept


class Replayed(Exception):
    """The key was answered before: the stored answer is replayed instead (the surface stops
    here; the middleware sends the stored answer)."""


class _Discard(Exception):
    """Thrown into the held transaction to roll it back."""


def parse_key(values: list[str]) -> str:
    """The key of an `Idempotency-Key` header: 1 to 255 visible ASCII characters, bare or
    as a quoted string (`"abc"`, the IETF draft's form)."""
    if len(values) != 1:
        raise _malformed("Send one Idempotency-Key header.")
    raw = values[0].strip()
    key = raw[1:-1] if len(raw) >= 2 and raw[0] == raw[-1] == '"' else raw
    if not key:
        raise _malformed("The Idempotency-Key header is empty.")
    if len(key) > MAX_KEY_LENGTH:
        raise _malformed(f"An Idempotency-Key has at most {MAX_KEY_LENGTH} characters.")
    if any(not ("!" <= char <= "~") or char in '"\\' for char in key):
        raise _malformed(
            "An Idempotency-Key is visible ASCII characters without quotes or backslashes"
            ' (a UUID is a good one), bare or quoted: Idempotency-Key: "…".'
        )
    return key


def _malformed(detail: str) -> ApiProblem:
    return ApiProblem("invalid_idempotency_key", detail)


def credential_of(caller: Caller) -> str:
    """Whose keys these are: a service key's, or a person's (whichever token they use)."""
    if caller.key_id is not None:
        return f"key:{caller.key_id}"
    return f"person:{caller.person_id}"


@dataclass(frozen=True, slots=True)
class Claim:
    """The key a request holds, whose it is, and the request's instant."""

    org_id: UUID
    credential: str
    key: str
    now: datetime


@dataclass(eq=False)
class IdempotentRequest:
    """A POST that carries an Idempotency-Key, from the middleware to the surface and back."""

    header_values: list[str]
    fingerprint: str
    outcome: Outcome = Outcome.DISCARDED
    replay: StoredResponse | None = None
    claimed: Claim | None = None
    _uow: UnitOfWork | None = None
    _transaction: AbstractAsyncContextManager[UnitOfWork] | None = None

    async def begin(self, engine: AsyncEngine) -> UnitOfWork:
        """The request's write transaction, held open until `end`."""
        assert self._transaction is None, "one transaction per request"
        self._transaction = unit_of_work(engine, write=True)
        self._uow = await self._transaction.__aenter__()
        return self._uow

    async def claim(self, uow: UnitOfWork, caller: Caller, now: datetime) -> None:
        """Take the key for this request, or answer for it: 409 while another request holds
        it, the stored answer (Replayed) for the same request, 422 for another one."""
        key = parse_key(self.header_values)
        credential = credential_of(caller)
        keys = uow.idempotency_keys
        if not await keys.try_lock(caller.org_id, credential, key):
            raise ApiProblem(
                "idempotency_key_in_use",
                "A request with this Idempotency-Key is still being handled; retry once it"
                " has finished to receive its answer.",
                headers={"Retry-After": "1"},
            )
        stored = await keys.find(caller.org_id, credential, key)
        if stored is not None and stored.expires_at <= now:
            await keys.forget(caller.org_id, credential, key)
            stored = None
        if stored is not None:
            if stored.fingerprint != self.fingerprint:
                raise ApiProblem(
                    "idempotency_key_reused",
                    "This Idempotency-Key was used for another request (a different path or"
                    " body); use a new key for a new request.",
                )
            self.replay = stored
            raise Replayed
        self.claimed = Claim(caller.org_id, credential, key, now)

    @asynccontextmanager
    async def operation(self, uow: UnitOfWork) -> AsyncIterator[None]:
        """Run a REST or SCIM operation: a refusal by a rule undoes its changes and is kept;
        an input refused, a race the database settled, or a fault keeps nothing."""
        try:
            async with uow.savepoint():
                yield
        except DomainError as refused:
            if not isinstance(refused, InvalidInput) and refused.code != "concurrent_change":
                self.outcome = Outcome.REFUSED
            raise
        except DBAPIError as error:
            conflict = settled_race(error)
            if conflict is not None:
                raise conflict from error
            raise
        self.outcome = Outcome.COMPLETED

    def complete(self) -> None:
        """The operation ran to its end (GraphQL: errors of its fields are in its answer)."""
        self.outcome = Outcome.COMPLETED

    def keeps(self, status: int, headers: list[tuple[str, str]]) -> bool:
        """Whether this answer is stored: a claimed request that completed or was refused,
        below 500, and no secret in it (`Cache-Control: no-store`)."""
        no_store = any(
            name.lower() == "cache-control" and "no-store" in value.lower()
            for name, value in headers
        )
        return (
            self.claimed is not None
            and self.outcome is not Outcome.DISCARDED
            and status < 500
            and not no_store
        )

    async def end(self, answer: StoredResponse | None) -> None:
        """Commit the held transaction with the answer to keep (None: nothing is kept, and a
        request that did not complete commits nothing)."""
        transaction, uow = self._transaction, self._uow
        if transaction is None or uow is None:
            return
        self._transaction = self._uow = None
        if answer is None and self.outcome is not Outcome.COMPLETED:
            await _roll_back(transaction)
            return
        try:
            if answer is not None and (claim := self.claimed) is not None:
                await uow.idempotency_keys.store(
                    claim.org_id, claim.credential, claim.key, answer, claim.now
                )
        except BaseException:
            await _roll_back(transaction)
            raise
        await transaction.__aexit__(None, None, None)

    async def abandon(self) -> None:
        """Roll the held transaction back (the request failed past every handler)."""
        transaction, self._transaction, self._uow = self._transaction, None, None
        if transaction is not None:
            await _roll_back(transaction)


async def _roll_back(transaction: AbstractAsyncContextManager[Any]) -> None:
    try:
        await transaction.__aexit__(_Discard, _Discard(), None)
    except _Discard:
        return


def idempotent_request(scope: Scope) -> IdempotentRequest | None:
    """The request's key, if it is a POST that carries one."""
    pending: IdempotentRequest | None = scope.get(SCOPE_ENTRY)
    return pending


@asynccontextmanager
async def request_transaction(
    engine: AsyncEngine, pending: IdempotentRequest | None, *, write: bool
) -> AsyncIterator[UnitOfWork]:
    """The request's transaction: an ordinary one, or for a write that carries an
    Idempotency-Key one held open for the middleware to end with the stored answer."""
    if pending is None or not write:
        async with unit_of_work(engine, write=write) as uow:
            yield uow
        return
    yield await pending.begin(engine)

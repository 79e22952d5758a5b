"""The keys that sign person tokens. Each generation's key is derived from the master
secret (RAPPORT_TOKEN_SECRET) and the generation's random salt kept in the database, so
neither the configuration alone nor a database dump alone signs a token. Rotating starts a
new generation on every process (each rereads the list within its cache time, at once on a
`kid` it does not know) and keeps the old one verifying until its tokens have expired."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from datetime import datetime, timedelta

from app.domain.access import MAX_TOKEN_TTL_SECONDS
from app.domain.token_generations import SigningGeneration, current_generation
from app.services.ports.unit_of_work import UnitOfWork

# After a reread for an unknown `kid` that found nothing new, the next such reread waits
# this long, so forged `kid`s cannot turn every request into a query.
EARLY_REFRESH_SECONDS = 1.0


class SigningKeys:
    """One per process: the generations it knows and their derived keys."""

    def __init__(self, master_secret: str, *, cache_seconds: float) -> None:
        self._master = master_secret.encode()
        self._cache_seconds = cache_seconds
        # Tokens signed by a process that has not yet seen the rotation live at most the
        # longest lifetime after that process's cache expires.
        self.grace = timedelta(seconds=MAX_TOKEN_TTL_SECONDS + cache_seconds)
        self._generations: dict[str, SigningGeneration] = {}
        self._keys: dict[str, bytes] = {}
        self._loaded_at = -float("inf")
        self._fruitless_at = -float("inf")  # the last reread for a `kid` that found nothing

    async def signing(self, uow: UnitOfWork) -> tuple[str, bytes]:
        """The current generation's `kid` and key, for a new token."""
        await self._refresh(uow, older_than=self._cache_seconds)
        generation = current_generation(list(self._generations.values()))
        return generation.kid, self._key(generation)

    async def verifying(self, uow: UnitOfWork, kid: str, now: datetime) -> bytes | None:
        """The key of the generation a token names, if that generation still verifies."""
        await self._refresh(uow, older_than=self._cache_seconds)
        if kid not in self._generations and (
            time.monotonic() - self._fruitless_at >= EARLY_REFRESH_SECONDS
        ):
            await self._refresh(uow, older_than=0)
            if kid not in self._generations:
                self._fruitless_at = time.monotonic()
        generation = self._generations.get(kid)
        if generation is None or not generation.verifies_at(now, self.grace):
            return None
        return self._key(generation)

    async def _refresh(self, uow: UnitOfWork, *, older_than: float) -> None:
        if time.monotonic() - self._loaded_at < older_than:
            return
        generations = await uow.signing_generations.all()
        self._generations = {g.kid: g for g in generations}
        self._loaded_at = time.monotonic()

    def _key(self, generation: SigningGeneration) -> bytes:
        key = self._keys.get(generation.kid)
        if key is None:
            message = f"rapport person tokens {generation.generation} {generation.salt}"
            key = hmac.new(self._master, message.encode(), hashlib.sha256).digest()
            self._keys[generation.kid] = key
        return key


async def rotate(uow: UnitOfWork, now: datetime) -> SigningGeneration:
    """Start a new generation and retire the current one (it still verifies the tokens it
    signed until they expire)."""
    generations = await uow.signing_generations.all()
    current = current_generation(generations)
    new = SigningGeneration(
        generation=max(g.generation for g in generations) + 1,
        salt=secrets.token_hex(32),
        created_at=now,
        retired_at=None,
    )
    await uow.signing_generations.retire(current.generation, now)
    await uow.signing_generations.add(new)
    return new

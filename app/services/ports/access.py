"""The stores of credentials and their limits: service keys, sign-in settings and bindings,
token signing generations, rate limits and idempotency keys."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol
from uuid import UUID

from app.domain.access import ServiceKey
from app.domain.paging import Page, PageRequest
from app.domain.queries import BindingFilter
from app.domain.rate_limits import RateLimitSetting
from app.domain.sign_in import SignIn
from app.domain.sign_in_bindings import SignInBinding
from app.domain.token_generations import SigningGeneration
from app.services.ports.stores import Store


class ServiceKeyStore(Store[ServiceKey], Protocol):
    async def authenticate(self, digest: str) -> ServiceKey | None: ...

    async def revoke_named(self, org_id: UUID, name: str, at: datetime) -> None: ...

    async def list_page(self, org_id: UUID, request: PageRequest) -> Page[ServiceKey]: ...


class SignInStore(Protocol):
    async def get(self, org_id: UUID) -> SignIn: ...

    async def save(self, sign_in: SignIn, at: datetime) -> None: ...

    async def find_oidc(self, issuer: str, audiences: list[str]) -> list[SignIn]: ...


class SignInBindingStore(Protocol):
    async def involving(
        self, org_id: UUID, issuer: str, subject: str, person_id: UUID | None
    ) -> list[SignInBinding]: ...

    async def add_unless_bound(self, binding: SignInBinding) -> bool: ...

    async def remove_of_person(self, org_id: UUID, person_id: UUID) -> None: ...

    async def list_page(
        self, org_id: UUID, filters: BindingFilter, request: PageRequest
    ) -> Page[SignInBinding]: ...


class SigningGenerationStore(Protocol):
    async def all(self) -> list[SigningGeneration]: ...

    async def add(self, generation: SigningGeneration) -> None: ...

    async def retire(self, generation: int, at: datetime) -> None: ...


class RateLimitStore(Protocol):
    async def get(self, org_id: UUID) -> RateLimitSetting: ...

    async def save(self, setting: RateLimitSetting, at: datetime) -> None: ...


class IdempotencyKeyStore(Protocol):
    async def purge(self, now: datetime) -> int:
        """Forget the stored responses that expired; how many."""
        ...

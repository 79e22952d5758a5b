"""The stores of an organization's settings: its policy and its templates."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol
from uuid import UUID

from app.domain.paging import Page, PageRequest
from app.domain.policy import Policy
from app.domain.templates import Template
from app.services.ports.stores import Store


class PolicyStore(Protocol):
    """One policy per organization (every organization has one)."""

    async def get(self, org_id: UUID) -> Policy: ...

    async def add(self, policy: Policy, at: datetime) -> None: ...

    async def save_over(self, policy: Policy, at: datetime, read_version: int | None) -> int | None:
        """Write the policy and make its version one more (returned); with `read_version`,
        only if it is still at it (None: another writer got there first, nothing written)."""
        ...


class TemplateStore(Store[Template], Protocol):
    async def find_by_name(self, org_id: UUID, name: str) -> Template | None: ...

    async def default(self, org_id: UUID) -> Template | None: ...

    async def clear_default(self, org_id: UUID) -> None: ...

    async def delete(self, org_id: UUID, template_id: UUID) -> None: ...

    async def list_page(self, org_id: UUID, request: PageRequest) -> Page[Template]: ...

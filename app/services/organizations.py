"""Creating an organization with its default policy and agenda template."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from app.domain.people import Organization
from app.domain.policy import Policy
from app.domain.templates import (
    DEFAULT_TEMPLATE_DESCRIPTION,
    DEFAULT_TEMPLATE_NAME,
    DEFAULT_TEMPLATE_SECTIONS,
    Template,
)
from app.services.context import new_id
from app.services.ports.unit_of_work import UnitOfWork


async def create_organization(uow: UnitOfWork, name: str, now: datetime) -> UUID:
    """A tenant starts with the default cadence policy and the seeds' agenda template."""
    organization = Organization(id=new_id(), name=name, created_at=now, updated_at=now)
    await uow.enter_organization(organization.id)
    await uow.organizations.add(organization)
    await uow.policies.add(Policy(org_id=organization.id), now)
    await uow.templates.add(
        Template(
            id=new_id(),
            org_id=organization.id,
            name=DEFAULT_TEMPLATE_NAME,
            description=DEFAULT_TEMPLATE_DESCRIPTION,
            sections=list(DEFAULT_TEMPLATE_SECTIONS),
            is_default=True,
            created_at=now,
            updated_at=now,
        )
    )
    return organization.id

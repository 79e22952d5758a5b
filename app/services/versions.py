"""Writing versioned records as the request expects them (app.domain.versions): the
version is checked when the record is read, and the write itself is a compare-and-set
over the version read, so that of two requests expecting one version only the first
writes; the other is refused like any stale writer and changes nothing."""

from __future__ import annotations

from typing import TypeVar

from app.domain.errors import NotFound
from app.domain.versions import Expected, check_version_given, stale
from app.services.context import ServiceContext
from app.services.ports.stores import VersionedRecord, VersionedStore

V = TypeVar("V", bound=VersionedRecord)


def _over(record: VersionedRecord, expected: Expected | None) -> int | None:
    """The version a write must find: the one read, when the caller expected one."""
    return None if expected is None else record.version


async def save(
    ctx: ServiceContext,
    repository: VersionedStore[V],
    record: V,
    resource: str,
    expected: Expected | None,
) -> None:
    """Write the record (its version becomes one more)."""
    if not await repository.save_over(record, _over(record, expected)):
        raise await _refusal(ctx, repository, record, resource)


async def delete(
    ctx: ServiceContext,
    repository: VersionedStore[V],
    record: V,
    resource: str,
    expected: Expected | None,
) -> None:
    deleted = await repository.delete_over(record, _over(record, expected))
    if not deleted and expected is not None:
        raise await _refusal(ctx, repository, record, resource)


async def _refusal(
    ctx: ServiceContext, repository: VersionedStore[V], record: V, resource: str
) -> Exception:
    current = await repository.version_of(ctx.org_id, record.id)
    if current is None:
        return NotFound(resource, record.id)
    return stale(resource, current)


async def require_given(ctx: ServiceContext, resource: str, expected: Expected | None) -> None:
    """An edit without an expected version, under a policy that requires one, is refused
    (the policy is read only then)."""
    if expected is None:
        policy = await ctx.uow.policies.get(ctx.org_id)
        check_version_given(resource, expected, required=policy.require_if_match)

"""Request budgets: reading them (`limits` notation), and an organization's admin lowering
its own below the service's defaults."""

from __future__ import annotations

from dataclasses import dataclass

from limits import RateLimitItem, parse_many

from app.domain.errors import InvalidInput
from app.domain.rate_limits import RateLimitSetting
from app.services.context import ServiceContext


def budget(text: str) -> RateLimitItem:
    """One budget such as `100/second`; ValueError for anything else (several budgets,
    zero requests, unknown units)."""
    items = list(parse_many(text))
    if len(items) != 1 or items[0].amount < 1:
        raise ValueError(text)
    return items[0]


def per_second(item: RateLimitItem) -> float:
    return item.amount / item.get_expiry()


@dataclass(frozen=True, slots=True)
class Budgets:
    """The budgets in force for one organization."""

    per_key: RateLimitItem
    per_organization: RateLimitItem

    def within(self, setting: RateLimitSetting) -> Budgets:
        """These budgets, each replaced by the organization's own where it set one."""
        return Budgets(
            budget(setting.per_key) if setting.per_key else self.per_key,
            budget(setting.per_organization) if setting.per_organization else self.per_organization,
        )


async def rate_limits(ctx: ServiceContext) -> RateLimitSetting:
    return await ctx.uow.rate_limits.get(ctx.org_id)


def _checked(field: str, text: str | None, ceiling: RateLimitItem) -> str | None:
    if text is None:
        return None
    try:
        item = budget(text)
    except ValueError:
        raise InvalidInput(
            f"{field} must be one budget such as 100/second or 6000/minute.",
            code="invalid_rate_limit",
            field=field,
        ) from None
    if per_second(item) > per_second(ceiling):
        raise InvalidInput(
            f"{field} may lower the service's budget ({ceiling}), not raise it; ask the"
            " service's operator for more.",
            code="invalid_rate_limit",
            field=field,
        )
    return text


async def replace_rate_limits(
    ctx: ServiceContext, per_key: str | None, per_organization: str | None, defaults: Budgets
) -> RateLimitSetting:
    """The organization's own budgets (None: the service's default), at most the defaults."""
    setting = RateLimitSetting(
        ctx.org_id,
        _checked("per_key", per_key, defaults.per_key),
        _checked("per_organization", per_organization, defaults.per_organization),
    )
    await ctx.uow.rate_limits.save(setting, ctx.now)
    return setting

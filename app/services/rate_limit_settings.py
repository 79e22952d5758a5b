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


def _per_second(item: RateLimitItem) -> float:
    return item.amount / item.get_expiry()


LONGEST_WINDOW_SECONDS = 86_400  # a counter's window (and its keys' lifetime) of a day at most


def lowers(item: RateLimitItem, ceiling: RateLimitItem) -> bool:
    """`item` lets through no more than `ceiling` over any span of time: no more requests
    at once (a longer window would gather a larger burst at the same average rate), none
    more per second on average, and over a window of a day at most."""
    return (
        item.amount <= ceiling.amount
        and _per_second(item) <= _per_second(ceiling)
        and item.get_expiry() <= LONGEST_WINDOW_SECONDS
    )


@dataclass(frozen=True, slots=True)
class Budgets:
    """The budgets in force for one organization."""

    per_key: RateLimitItem
    per_organization: RateLimitItem

    def within(self, setting: RateLimitSetting) -> Budgets:
        """These budgets, each replaced by the organization's own where it set one that
        still lowers it (the service's budgets may have been lowered since)."""
        per_key = _own(setting.per_key, self.per_key)
        return Budgets(per_key, _own(setting.per_organization, self.per_organization))


def _own(text: str | None, ceiling: RateLimitItem) -> RateLimitItem:
    item = budget(text) if text else ceiling
    return item if lowers(item, ceiling) else ceiling


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
    if not lowers(item, ceiling):
        raise InvalidInput(
            f"{field} may lower the service's budget ({ceiling}), not raise it: at most"
            f" {ceiling.amount} requests in a window, at most as many per second, over a"
            " window of a day at most. Ask the service's operator for more.",
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

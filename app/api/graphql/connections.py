"""Relay connections over the same keyset pages as REST: an edge's cursor is the cursor
REST would return as `next_cursor` after that row, so the two surfaces share cursors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

import strawberry

from app.api.graphql.decorators import resolves
from app.domain.paging import DEFAULT_LIMIT, MAX_LIMIT, Cursor, Page, PageRequest

E = TypeVar("E")
N = TypeVar("N")


@strawberry.type(description="Where a page of a connection stands (Relay).")
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None = strawberry.field(
        description="Pass as `after` for the next page (REST's `next_cursor`)."
    )


@strawberry.type
class Edge(Generic[N]):
    cursor: str
    node: N


@strawberry.type
class Connection(Generic[N]):
    """A page of nodes. Cursors are written only for the fields that show them (`edges`,
    `pageInfo`): a client reading `nodes` alone, as most screens do, pays for none."""

    page_nodes: strawberry.Private[list[N]]
    cursor_at: strawberry.Private[Callable[[int], str]]
    has_next_page: strawberry.Private[bool]
    has_previous_page: strawberry.Private[bool]

    @strawberry.field
    def edges(self) -> list[Edge[N]]:
        return [Edge(cursor=self.cursor_at(i), node=n) for i, n in enumerate(self.page_nodes)]

    @strawberry.field
    def page_info(self) -> PageInfo:
        last = len(self.page_nodes) - 1
        return PageInfo(
            has_next_page=self.has_next_page,
            has_previous_page=self.has_previous_page,
            start_cursor=self.cursor_at(0) if last >= 0 else None,
            end_cursor=self.cursor_at(last) if last >= 0 else None,
        )

    @resolves("The nodes of `edges`, for clients that need no cursors.")
    def nodes(self) -> list[N]:
        return self.page_nodes


FIRST_DESCRIPTION = f"Items per page, 1-{MAX_LIMIT} (default {DEFAULT_LIMIT})."


def page_request(first: int, after: str | None) -> PageRequest:
    """The paging rules of REST (app.domain.paging), in GraphQL's words `first` and `after`."""
    return PageRequest.of(first, after, limit_name="first", cursor_name="after")


def connection(
    items: list[E],
    *,
    has_next_page: bool,
    after: str | None,
    sort_value: Callable[[E], object],
    node: Callable[[E], N],
) -> Connection[N]:
    def cursor_at(index: int) -> str:
        item = items[index]
        return Cursor.after(sort_value(item), _id_of(item)).encode()

    return Connection(
        page_nodes=[node(item) for item in items],
        cursor_at=cursor_at,
        has_next_page=has_next_page,
        has_previous_page=after is not None,
    )


def from_page(
    page: Page[E], after: str | None, sort_value: Callable[[E], object], node: Callable[[E], N]
) -> Connection[N]:
    return connection(
        page.items,
        has_next_page=page.next_cursor is not None,
        after=after,
        sort_value=sort_value,
        node=node,
    )


def from_children(
    children: list[E],
    request: PageRequest,
    after: str | None,
    sort_value: Callable[[E], object],
    node: Callable[[E], N],
) -> Connection[N]:
    """A page of a nested list read with one row more than asked (PageShape.probing),
    which tells whether more follow."""
    return connection(
        children[: request.limit],
        has_next_page=len(children) > request.limit,
        after=after,
        sort_value=sort_value,
        node=node,
    )


def _id_of(item: object) -> Any:
    return item.id  # type: ignore[attr-defined]

"""Shared mechanics: row to entity, keyset pages, inserts and updates by id."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import cache
from typing import Any, Generic, TypeVar
from uuid import UUID

from sqlalchemy import (
    ARRAY,
    ColumnElement,
    Integer,
    Select,
    and_,
    any_,
    bindparam,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.schema import Column, Table

from app.domain.events import Resource
from app.domain.paging import Cursor, Page, PageRequest
from app.persistence.changes import ChangeLog
from app.persistence.types import UTCDateTime

E = TypeVar("E")
T = TypeVar("T")

# Rows per statement when many records are read by id or written at once: statements grow
# with the batch count, never one per record, and stay well below drivers' parameter limits.
BATCH = 1000


def batches(items: Sequence[T], size: int = BATCH) -> list[Sequence[T]]:
    return [items[start : start + size] for start in range(0, len(items), size)]


def sort_value_of(column: Column[Any], cursor: Cursor) -> object:
    """The cursor's sort value as a value of the column's type."""
    if isinstance(column.type, UTCDateTime):
        return cursor.sort_instant()
    if isinstance(column.type, Integer):
        return cursor.sort_integer()
    return cursor.sort_value


def beyond(
    sort_column: Any, id_column: Any, cursor: Cursor, *, descending: bool
) -> ColumnElement[bool]:
    """The rows after the cursor in (sort, id) order."""
    return keyset_after(
        sort_column, id_column, sort_value_of(sort_column, cursor), cursor.last_id, descending
    )


def keyset_after(
    sort_column: Any, id_column: Any, after: Any, last_id: Any, descending: bool
) -> ColumnElement[bool]:
    """The rows after (`after`, `last_id`) in (sort, id) order, values or bound parameters:
    the keyset condition of every page."""
    if descending:
        return or_(sort_column < after, and_(sort_column == after, id_column < last_id))
    return or_(sort_column > after, and_(sort_column == after, id_column > last_id))


def among(column: Column[Any], name: str, dialect: str) -> ColumnElement[bool]:
    """`column` is one of the values bound to `name` (a list): on PostgreSQL `= ANY(:name)`,
    one array parameter, so the statement's text is the same whatever the count and is
    prepared once per connection; elsewhere an IN list expanded at execution."""
    if dialect == "postgresql":
        return column == any_(bindparam(name, type_=ARRAY(column.type)))
    return column.in_(bindparam(name, expanding=True))


Filter = Callable[[Table], ColumnElement[bool]]
"""A condition on a table's rows, written with bound parameters whose values are given at
execution: part of a statement built once (a filter is named by its function)."""


def status_is(table: Table) -> ColumnElement[bool]:
    """Rows whose status is the bound `status`."""
    return table.c.status == bindparam("status")


@cache
def _first_of_each_statement(
    table: Table,
    parent: str,
    sort: str,
    descending: bool,
    after: bool,
    where: Filter | None,
    dialect: str,
) -> Select[Any]:
    """Per parent, its first `limit` rows after the cursor (when `after`) in (sort, id)
    order, every value a bound parameter: built once per table, list and dialect."""
    sort_column, id_column = table.c[sort], table.c.id
    conditions = [
        table.c.org_id == bindparam("org_id"),
        among(table.c[parent], "parent_ids", dialect),
    ]
    if after:
        after_sort = bindparam("after_sort", type_=sort_column.type)
        after_id = bindparam("after_id", type_=id_column.type)
        conditions.append(keyset_after(sort_column, id_column, after_sort, after_id, descending))
    if where is not None:
        conditions.append(where(table))
    order = (sort_column.desc(), id_column.desc()) if descending else (sort_column, id_column)
    rank = func.row_number().over(partition_by=table.c[parent], order_by=order).label("rank")
    ranked = select(table).where(*conditions).add_columns(rank).subquery()
    inner_sort: Any = ranked.c[sort]
    inner_order = (
        (inner_sort.desc(), ranked.c.id.desc()) if descending else (inner_sort, ranked.c.id)
    )
    return (
        select(ranked)
        .where(ranked.c.rank <= bindparam("limit", type_=Integer))
        .order_by(*inner_order)
    )


@cache
def _by_id_statement(table: Table, for_update: bool) -> Select[Any]:
    statement = select(table).where(
        table.c.org_id == bindparam("org_id"), table.c.id == bindparam("id")
    )
    return statement.with_for_update() if for_update else statement


class TableRepository(Generic[E]):
    """A repository over one tenant table whose rows map one-to-one onto an entity. The
    records of a `resource` note what a write transaction reads and changes in its
    ChangeLog (events are made from it)."""

    table: Table
    resource: Resource | None = None

    def __init__(self, connection: AsyncConnection, changes: ChangeLog | None = None) -> None:
        self.connection = connection
        self.changes = changes if self.resource is not None else None

    def _read(self, entities: Sequence[E]) -> None:
        if self.changes is not None and self.resource is not None:
            for entity in entities:
                self.changes.read(self.resource, entity)

    async def _known_before_change(self, entities: Sequence[E]) -> None:
        """Read the records a change has not seen yet, so that it knows how they were."""
        if self.changes is None or self.resource is None or not entities:
            return
        resource, changes = self.resource, self.changes
        unknown = [e for e in entities if not changes.knows(resource, e.id)]  # type: ignore[attr-defined]
        if unknown:
            org_id = unknown[0].org_id  # type: ignore[attr-defined]
            await self.by_ids(org_id, [e.id for e in unknown])  # type: ignore[attr-defined]

    def _note(self, entities: Sequence[E], *, added: bool) -> None:
        if self.changes is not None and self.resource is not None:
            for entity in entities:
                if added:
                    self.changes.added(self.resource, entity)
                else:
                    self.changes.saved(self.resource, entity)

    async def _before_bulk_change(self, org_id: UUID, ids: Sequence[UUID]) -> list[E]:
        """The records a statement is about to change, as they are (read only when the
        transaction keeps a change log)."""
        if self.changes is None:
            return []
        return await self.by_ids(org_id, ids)

    async def _note_deleted(self, org_id: UUID, record_id: UUID) -> None:
        if self.changes is not None and self.resource is not None:
            if not self.changes.knows(self.resource, record_id):
                await self.get(org_id, record_id)
            self.changes.deleted(self.resource, org_id, record_id)

    def to_entity(self, row: Mapping[str, Any]) -> E:
        raise TypeError("subclasses map rows to entities")

    def to_row(self, entity: E) -> dict[str, Any]:
        return {column.name: getattr(entity, column.name) for column in self.table.columns}

    def written_by_the_database(self) -> dict[str, Any]:
        """Columns an update sets from the row itself rather than from the entity."""
        return {}

    def select_in_org(self, org_id: UUID) -> Select[Any]:
        return select(self.table).where(self.table.c.org_id == org_id)

    async def fetch_one(self, statement: Select[Any]) -> E | None:
        row = (await self.connection.execute(statement)).mappings().first()
        if row is None:
            return None
        entity = self.to_entity(row)
        self._read([entity])
        return entity

    async def by_ids(self, org_id: UUID, ids: Sequence[UUID]) -> list[E]:
        """The records with these ids in the organization (any order), in one statement."""
        if not ids:
            return []
        return await self.fetch_all(
            self.select_in_org(org_id).where(self.table.c.id.in_(sorted(set(ids), key=str)))
        )

    async def first_of_each(
        self,
        org_id: UUID,
        *,
        parent: str,
        parent_ids: Sequence[UUID],
        sort: str,
        limit: int,
        after: Cursor | None = None,
        descending: bool = False,
        where: Filter | None = None,
        values: Mapping[str, Any] | None = None,
    ) -> dict[UUID, list[E]]:
        """Per parent (each one asked about), its first `limit` children after the cursor in
        (sort, id) order — the order, tie break and keyset of the pages — for many parents
        in one statement, built once per list (`where`'s parameters bound to `values`)."""
        if not parent_ids:
            return {}
        table = self.table
        statement = _first_of_each_statement(
            table,
            parent,
            sort,
            descending,
            after is not None,
            where,
            self.connection.dialect.name,
        )
        parameters = {
            "org_id": org_id,
            "parent_ids": list(dict.fromkeys(parent_ids)),
            "limit": limit,
            **(values or {}),
        }
        if after is not None:
            parameters["after_sort"] = sort_value_of(table.c[sort], after)
            parameters["after_id"] = after.last_id
        children: dict[UUID, list[E]] = {parent_id: [] for parent_id in parent_ids}
        for child in await self.fetch_all(statement, parameters):
            children[getattr(child, parent)].append(child)
        return children

    async def fetch_all(
        self, statement: Select[Any], parameters: Mapping[str, Any] | None = None
    ) -> list[E]:
        result = await self.connection.execute(statement, parameters)
        return self.entities_of(result.mappings().all())

    def entities_of(self, rows: Sequence[Mapping[str, Any]]) -> list[E]:
        """The entities of rows read, noted as read."""
        entities = [self.to_entity(row) for row in rows]
        self._read(entities)
        return entities

    async def get(self, org_id: UUID, entity_id: UUID, *, for_update: bool = False) -> E | None:
        """One row by id: the hottest query, so its statement is built once per table."""
        statement = _by_id_statement(self.table, for_update)
        row = (
            (await self.connection.execute(statement, {"org_id": org_id, "id": entity_id}))
            .mappings()
            .first()
        )
        if row is None:
            return None
        entity = self.to_entity(row)
        self._read([entity])
        return entity

    async def add(self, entity: E) -> None:
        await self.connection.execute(insert(self.table).values(self.to_row(entity)))
        self._note([entity], added=True)

    async def add_many(self, entities: Sequence[E]) -> None:
        """Insert many rows, a batch per executemany (imports, carry-over, directory syncs)."""
        for batch in batches(entities):
            rows = [self.to_row(entity) for entity in batch]
            await self.connection.execute(insert(self.table), rows)
        self._note(entities, added=True)

    async def save_many(self, entities: Sequence[E]) -> None:
        """Write every column of many existing rows, a batch per executemany."""
        if not entities:
            return
        await self._known_before_change(entities)
        table = self.table
        computed = self.written_by_the_database()
        columns = [c for c in table.columns if c.name not in ("org_id", "id", *computed)]
        statement = (
            update(table)
            .where(table.c.org_id == bindparam("key_org_id"), table.c.id == bindparam("key_id"))
            .values({c.name: bindparam(f"new_{c.name}", type_=c.type) for c in columns})
            .values(computed)
        )
        for batch in batches(entities):
            rows = [self.to_row(entity) for entity in batch]
            await self.connection.execute(
                statement,
                [
                    {
                        "key_org_id": row["org_id"],
                        "key_id": row["id"],
                        **{f"new_{c.name}": row[c.name] for c in columns},
                    }
                    for row in rows
                ],
            )
        self._note(entities, added=False)

    async def by_ids_in_batches(
        self, org_id: UUID, column: str, ids: Sequence[UUID], *where: ColumnElement[bool]
    ) -> list[E]:
        """The records whose `column` is one of `ids`, a statement per batch of ids."""
        found: list[E] = []
        for batch in batches(sorted(set(ids), key=str)):
            found += await self.fetch_all(
                self.select_in_org(org_id).where(self.table.c[column].in_(batch), *where)
            )
        return found

    async def save(self, entity: E) -> None:
        """Write every column of an existing row (scoped by organization and id)."""
        await self._known_before_change([entity])
        values = self.to_row(entity)
        await self.connection.execute(
            update(self.table)
            .where(self.table.c.org_id == values["org_id"], self.table.c.id == values["id"])
            .values(values)
        )
        self._note([entity], added=False)

    async def page(
        self,
        statement: Select[Any],
        request: PageRequest,
        sort_column: Column[Any],
        value_of: Callable[[E], object],
        *,
        descending: bool = False,
    ) -> Page[E]:
        """Keyset pagination on (sort column, id): stable under inserts between pages."""
        id_column = self.table.c.id
        if request.cursor is not None:
            statement = statement.where(
                beyond(sort_column, id_column, request.cursor, descending=descending)
            )
        if descending:
            statement = statement.order_by(sort_column.desc(), id_column.desc())
        else:
            statement = statement.order_by(sort_column, id_column)
        statement = statement.limit(request.limit + 1)
        items = await self.fetch_all(statement)
        next_cursor = None
        if len(items) > request.limit:
            items = items[: request.limit]
            last = items[-1]
            next_cursor = Cursor.after(value_of(last), last.id).encode()  # type: ignore[attr-defined]
        return Page(items, next_cursor)

"""Statements that run to their end whatever happens to the code awaiting them.

Where one transaction serves code running concurrently (GraphQL's resolvers), that code may
be cancelled while its statement runs: graphql-core cancels the siblings of a failed field.
A statement cut off while the driver talks to the server leaves the connection unusable,
and the transaction could then neither commit the rest of its work nor report the failure.
Once a transaction guards its statements, each one runs as a task of its own that a
cancelled caller leaves running (its result dropped), and the transaction ends only once
every statement it started has finished."""

from __future__ import annotations

import asyncio
from typing import Any, overload

from sqlalchemy import CursorResult, Executable
from sqlalchemy.engine.interfaces import CoreExecuteOptionsParameter, _CoreAnyExecuteParams
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.sql.selectable import TypedReturnsRows
from sqlalchemy.util.typing import TupleAny, TypeVarTuple, Unpack

_Ts = TypeVarTuple("_Ts")


class GuardedConnection(AsyncConnection):
    """An AsyncConnection whose statements (`execute`, and `scalar`, `scalars` through it)
    run shielded from their caller's cancellation once `guard_statements` is called."""

    __slots__ = ("_running",)

    def __init__(self, engine: AsyncEngine) -> None:
        super().__init__(engine)
        self._running: set[asyncio.Task[Any]] | None = None

    def guard_statements(self) -> None:
        if self._running is None:
            self._running = set()

    async def statements_finished(self) -> None:
        """Wait for every statement started so far, and for those they let start."""
        while self._running:
            await asyncio.wait(tuple(self._running))

    @overload
    async def execute(
        self,
        statement: TypedReturnsRows[Unpack[_Ts]],
        parameters: _CoreAnyExecuteParams | None = None,
        *,
        execution_options: CoreExecuteOptionsParameter | None = None,
    ) -> CursorResult[Unpack[_Ts]]: ...

    @overload
    async def execute(
        self,
        statement: Executable,
        parameters: _CoreAnyExecuteParams | None = None,
        *,
        execution_options: CoreExecuteOptionsParameter | None = None,
    ) -> CursorResult[Unpack[TupleAny]]: ...

    async def execute(
        self,
        statement: Executable,
        parameters: _CoreAnyExecuteParams | None = None,
        *,
        execution_options: CoreExecuteOptionsParameter | None = None,
    ) -> CursorResult[Unpack[TupleAny]]:
        running = self._running
        statement_run = super().execute(statement, parameters, execution_options=execution_options)
        if running is None:
            return await statement_run
        task = asyncio.ensure_future(statement_run)
        running.add(task)
        task.add_done_callback(running.discard)
        return await asyncio.shield(task)

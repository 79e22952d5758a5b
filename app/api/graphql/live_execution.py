"""How a delivery is executed: in a read transaction as the subscriber, once per credential,
document and variables within a fan-out. A thousand subscribers of one meeting are mostly
the same two people running the same front end's document: each of those executions is
done once and its result sent to every subscriber that asked for exactly it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from inspect import isawaitable
from typing import Any

from graphql import ExecutionResult, OperationDefinitionNode

from app.api.graphql.settling import SettlingExecutor, settle
from app.api.graphql.socket import SocketContext
from app.api.runtime import Runtime
from app.domain.privacy import Caller
from app.persistence.unit_of_work import unit_of_work
from app.services.context import ServiceContext
from app.services.live import Shared


@asynccontextmanager
async def reading_as(runtime: Runtime, caller: Caller) -> AsyncIterator[ServiceContext]:
    """A read transaction as the caller, in its organization, at this instant."""
    async with unit_of_work(runtime.engine, write=False) as uow:
        await uow.enter_organization(caller.org_id)
        yield ServiceContext(uow, caller, runtime.clock())


class _Same:
    """A document's operation as a key: the same object (the parser cache hands every
    subscriber of one document text the same one), kept alive while the key is."""

    __slots__ = ("operation",)

    def __init__(self, operation: OperationDefinitionNode) -> None:
        self.operation = operation

    def __hash__(self) -> int:
        return id(self.operation)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Same) and other.operation is self.operation


@dataclass(frozen=True, slots=True)
class SharedExecution:
    """What the subscribers with one credential share of one delivery."""

    caller: Caller
    credential: str  # its digest
    shared: Shared

    async def executed(self, executor: SettlingExecutor, run: Callable[[], Any]) -> ExecutionResult:
        variables = repr(sorted(executor.variable_values.coerced.items()))
        key = ("execution", self.credential, _Same(executor.operation), variables)
        result: ExecutionResult = await self.shared.once(key, lambda: self._execute(executor, run))
        return result

    async def _execute(self, executor: SettlingExecutor, run: Callable[[], Any]) -> Any:
        context = executor.context_value
        assert isinstance(context, SocketContext)
        async with reading_as(context.runtime, self.caller) as ctx:
            context.begin(ctx)
            result = run()
            if isawaitable(result):
                result = await result
            await settle(context)
        return result


class LiveExecutor(SettlingExecutor):
    """The schema's executor: a subscription's delivery (a payload that carries its
    SharedExecution) is executed as described above; everything else as before."""

    def execute_operation(self, serially: bool | None = None) -> Any:
        execution = getattr(self.root_value, "execution", None)
        if not isinstance(execution, SharedExecution):
            return super().execute_operation(serially)
        run = super().execute_operation
        return execution.executed(self, lambda: run(serially))

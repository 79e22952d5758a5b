"""Queries executed level by level: each field of one level of the answer resolved for all
its parents at once, then the next level, instead of graphql-core walking the answer field
by field and parent by parent.

A screen asks for thousands of fields; graphql-core pays for each of them a path, a resolve
info, its arguments coerced again and a chain of completion calls, and Strawberry's glue
converts the same arguments again and wraps every resolver's coroutine in another; together
more than everything else Rapport does for the screen (benchmarks/README.md). Here a
field's arguments are coerced and converted once per level, a plain attribute is read with
one `getattr`, a resolver is called as its class declares it, and each level's resolvers
are awaited together, so the DataLoaders still batch one statement per level and kind of
record. A field whose resolver has a form for many parents (`resolves(...,
for_all_parents=...)`) is resolved by one call for all the parents of its level, not by
a coroutine, a task and a load per parent; a nested list so resolved is one statement for
the parents of the field (two groups of parents of one level asking for the same list
are two statements).

The same resolvers run: the scopes, the privacy rules and the loaders are theirs, not this
module's; the time budget is checked before each level's fields start. What this module
would not answer exactly as graphql-core does, it does not answer at all: deferred fields,
introspection, an abstract type, a value of the wrong shape, a null where the schema
promises a value, or a field that raises. Then graphql-core executes the query from the
start (a query changes nothing, and the loaders keep the records this pass loaded by key;
the nested lists are read again), so errors, partial answers and their paths are
graphql-core's own."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine, Iterable
from dataclasses import dataclass, field
from inspect import isawaitable
from operator import attrgetter
from typing import Any, NamedTuple

from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLResolveInfo,
    GraphQLScalarType,
    Undefined,
)
from graphql.execution.collect_fields import FieldDetailsList, GroupedFieldSet
from graphql.execution.executor import Executor, to_nodes
from graphql.execution.values import get_argument_values
from graphql.pyutils import Path
from strawberry import Schema
from strawberry.resolvers import is_default_resolver
from strawberry.types import Info
from strawberry.types.arguments import convert_arguments
from strawberry.types.field import StrawberryField

from app.api.graphql.context import GraphContext
from app.api.graphql.decorators import RESOLVED_FOR_ALL_PARENTS

Answer = dict[str, Any]
Completion = Callable[[Any], Any]
ValuesOf = Callable[[list[Any]], Awaitable[Any]]


class NotAnsweredHere(Exception):
    """Something graphql-core answers in its own way (an error, a type resolved at run
    time): the query is executed by graphql-core instead."""


@dataclass(slots=True)
class _Objects:
    """The objects of one level that share a selection: their sources, and their answers
    (already placed in their parents' answers) to fill in."""

    object_type: GraphQLObjectType
    details: FieldDetailsList
    sources: list[Any] = field(default_factory=list)
    answers: list[Answer] = field(default_factory=list)


@dataclass(slots=True)
class _Level:
    """The resolvers a level waits for (for one parent, or for all the parents of a field),
    and the objects of the level below it."""

    pending: list[tuple[Awaitable[Any], str, Completion, Answer]] = field(default_factory=list)
    pending_for_all: list[tuple[Awaitable[Any], str, Completion, list[Answer]]] = field(
        default_factory=list
    )
    below: dict[tuple[str, int], _Objects] = field(default_factory=dict)


class _Field(NamedTuple):
    """A field of one level: how to get its value from a parent, or the values of all the
    parents at once (`values_of`, then `value_of` is None); and how to complete a value."""

    key: str  # the response name
    value_of: Callable[[Any], Any] | None
    values_of: ValuesOf | None
    complete: Completion


async def execute_by_level(
    executor: Executor[Any],
    root_type: GraphQLObjectType,
    root_value: Any,
    grouped_field_set: GroupedFieldSet,
) -> Answer:
    """The answer to a query's root fields, or NotAnsweredHere."""
    answer: Answer = {}
    level = _Level()
    try:
        fields = _fields(executor, root_type, grouped_field_set, level)
        _resolve(fields, [root_value], [answer], level)
        await _settle(level)
        while level.below:
            groups: Iterable[_Objects] = level.below.values()
            level = _Level()
            for group in groups:
                if not group.sources:
                    continue  # every parent's value was null or an empty list
                grouped, deferred, _ = executor.collect_subfields(group.object_type, group.details)
                if deferred:
                    raise NotAnsweredHere("deferred fields")
                fields = _fields(executor, group.object_type, grouped, level)
                _resolve(fields, group.sources, group.answers, level)
            await _settle(level)
    except Exception as failed:
        for awaitable, *_ in [*level.pending, *level.pending_for_all]:
            if isinstance(awaitable, Coroutine):
                awaitable.close()  # a resolver that never started: nothing of it ran
        if isinstance(failed, NotAnsweredHere):
            raise
        raise NotAnsweredHere("a field failed") from failed
    return answer


def _fields(
    executor: Executor[Any],
    parent_type: GraphQLObjectType,
    grouped_field_set: GroupedFieldSet,
    level: _Level,
) -> list[_Field]:
    context = executor.context_value
    if isinstance(context, GraphContext):
        context.check_time()  # past the deadline, no field of this level starts
    fields: list[_Field] = []
    for key, details in grouped_field_set.items():
        node = details[0].node
        name = node.name.value
        if name.startswith("__") and name != "__typename":
            raise NotAnsweredHere("introspection")
        field_def = executor.schema.get_field(parent_type, name)
        if field_def is None:
            continue  # graphql-core leaves such a field out of the answer too
        arguments = (
            get_argument_values(
                field_def,
                node,
                executor.variable_values,
                details[0].fragment_variable_values,
                executor.hide_suggestions,
            )
            if field_def.args or node.arguments
            else {}
        )
        # One resolve info for all the field's parents of this level: resolvers read its
        # context, and the root fields its key and name (the audit trail's names).
        info = executor.build_resolve_info(
            field_def, to_nodes(details), parent_type, Path(None, key, parent_type.name)
        )
        complete = _completion(field_def.type, info, details, level)
        values_of = _values_of(executor, field_def, info, arguments)
        if values_of is not None:
            fields.append(_Field(key, None, values_of, complete))
        else:
            value_of = _value_of(executor, field_def, info, arguments)
            fields.append(_Field(key, value_of, None, complete))
    return fields


def _value_of(
    executor: Executor[Any],
    field_def: GraphQLField,
    info: GraphQLResolveInfo[Any],
    arguments: dict[str, Any],
) -> Callable[[Any], Any]:
    """How a parent's value of the field is had: directly where Strawberry would add
    nothing around it (below), else through the field's resolve function, as graphql-core
    calls it."""
    definition = field_def.extensions.get("strawberry-definition")
    resolve = field_def.resolve or executor.field_resolver
    if isinstance(definition, StrawberryField) and not definition.extensions:
        if definition.base_resolver is None:
            if is_default_resolver(resolve):
                return attrgetter(definition.python_name)
        else:
            direct = _direct_call(executor, definition, info, arguments)
            if direct is not None:
                call, kwargs = direct
                if definition.base_resolver.self_parameter is not None:
                    return lambda source: call(source, **kwargs)
                return lambda source: call(**kwargs)
    return lambda source: resolve(source, info, **arguments)


def _values_of(
    executor: Executor[Any],
    field_def: GraphQLField,
    info: GraphQLResolveInfo[Any],
    arguments: dict[str, Any],
) -> ValuesOf | None:
    """How the values of all the parents of a level are had at once, for a method resolver
    that has a form for many parents and that Strawberry would call directly; else None."""
    definition = field_def.extensions.get("strawberry-definition")
    if not isinstance(definition, StrawberryField) or definition.extensions:
        return None
    resolver = definition.base_resolver
    if resolver is None or resolver.self_parameter is None:
        return None
    for_all_parents = RESOLVED_FOR_ALL_PARENTS.get(resolver.wrapped_func)
    if for_all_parents is None:
        return None
    direct = _direct_call(executor, definition, info, arguments)
    if direct is None:
        return None
    _, kwargs = direct
    return lambda sources: for_all_parents(sources, **kwargs)


def _direct_call(
    executor: Executor[Any],
    definition: StrawberryField,
    info: GraphQLResolveInfo[Any],
    arguments: dict[str, Any],
) -> tuple[Callable[..., Any], dict[str, Any]] | None:
    """A resolver called as Strawberry would call it when it has nothing to add (no field
    extensions, no exception handlers): the function and its arguments, converted once for
    the level, with `info` where it asks for it (the parent goes first for a method); None
    for any other."""
    resolver = definition.base_resolver
    strawberry_schema = getattr(executor.schema, "_strawberry_schema", None)
    if (
        resolver is None
        or not isinstance(strawberry_schema, Schema)
        or strawberry_schema.schema_converter.exception_handlers
        or resolver.parent_parameter is not None
        or resolver.root_parameter is not None
    ):
        return None
    call = resolver.wrapped_func
    if not callable(call):
        return None
    strawberry_info: Info[Any, Any] = strawberry_schema.config.info_class(
        _raw_info=info, _field=definition
    )
    kwargs = convert_arguments(
        arguments,
        definition.arguments,
        scalar_registry=strawberry_schema.schema_converter.scalar_registry,
        config=strawberry_schema.config,
        info=strawberry_info,
    )
    if resolver.info_parameter is not None:
        kwargs[resolver.info_parameter.name] = strawberry_info
    return call, kwargs


def _completion(
    return_type: GraphQLOutputType,
    info: GraphQLResolveInfo[Any],
    details: FieldDetailsList,
    level: _Level,
) -> Completion:
    """Completes a value of `return_type` as graphql-core would, or raises NotAnsweredHere;
    an object's answer is placed at once and filled in with the level below."""
    if isinstance(return_type, GraphQLNonNull):
        inner = _completion(return_type.of_type, info, details, level)

        def complete_non_null(value: Any) -> Any:
            completed = inner(value)
            if completed is None:
                raise NotAnsweredHere("a null where the schema promises a value")
            return completed

        return complete_non_null
    if isinstance(return_type, GraphQLList):
        item = _completion(return_type.of_type, info, details, level)

        def complete_list(value: Any) -> Any:
            if value is None:
                return None
            if not isinstance(value, list | tuple):
                raise NotAnsweredHere("a list of another kind")
            return [item(each) for each in value]

        return complete_list
    if isinstance(return_type, GraphQLScalarType | GraphQLEnumType):
        coerce = return_type.coerce_output_value

        def complete_leaf(value: Any) -> Any:
            if value is None:
                return None
            coerced = coerce(value)
            if coerced is None or coerced is Undefined:
                raise NotAnsweredHere("a value its type cannot serialize")
            return coerced

        return complete_leaf
    if isinstance(return_type, GraphQLObjectType):
        is_type_of = return_type.is_type_of
        objects = level.below.get((return_type.name, id(details)))
        if objects is None:
            objects = level.below[(return_type.name, id(details))] = _Objects(return_type, details)
        add_source, add_answer = objects.sources.append, objects.answers.append

        def complete_object(value: Any) -> Any:
            if value is None:
                return None
            if is_type_of is not None:
                fits = is_type_of(value, info)
                if isawaitable(fits) or not fits:
                    raise NotAnsweredHere("an object of another type")
            answer: Answer = {}
            add_source(value)
            add_answer(answer)
            return answer

        return complete_object
    raise NotAnsweredHere("an abstract type")


def _resolve(
    fields: list[_Field], sources: list[Any], answers: list[Answer], level: _Level
) -> None:
    pending = level.pending.append
    for source, answer in zip(sources, answers, strict=True):
        for key, value_of, _, complete in fields:
            if value_of is None:
                answer[key] = None  # its place, in the order of the selection
                continue
            value = value_of(source)
            if isawaitable(value):
                answer[key] = None
                pending((value, key, complete, answer))
            else:
                answer[key] = complete(value)
    for key, _, values_of, complete in fields:
        if values_of is not None:
            level.pending_for_all.append((values_of(sources), key, complete, answers))


async def _settle(level: _Level) -> None:
    """Await the level's resolvers together (the loaders batch them), every one to its end
    even when another fails, then complete their values."""
    pending, pending_for_all = level.pending, level.pending_for_all
    if not pending and not pending_for_all:
        return
    awaited = [each[0] for each in pending] + [each[0] for each in pending_for_all]
    results = await asyncio.gather(*awaited, return_exceptions=True)
    level.pending, level.pending_for_all = [], []
    for result, (_, key, complete, answer) in zip(results, pending, strict=False):
        if isinstance(result, BaseException):
            raise NotAnsweredHere("a field failed") from result
        answer[key] = complete(result)
    for values, (_, key, complete, answers) in zip(
        results[len(pending) :], pending_for_all, strict=True
    ):
        if isinstance(values, BaseException):
            raise NotAnsweredHere("a field failed") from values
        if not isinstance(values, list) or len(values) != len(answers):
            raise NotAnsweredHere("a field's values do not match its parents")
        for answer, value in zip(answers, values, strict=True):
            answer[key] = complete(value)

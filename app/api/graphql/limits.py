"""What one request may ask for: depth, aliases and tokens are checked while the document
is validated; the complexity budget before execution, with the variables known."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from functools import partial
from typing import Any

from graphql import (
    ExecutionResult,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
)
from strawberry.extensions import (
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
    SchemaExtension,
)

from app.domain.paging import DEFAULT_LIMIT

MAX_DEPTH = 12
MAX_ALIASES = 20
MAX_TOKENS = 5_000
COMPLEXITY_BUDGET = 100_000
# Fields that aggregate over many pairs cost what a page of records would: a rollup reads
# every meeting of its scope's window; a pair's metrics are batched per window.
FIELD_COSTS = {"metricsSummary": 10_000, "timeseries": 10_000, "metrics": 20}


class ComplexityBudget(SchemaExtension):
    """A field costs 1; a connection's selection costs as many times as the page it asks
    for (`first`, default 50). Over the budget, nothing runs and no transaction opens."""

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if document is not None and context.result is None:
            fragments = {
                d.name.value: d
                for d in document.definitions
                if isinstance(d, FragmentDefinitionNode)
            }
            operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
            chosen = [
                o
                for o in operations
                if context.operation_name is None
                or (o.name and o.name.value == context.operation_name)
            ]
            variables = context.variables or {}
            cost = sum(_cost(o.selection_set, fragments, variables, set()) for o in chosen[:1])
            if cost > COMPLEXITY_BUDGET:
                context.result = ExecutionResult(
                    data=None,
                    errors=[
                        GraphQLError(
                            f"This query would cost {cost} (a connection's fields count once per"
                            f" item of its page); the budget is {COMPLEXITY_BUDGET}. Ask for"
                            " smaller pages or fewer nested lists.",
                            extensions={
                                "code": "query_too_complex",
                                "classification": "BAD_USER_INPUT",
                                "cost": cost,
                            },
                        )
                    ],
                )
        yield


def _cost(
    selection_set: SelectionSetNode | None,
    fragments: Mapping[str, FragmentDefinitionNode],
    variables: Mapping[str, Any],
    visiting: set[str],
) -> int:
    if selection_set is None:
        return 0
    total = 0
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            children = _cost(selection.selection_set, fragments, variables, visiting)
            own = FIELD_COSTS.get(selection.name.value, 1)
            total += own + _page_size(selection, variables) * children
        elif isinstance(selection, InlineFragmentNode):
            total += _cost(selection.selection_set, fragments, variables, visiting)
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            fragment = fragments.get(name)
            if fragment is not None and name not in visiting:
                nested = visiting | {name}
                total += _cost(fragment.selection_set, fragments, variables, nested)
    return total


def _page_size(field: FieldNode, variables: Mapping[str, Any]) -> int:
    """How many items a connection field asks for; 1 for any other field."""
    if not _is_connection(field):
        return 1
    for argument in field.arguments or ():
        if argument.name.value != "first":
            continue
        value = argument.value
        if isinstance(value, IntValueNode):
            return max(1, int(value.value))
        if isinstance(value, VariableNode):
            given = variables.get(value.name.value)
            if isinstance(given, int) and not isinstance(given, bool):
                return max(1, given)
    return DEFAULT_LIMIT


def _is_connection(field: FieldNode) -> bool:
    if field.selection_set is None:
        return False
    names = {s.name.value for s in field.selection_set.selections if isinstance(s, FieldNode)}
    return bool(names & {"edges", "nodes"})


def protections() -> list[Callable[[], SchemaExtension]]:
    """The limits, in the order they apply (a fresh extension per request)."""
    return [
        partial(MaxTokensLimiter, max_token_count=MAX_TOKENS),
        partial(QueryDepthLimiter, max_depth=MAX_DEPTH),
        partial(MaxAliasesLimiter, max_alias_count=MAX_ALIASES),
        ComplexityBudget,
    ]

"""What one request may ask for: depth, aliases and tokens are checked while the document
is validated; the complexity budget before execution, with the variables known."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from functools import partial
from typing import Any

from graphql import (
    DocumentNode,
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
# A connection's fields that repeat once per item of its page.
PAGE_ITEMS = frozenset({"nodes", "edges"})


class ComplexityBudget(SchemaExtension):
    """What a document may cost, computed on its resolved selection before anything runs
    and before any transaction opens: fragments (named and inline) expanded where they are
    spread, every field counted as written (aliases and repeats included), and every
    operation of the document summed (a document is refused as a whole, whichever of its
    operations is asked for)."""

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if document is not None and context.result is None:
            cost = document_cost(document, context.variables or {})
            if cost > COMPLEXITY_BUDGET:
                context.result = ExecutionResult(
                    data=None,
                    errors=[
                        GraphQLError(
                            f"This query would cost {cost} (a connection's nodes and edges"
                            " count once per item of its page, fragments included); the"
                            f" budget is {COMPLEXITY_BUDGET}. Ask for smaller pages or fewer"
                            " nested lists.",
                            extensions={
                                "code": "query_too_complex",
                                "classification": "BAD_USER_INPUT",
                                "cost": cost,
                            },
                        )
                    ],
                )
        yield


def document_cost(document: DocumentNode, variables: Mapping[str, Any]) -> int:
    """The cost of every operation of a (validated) document.

    A field costs 1 (or its FIELD_COSTS) plus its selection's cost; in a connection (a field
    with a page size argument `first`), `nodes` and `edges` cost once per item of the page,
    whether they are written in the connection's selection or in fragments spread in it."""
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    cost = _Cost(fragments, variables)
    return sum(
        cost.of(operation.selection_set, 1)
        for operation in document.definitions
        if isinstance(operation, OperationDefinitionNode)
    )


class _Cost:
    def __init__(
        self, fragments: Mapping[str, FragmentDefinitionNode], variables: Mapping[str, Any]
    ) -> None:
        self.fragments = fragments
        self.variables = variables

    def of(self, selection_set: SelectionSetNode | None, page: int) -> int:
        """The cost of a selection whose items repeat `page` times when they are a
        connection's `nodes` or `edges` (page is 1 outside connections)."""
        return sum(self._field(field, page) for field in self._fields(selection_set, frozenset()))

    def _field(self, field: FieldNode, page: int) -> int:
        own = FIELD_COSTS.get(field.name.value, 1)
        times = page if field.name.value in PAGE_ITEMS else 1
        return times * (own + self.of(field.selection_set, self._page_size(field)))

    def _fields(
        self, selection_set: SelectionSetNode | None, spread: frozenset[str]
    ) -> Iterator[FieldNode]:
        """The fields of a selection with its fragments expanded (a fragment spread inside
        itself is not followed again; validation refuses such cycles anyway)."""
        for selection in selection_set.selections if selection_set is not None else ():
            if isinstance(selection, FieldNode):
                yield selection
            elif isinstance(selection, InlineFragmentNode):
                yield from self._fields(selection.selection_set, spread)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                if fragment is not None and name not in spread:
                    yield from self._fields(fragment.selection_set, spread | {name})

    def _page_size(self, field: FieldNode) -> int:
        """How many items a connection field asks for (`first`; DEFAULT_LIMIT when it is
        not given); 1 for a field that takes no `first`."""
        for argument in field.arguments or ():
            if argument.name.value != "first":
                continue
            value = argument.value
            if isinstance(value, IntValueNode):
                return max(1, int(value.value))
            if isinstance(value, VariableNode):
                given = self.variables.get(value.name.value)
                if isinstance(given, int) and not isinstance(given, bool):
                    return max(1, given)
            return DEFAULT_LIMIT
        return DEFAULT_LIMIT if field.selection_set is not None else 1


def protections() -> list[Callable[[], SchemaExtension]]:
    """The limits, in the order they apply (a fresh extension per request)."""
    return [
        partial(MaxTokensLimiter, max_token_count=MAX_TOKENS),
        partial(QueryDepthLimiter, max_depth=MAX_DEPTH),
        partial(MaxAliasesLimiter, max_alias_count=MAX_ALIASES),
        ComplexityBudget,
    ]

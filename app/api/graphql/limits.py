"""What one request may ask for: depth, aliases and tokens are checked while the document
is parsed and validated; the complexity budget before execution, with the variables known.

Parsed and validated documents are cached (a front end sends the same few documents over and
over): the tokens, depth and aliases of a document depend on its text alone, so a cached
document's verdict is the one it would get again; its cost depends on the variables too, and
is computed for every request."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from graphql import (
    ASTValidationRule,
    DocumentNode,
    ExecutionResult,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionNode,
    SelectionSetNode,
    VariableNode,
)
from strawberry.extensions import (
    MaxAliasesLimiter,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
)
from strawberry.schema.schema import validate_document
from strawberry.types import ExecutionContext

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
# The validation rules of the depth and alias limits, built once: the validation cache keys a
# document's verdict by the rules that gave it, so they must be the same objects every time.
LIMIT_RULES = [
    *QueryDepthLimiter(max_depth=MAX_DEPTH).validation_rules,
    *MaxAliasesLimiter(max_alias_count=MAX_ALIASES).validation_rules,
]
# Documents kept parsed and validated, per process: the most recently used ones, each of at
# most CACHED_DOCUMENT_CHARS characters (a document costs up to about 280 bytes per
# character in memory, a real one closer to 100); longer ones are parsed every time.
CACHED_DOCUMENTS = 64
CACHED_DOCUMENT_CHARS = 3_000


# Strawberry's parser cache (a bounded LRU cache shared by the whole process), keyed by the
# text and the parse options, so the token limit is part of the key, and a document the
# parser refuses is not kept.
PARSED = ParserCache(maxsize=CACHED_DOCUMENTS).cached_parse_document


@dataclass(frozen=True, slots=True, eq=False)
class ParsedDocument:
    """A document the parser cache handed out, compared by identity: the cache hands out the
    same object for the same text, and a parsed document's own hash walks all of its nodes
    (10 to 25 µs per request for the benchmark's documents). The verdict's cache holds the
    document, so no other object can take its identity while its verdict is kept."""

    document: DocumentNode

    def __hash__(self) -> int:
        return id(self.document)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ParsedDocument) and other.document is self.document


@lru_cache(maxsize=CACHED_DOCUMENTS)
def verdict_of(
    schema: GraphQLSchema,
    parsed: ParsedDocument,
    rules: tuple[type[ASTValidationRule], ...],
) -> list[GraphQLError]:
    """The validation errors of a parsed document under these rules, kept for the most
    recently used documents (Strawberry's validation, as its own cache runs it)."""
    return validate_document(schema, parsed.document, rules)


class DocumentLimits(SchemaExtension):
    """Every limit on what one request may ask for, as one extension (each extension costs
    every request its hooks): the token limit while parsing, the depth and alias rules
    while validating, both served from the caches for documents of a bounded size; then the
    complexity budget, computed on the document's resolved selection with the request's
    variables before anything runs and before any transaction opens: fragments (named and
    inline) expanded where they are spread, every field counted as written (aliases and
    repeats included), and every operation of the document summed (a document is refused
    as a whole, whichever of its operations is asked for)."""

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context
        context.parse_options["max_tokens"] = MAX_TOKENS
        context.validation_rules = (*context.validation_rules, *LIMIT_RULES)
        yield

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        if _cacheable(context):
            context.graphql_document = PARSED(context.query, **context.parse_options)
        yield

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if _cacheable(context) and document is not None:
            context.pre_execution_errors = verdict_of(
                context.schema._schema,
                ParsedDocument(document),
                tuple(context.validation_rules),
            )
        yield

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
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    cost = _Cost(fragments, {**_defaults(operations), **variables})
    return sum(cost.of(operation.selection_set, 1) for operation in operations)


def _defaults(operations: list[OperationDefinitionNode]) -> dict[str, int]:
    """The whole-number defaults of the operations' variables (the larger where two
    operations name one variable alike): a variable left out of the request takes them."""
    found: dict[str, int] = {}
    for operation in operations:
        for definition in operation.variable_definitions or ():
            value = definition.default_value
            if isinstance(value, IntValueNode):
                name = definition.variable.name.value
                found[name] = max(found.get(name, 0), int(value.value))
    return found


class _Cost:
    """Each selection's cost is computed once per page size and reused wherever it is spread:
    fragments spreading fragments twice over, level after level, expand exponentially
    (graphql-core executes each once), and the walk must not."""

    def __init__(
        self, fragments: Mapping[str, FragmentDefinitionNode], variables: Mapping[str, Any]
    ) -> None:
        self.fragments = fragments
        self.variables = variables
        self.known: dict[tuple[int, int], int] = {}
        self.spreading: set[str] = set()

    def of(self, selection_set: SelectionSetNode | None, page: int) -> int:
        """The cost of a selection whose `nodes` and `edges` repeat `page` times (page is
        1 outside connections)."""
        if selection_set is None:
            return 0
        key = (id(selection_set), page)
        if key not in self.known:
            self.known[key] = sum(self._selection(s, page) for s in selection_set.selections)
        return self.known[key]

    def _selection(self, selection: SelectionNode, page: int) -> int:
        if isinstance(selection, FieldNode):
            own = FIELD_COSTS.get(selection.name.value, 1)
            times = page if selection.name.value in PAGE_ITEMS else 1
            return times * (own + self.of(selection.selection_set, self._page_size(selection)))
        if isinstance(selection, InlineFragmentNode):
            return self.of(selection.selection_set, page)
        assert isinstance(selection, FragmentSpreadNode)
        name = selection.name.value
        fragment = self.fragments.get(name)
        if fragment is None or name in self.spreading:  # validation refuses both anyway
            return 0
        self.spreading.add(name)
        try:
            return self.of(fragment.selection_set, page)
        finally:
            self.spreading.discard(name)

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
                given = _whole_number(self.variables.get(value.name.value))
                if given is not None:
                    return max(1, given)
            return DEFAULT_LIMIT
        return DEFAULT_LIMIT if field.selection_set is not None else 1


def _whole_number(value: object) -> int | None:
    """A variable's value as an Int reads it: an integer, or a float with no fraction
    (`200.0` is 200)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def _cacheable(context: ExecutionContext) -> bool:
    return context.query is not None and len(context.query) <= CACHED_DOCUMENT_CHARS

"""The GraphQL cost is computed on the resolved selection: moving any part of a selection
into a named or an inline fragment does not change what the document costs."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from graphql import parse
from hypothesis import given, settings
from hypothesis import strategies as st

from app.api.graphql.limits import document_cost
from app.domain.paging import DEFAULT_LIMIT

# Names with the cost rules' meanings: connections (a page argument), their items, plain
# fields, and fields with a cost of their own.
CONNECTIONS = ("pairs", "meetings", "agendaItems", "notes")
ITEMS = ("nodes", "edges", "node")
LEAVES = ("id", "title", "startsAt", "metrics", "totalCount")


@dataclass
class Field:
    name: str
    first: int | None = None
    alias: str | None = None
    children: list[Field] = field(default_factory=list)

    def head(self) -> str:
        alias = f"{self.alias}: " if self.alias else ""
        argument = f"(first: {self.first})" if self.first is not None else ""
        return f"{alias}{self.name}{argument}"


def _fields(depth: int) -> st.SearchStrategy[Field]:
    leaf = st.builds(Field, st.sampled_from(LEAVES), alias=st.sampled_from([None, "a", "b"]))
    if depth == 0:
        return leaf
    inner = st.lists(_fields(depth - 1), min_size=1, max_size=3)
    branch = st.builds(
        Field,
        st.sampled_from(CONNECTIONS + ITEMS),
        first=st.one_of(st.none(), st.integers(0, 200)),
        alias=st.sampled_from([None, "x"]),
        children=inner,
    )
    return st.one_of(leaf, branch)


TREES = st.lists(_fields(4), min_size=1, max_size=3)


def plain(selection: list[Field]) -> str:
    return "{ " + " ".join(_plain(f) for f in selection) + " }"


def _plain(item: Field) -> str:
    return item.head() + (f" {plain(item.children)}" if item.children else "")


class Fragmenter:
    """Renders a selection with parts moved into fragments, as `choices` decide."""

    def __init__(self, choices: st.DataObject) -> None:
        self.choices = choices
        self.fragments: list[str] = []
        self.serial = itertools.count()

    def render(self, selection: list[Field]) -> str:
        parts: list[str] = []
        cut = self.choices.draw(st.integers(0, len(selection)))
        kept, moved = selection[:cut], selection[cut:]
        parts.extend(self._field(f) for f in kept)
        if moved:
            how = self.choices.draw(st.sampled_from(["named", "inline", "typed", "as is"]))
            body = " ".join(self._field(f) for f in moved)
            if how == "named":
                name = f"F{next(self.serial)}"
                self.fragments.append(f"fragment {name} on Anything {{ {body} }}")
                parts.append(f"...{name}")
            elif how == "inline":
                parts.append(f"... {{ {body} }}")
            elif how == "typed":
                parts.append(f"... on Anything {{ {body} }}")
            else:
                parts.append(body)
        return "{ " + " ".join(parts) + " }"

    def _field(self, item: Field) -> str:
        return item.head() + (f" {self.render(item.children)}" if item.children else "")

    def document(self, selection: list[Field]) -> str:
        return " ".join([f"query {self.render(selection)}", *self.fragments])


@settings(max_examples=300, derandomize=True, deadline=None)
@given(TREES, st.data())
def test_fragments_named_or_inline_cost_what_the_plain_selection_costs(
    selection: list[Field], choices: st.DataObject
) -> None:
    fragmented = Fragmenter(choices).document(selection)
    assert document_cost(parse(fragmented), {}) == document_cost(parse(plain(selection)), {})


@settings(max_examples=100, derandomize=True, deadline=None)
@given(TREES, TREES)
def test_every_operation_of_a_document_counts(one: list[Field], other: list[Field]) -> None:
    both = parse(f"query A {plain(one)} query B {plain(other)}")
    assert document_cost(both, {}) == (
        document_cost(parse(plain(one)), {}) + document_cost(parse(plain(other)), {})
    )


def test_a_page_multiplies_nodes_moved_into_fragments() -> None:
    direct = "{ pairs(first: 200) { nodes { id } } }"
    named = "{ pairs(first: 200) { ...P } } fragment P on PairConnection { nodes { id } }"
    inline = "{ pairs(first: 200) { ... on PairConnection { nodes { id } } } }"
    costs = {document_cost(parse(text), {}) for text in (direct, named, inline)}
    assert costs == {1 + 200 * 2}


def test_aliases_count_each_time_and_variables_set_the_page() -> None:
    once = document_cost(parse("query($n: Int) { pairs(first: $n) { nodes { id } } }"), {"n": 7})
    twice = document_cost(
        parse(
            "query($n: Int) { a: pairs(first: $n) { nodes { id } } b: pairs(first: $n) {"
            " nodes { id } } }"
        ),
        {"n": 7},
    )
    assert (once, twice) == (15, 30)


def test_a_page_size_is_read_as_execution_reads_it() -> None:
    """A variable left out takes its default, and `200.0` is the Int 200: either way the
    page costs what it will return (a caller cannot shrink the cost by how it sends it)."""
    document = parse("query($n: Int = 200) { pairs(first: $n) { nodes { id } } }")
    sent = parse("query($n: Int) { pairs(first: $n) { nodes { id } } }")
    full = 1 + 200 * 2
    assert document_cost(document, {}) == full
    assert document_cost(sent, {"n": 200.0}) == full
    assert document_cost(document, {"n": 7}) == 15  # a value sent wins over the default
    for unreadable in (None, 7.5, "200", True):  # null or refused: the default page
        assert document_cost(sent, {"n": unreadable}) == 1 + DEFAULT_LIMIT * 2


def test_fragments_spread_twice_over_at_every_level_are_costed_once_each() -> None:
    """Forty levels of fragments spreading the next one twice: 2**40 fields once expanded
    (graphql-core executes each fragment once); the cost is computed without expanding."""
    levels = 40
    fragments = " ".join(
        f"fragment F{n} on Query {{ ...F{n + 1} ...F{n + 1} }}" for n in range(levels)
    )
    document = parse(f"{{ ...F0 }} {fragments} fragment F{levels} on Query {{ me {{ kind }} }}")
    assert document_cost(document, {}) == 2**levels * 2

"""Refuse an oversized ingestion list before GraphQL coerces it item by item."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from graphql import (
    DocumentNode,
    ExecutionResult,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    ListValueNode,
    OperationType,
    SelectionSetNode,
    VariableNode,
)
from graphql.utilities import get_operation_ast
from strawberry.extensions import SchemaExtension

# Mutations whose `input` argument is a list of items: each counts towards `LA_MAX_BATCH_ITEMS`.
BATCH_MUTATIONS = frozenset({"recordExchanges", "recordFeedback"})


class BatchSizeLimit(SchemaExtension):
    """Counts the items of `recordExchanges`/`recordFeedback` from the raw variables and literals.

    GraphQL coerces a list variable item by item before any resolver runs, so a list of 50,000
    exchanges would cost its full coercion before the resolver's own check; this answers first,
    with a `BAD_USER_INPUT` error naming `input` and the limit.
    """

    def on_execute(self) -> Iterator[None]:
        ec = self.execution_context
        if ec.result is None and ec.graphql_document is not None:
            limit: int = ec.context.settings.max_batch_items
            largest = largest_batch(ec.graphql_document, ec.operation_name, ec.variables or {})
            if largest > limit:
                ec.result = ExecutionResult(
                    data=None,
                    errors=[
                        GraphQLError(
                            f"a batch holds at most {limit} items, got {largest}",
                            extensions={
                                "code": "BAD_USER_INPUT",
                                "field": "input",
                                "reason": "batch_too_large",
                                "limit": limit,
                            },
                        )
                    ],
                )
        yield


def largest_batch(document: DocumentNode, operation_name: str | None, variables: dict[str, Any]) -> int:
    """The longest `input` list among the batch mutations of the operation that would run (0 if none)."""
    operation = get_operation_ast(document, operation_name)
    if operation is None or operation.operation != OperationType.MUTATION:
        return 0
    fragments = {
        f.name.value: f.selection_set for f in document.definitions if isinstance(f, FragmentDefinitionNode)
    }
    largest = 0
    for field in _root_fields(operation.selection_set, fragments, set()):
        if field.name.value not in BATCH_MUTATIONS:
            continue
        for argument in field.arguments or ():
            if argument.name.value == "input":
                largest = max(largest, _length(argument.value, variables))
    return largest


def _root_fields(
    selections: SelectionSetNode, fragments: dict[str, SelectionSetNode], visited: set[str]
) -> Iterator[FieldNode]:
    for node in selections.selections:
        if isinstance(node, FieldNode):
            yield node
        elif isinstance(node, InlineFragmentNode):
            yield from _root_fields(node.selection_set, fragments, visited)
        elif isinstance(node, FragmentSpreadNode) and node.name.value not in visited:
            visited.add(node.name.value)
            if (spread := fragments.get(node.name.value)) is not None:
                yield from _root_fields(spread, fragments, visited)


def _length(value: Any, variables: dict[str, Any]) -> int:
    if isinstance(value, ListValueNode):
        return len(value.values)
    if isinstance(value, VariableNode):
        given = variables.get(value.name.value)
        return len(given) if isinstance(given, list) else 1
    return 1

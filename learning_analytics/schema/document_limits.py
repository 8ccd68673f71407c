"""Limits on a GraphQL document, measured before it runs: depth, aliases, fields, fragments and cost.

Each fragment is measured once per scope and the result reused at every spread, so a small
document whose fragments spread the previous one twice costs linear time to measure, not
exponential (the measured numbers themselves do grow exponentially, and are refused). Fragment
cycles, unknown fragments, types and fields are skipped here: graphql-core's own rules report them.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    SchemaMetaFieldDef,
    SelectionSetNode,
    TypeMetaFieldDef,
    TypeNameMetaFieldDef,
    ValidationRule,
    ValueNode,
    VariableNode,
    get_named_type,
    value_from_ast_untyped,
)
from graphql.language import SKIP, Visitor, visit

from ..config import LimitSettings
from .cost import CostModel, Scope

CODE = "QUERY_TOO_COMPLEX"
# Measured values saturate here: they stay exact below it and JSON-safe above it.
CEILING = 10**15


@dataclass(frozen=True, slots=True)
class Measures:
    """What a document asks for. Depth counts fields with sub-selections on the longest path below
    the root (`{ viewer { id } }` is 1; introspection is not counted); aliases, fields and cost
    count a fragment's content once per spread; fragments and spreads count the document's text."""

    depth: int = 0
    aliases: int = 0
    fields: int = 0
    cost: int = 0
    fragments: int = 0
    fragment_spreads: int = 0


# measure → (what the query does, in the message; the setting in LimitSettings)
LIMITS: dict[str, tuple[str, str]] = {
    "fragments": ("defines {} fragments", "max_fragments"),
    "fragment_spreads": ("spreads fragments {} times", "max_fragment_spreads"),
    "depth": ("nests fields {} deep", "max_query_depth"),
    "aliases": ("uses {} aliases", "max_aliases"),
    "fields": ("selects {} fields", "max_fields"),
    "cost": ("has an estimated cost of {}", "max_query_cost"),
}


def _bounds(limits: LimitSettings) -> dict[str, int]:
    """Each measure's limit, read from the settings."""
    return {
        "fragments": limits.max_fragments,
        "fragment_spreads": limits.max_fragment_spreads,
        "depth": limits.max_query_depth,
        "aliases": limits.max_aliases,
        "fields": limits.max_fields,
        "cost": limits.max_query_cost,
    }


def limit_error(
    measure: str, value: int, limit: int, phrase: str, setting: str, *, lower_bound: bool = False
) -> GraphQLError:
    """The error a client sees for a document over a limit: it names the limit and both numbers.
    `value` is only a lower bound when `lower_bound` (a parser stopped there) or at CEILING."""
    if lower_bound:
        shown = f"more than {limit:,}"
    else:
        shown = f"at least {CEILING:,}" if value >= CEILING else f"{value:,}"
    return GraphQLError(
        f"The query {phrase.format(shown)}, over the limit of {limit:,} (LA_LIMITS__{setting.upper()})",
        extensions={"code": CODE, "measure": measure, "limit": limit, "value": value, "setting": setting},
    )


@dataclass(frozen=True, slots=True)
class _Sum:
    depth: int = 0
    aliases: int = 0
    fields: int = 0
    cost: float = 0.0

    def __add__(self, other: _Sum) -> _Sum:
        return _Sum(
            depth=max(self.depth, other.depth),
            aliases=min(CEILING, self.aliases + other.aliases),
            fields=min(CEILING, self.fields + other.fields),
            cost=min(float(CEILING), self.cost + other.cost),
        )


class _Walker:
    """Measures selection sets, remembering each fragment's measure per scope."""

    def __init__(
        self,
        schema: GraphQLSchema,
        model: CostModel,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: Mapping[str, Any] | None,
        defaults: Mapping[str, ValueNode],
    ) -> None:
        self.schema = schema
        self.model = model
        self.fragments = fragments
        self.variables = variables if isinstance(variables, Mapping) else {}
        self.defaults = defaults
        self.memo: dict[tuple[str, Scope], _Sum] = {}
        self.open: set[str] = set()

    def selection_set(self, node: SelectionSetNode, parent: Any, scope: Scope) -> _Sum:
        total = _Sum()
        for selection in node.selections:
            if isinstance(selection, FieldNode):
                total += self.field(selection, parent, scope)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                inner = self.schema.get_type(condition.name.value) if condition else parent
                total += self.selection_set(selection.selection_set, inner, scope)
            elif isinstance(selection, FragmentSpreadNode):
                total += self.fragment(selection.name.value, scope)
        return total

    def fragment(self, name: str, scope: Scope) -> _Sum:
        key = (name, scope)
        found = self.memo.get(key)
        if found is not None:
            return found
        definition = self.fragments.get(name)
        if definition is None or name in self.open:  # unknown or cyclic: graphql-core reports it
            return _Sum()
        self.open.add(name)
        parent = self.schema.get_type(definition.type_condition.name.value)
        measured = self.selection_set(definition.selection_set, parent, scope)
        self.open.discard(name)
        self.memo[key] = measured
        return measured

    def field(self, node: FieldNode, parent: Any, scope: Scope) -> _Sum:
        name = node.name.value
        alias = 1 if node.alias else 0
        definition = _field_definition(self.schema, parent, name)
        if definition is None:  # unknown: graphql-core refuses it; its shape still counts here
            if node.selection_set is None:
                return _Sum(aliases=alias, fields=1, cost=1.0)
            below = self.selection_set(node.selection_set, None, scope)
            return _Sum(depth=1 + below.depth, aliases=alias, fields=1, cost=1.0) + below
        args = self._arguments(node, definition.args)
        price = self.model.field(self.schema, getattr(parent, "name", ""), name, definition.type, args, scope)
        if node.selection_set is None:
            return _Sum(aliases=alias, fields=1, cost=price.own)
        below = self.selection_set(node.selection_set, get_named_type(definition.type), price.scope)
        counted = 0 if price.scope.introspection else 1
        return _Sum(
            depth=counted + below.depth if counted else 0,
            aliases=min(CEILING, alias + below.aliases),
            fields=min(CEILING, 1 + below.fields),
            cost=min(float(CEILING), price.own + price.items * below.cost),
        )

    def _arguments(self, node: FieldNode, definitions: Mapping[str, Any]) -> dict[str, Any]:
        """Argument values: literals, request variables (else the variable's default), else the
        schema default. Enums come back as names (or members, for schema defaults)."""
        values = {name: arg.default_value for name, arg in definitions.items()}
        for argument in node.arguments or ():
            value = argument.value
            if isinstance(value, VariableNode):
                name = value.name.value
                if name in self.variables:
                    values[argument.name.value] = self.variables[name]
                    continue
                if name not in self.defaults:
                    continue
                value = self.defaults[name]
            values[argument.name.value] = value_from_ast_untyped(value, dict(self.variables))
        return values


def _field_definition(schema: GraphQLSchema, parent: Any, name: str) -> Any:
    if name == "__typename":
        return TypeNameMetaFieldDef
    if parent is schema.query_type and name == "__schema":
        return SchemaMetaFieldDef
    if parent is schema.query_type and name == "__type":
        return TypeMetaFieldDef
    if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
        return parent.fields.get(name)
    return None


def _spreads(document: DocumentNode) -> int:
    count = 0

    class Counter(Visitor):
        def enter_fragment_spread(self, *_: Any) -> None:
            nonlocal count
            count += 1

    visit(document, Counter())
    return count


def _operations(document: DocumentNode, name: str | None) -> Iterator[OperationDefinitionNode]:
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode) and (
            name is None or (definition.name is not None and definition.name.value == name)
        ):
            yield definition


def measure(
    document: DocumentNode,
    schema: GraphQLSchema,
    model: CostModel,
    *,
    variables: Mapping[str, Any] | None = None,
    operation_name: str | None = None,
) -> Measures:
    """The document's measures: the largest depth, aliases, fields and cost among its operations
    (only `operation_name`'s when given), and its fragment definitions and spreads."""
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    worst = _Sum()
    for operation in _operations(document, operation_name):
        root = schema.get_root_type(operation.operation)
        if root is None:
            continue
        defaults = {
            v.variable.name.value: v.default_value
            for v in operation.variable_definitions or ()
            if v.default_value
        }
        walker = _Walker(schema, model, fragments, variables, defaults)
        try:
            measured = walker.selection_set(operation.selection_set, root, Scope())
        except RecursionError:  # nesting the parser allows, through chains of fragments
            measured = _Sum(depth=CEILING, aliases=CEILING, fields=CEILING, cost=float(CEILING))
        worst = _Sum(
            depth=max(worst.depth, measured.depth),
            aliases=max(worst.aliases, measured.aliases),
            fields=max(worst.fields, measured.fields),
            cost=max(worst.cost, measured.cost),
        )
    return Measures(
        depth=worst.depth,
        aliases=worst.aliases,
        fields=worst.fields,
        cost=math.ceil(worst.cost),
        fragments=len(fragments),
        fragment_spreads=_spreads(document),
    )


def structure_errors(document: DocumentNode, limits: LimitSettings) -> list[GraphQLError]:
    """Errors for too many fragment definitions or spreads: counted on the text, before any walk."""
    found = Measures(
        fragments=sum(isinstance(d, FragmentDefinitionNode) for d in document.definitions),
        fragment_spreads=_spreads(document),
    )
    return _over(found, limits, ("fragments", "fragment_spreads"))


def _over(found: Measures, limits: LimitSettings, which: tuple[str, ...]) -> list[GraphQLError]:
    errors = []
    bounds = _bounds(limits)
    values = dataclasses.asdict(found)
    for key in which:
        phrase, setting = LIMITS[key]
        if values[key] > bounds[key]:
            errors.append(limit_error(key, values[key], bounds[key], phrase, setting))
    return errors


def limit_errors(
    document: DocumentNode,
    schema: GraphQLSchema,
    limits: LimitSettings,
    model: CostModel,
    *,
    variables: Mapping[str, Any] | None = None,
    operation_name: str | None = None,
) -> list[GraphQLError]:
    """One error per limit the document exceeds (fragments and spreads first: over those, the
    operations are not walked at all)."""
    errors = structure_errors(document, limits)
    if errors:
        return errors
    found = measure(document, schema, model, variables=variables, operation_name=operation_name)
    return _over(found, limits, ("depth", "aliases", "fields", "cost"))


def document_limits_rule(limits: LimitSettings) -> type[ValidationRule]:
    """A graphql-core validation rule refusing documents over the limits, measured at the root."""
    model = CostModel(limits)

    class DocumentLimitsRule(ValidationRule):
        def enter_document(self, node: DocumentNode, *_: Any) -> Any:
            for error in limit_errors(node, self.context.schema, limits, model):
                self.report_error(error)
            return SKIP

    return DocumentLimitsRule

"""Parsing and validating GraphQL documents: bounded, cached by text, with the document limits.

`DocumentGuard` replaces Strawberry's ParserCache, ValidationCache and MaxTokensLimiter:
  - parse with limits on tokens, comments and characters (a refusal names the limit);
  - validate in two passes: the document limits alone (linear in the document), then graphql-core's
    rules, so a document over a limit never reaches the rules whose cost grows faster;
  - cache the parsed document and the validation outcome by text, in an LRU bounded in entries
    and in characters held (documents too long to cache are parsed and validated every time);
  - when the request has variables, re-measure the executed operation's cost with them;
  - with suggestions hidden (introspection off), no "Did you mean …" in any error.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from graphql import ASTValidationRule, DocumentNode, GraphQLError, GraphQLSyntaxError, parse, validate
from strawberry.extensions import SchemaExtension
from strawberry.schema.validation_rules.maybe_null import MaybeNullValidationRule
from strawberry.schema.validation_rules.one_of import OneOfInputValidationRule

from ..config import LimitSettings
from .cost import CostModel
from .document_limits import CODE, document_limits_rule, limit_error, limit_errors

_SUGGESTION = re.compile(r"\s*Did you mean [^?]*\?")
# The parser's refusals: (its message, the measure, what the query does, the setting)
_PARSER_LIMITS = (
    (re.compile(r"more than \d+ tokens"), "tokens", "holds {} tokens", "max_tokens"),
    (re.compile(r"more than \d+ comments"), "comments", "holds {} comments", "max_tokens"),
    (re.compile(r"more than \d+ code points"), "chars", "is {} characters long", "max_query_chars"),
)


@dataclass
class CachedDocument:
    document: DocumentNode
    rules: tuple[type[ASTValidationRule], ...] | None = None
    errors: list[GraphQLError] = field(default_factory=list)


class DocumentCache:
    """A least-recently-used map from a document's text to its parse and validation, holding at
    most `entries` documents and `chars` characters of text in all; longer texts are not kept."""

    def __init__(self, *, entries: int, chars: int, max_document_chars: int) -> None:
        self.entries = entries
        self.chars = chars
        self.max_document_chars = min(max_document_chars, chars)
        self.held = 0
        self._items: OrderedDict[str, CachedDocument] = OrderedDict()

    def __len__(self) -> int:
        return len(self._items)

    def get(self, text: str) -> CachedDocument | None:
        found = self._items.get(text)
        if found is not None:
            self._items.move_to_end(text)
        return found

    def put(self, text: str, item: CachedDocument) -> None:
        if len(text) > self.max_document_chars or self.entries < 1 or text in self._items:
            return
        self._items[text] = item
        self.held += len(text)
        while len(self._items) > self.entries or self.held > self.chars:
            evicted, _ = self._items.popitem(last=False)
            self.held -= len(evicted)


def _parser_refusal(error: GraphQLSyntaxError, limits: LimitSettings) -> GraphQLError:
    """A parser limit hit, as a coded error naming the limit; any other syntax error unchanged."""
    for pattern, measure, phrase, setting in _PARSER_LIMITS:
        if pattern.search(error.message):
            limit = limits.max_query_chars if measure == "chars" else limits.max_tokens
            return limit_error(measure, limit + 1, limit, phrase, setting, lower_bound=True)
    return error


def without_suggestions(errors: Sequence[GraphQLError]) -> list[GraphQLError]:
    """The errors with any "Did you mean …?" removed from their messages (as new error objects)."""
    out = []
    for e in errors:
        if "Did you mean" not in e.message:
            out.append(e)
            continue
        out.append(
            GraphQLError(
                _SUGGESTION.sub("", e.message),
                nodes=e.nodes,
                source=e.source,
                positions=e.positions,
                path=e.path,
                original_error=e.original_error,
                extensions=e.extensions,
            )
        )
    return out


def document_guard(limits: LimitSettings, *, hide_suggestions: bool) -> Callable[[], SchemaExtension]:
    """A factory of `DocumentGuard` extensions sharing one cache (one per schema)."""
    cache = DocumentCache(
        entries=limits.document_cache_entries,
        chars=limits.document_cache_chars,
        max_document_chars=limits.max_cached_document_chars,
    )
    rule = document_limits_rule(limits)
    model = CostModel(limits)

    def factory() -> SchemaExtension:
        return DocumentGuard(limits, cache, rule, model, hide_suggestions=hide_suggestions)

    return factory


class DocumentGuard(SchemaExtension):
    def __init__(
        self,
        limits: LimitSettings,
        cache: DocumentCache,
        rule: type[ASTValidationRule],
        model: CostModel,
        *,
        hide_suggestions: bool,
    ) -> None:
        self.limits = limits
        self.cache = cache
        self.rule = rule
        self.model = model
        self.hide_suggestions = hide_suggestions
        self.entry: CachedDocument | None = None

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        errors = getattr(result, "errors", None)
        if self.hide_suggestions and errors:
            result.errors = without_suggestions(errors)  # type: ignore[union-attr]

    def on_parse(self) -> Iterator[None]:
        ec = self.execution_context
        text = ec.query
        if ec.graphql_document is None and text:
            self.entry = self.cache.get(text)
            if self.entry is None:
                self.entry = CachedDocument(self._parse(text))
                self.cache.put(text, self.entry)
            ec.graphql_document = self.entry.document
        yield

    def _parse(self, text: str) -> DocumentNode:
        limits = self.limits
        try:
            return parse(
                text,
                max_lexical_tokens=limits.max_tokens,
                max_comments=limits.max_tokens,
                max_source_length=limits.max_query_chars,
            )
        except GraphQLSyntaxError as e:
            raise _parser_refusal(e, limits) from None

    def on_validate(self) -> Iterator[None]:
        ec = self.execution_context
        entry, document = self.entry, ec.graphql_document
        if document is not None and ec.pre_execution_errors is None:
            rules = tuple(ec.validation_rules)
            if entry is None or entry.document is not document:
                entry = CachedDocument(document)
            if entry.rules != rules:
                entry.errors = self._validate(document, rules)
                entry.rules = rules
            errors = entry.errors
            if not errors and ec.variables:
                errors = limit_errors(
                    document,
                    ec.schema._schema,
                    self.limits,
                    self.model,
                    variables=ec.variables,
                    operation_name=ec.operation_name,
                )
            ec.pre_execution_errors = errors
        yield

    def _validate(
        self, document: DocumentNode, rules: tuple[type[ASTValidationRule], ...]
    ) -> list[GraphQLError]:
        schema = self.execution_context.schema._schema
        errors = validate(schema, document, [self.rule])
        if errors:
            return errors
        return validate(
            schema,
            document,
            [*rules, MaybeNullValidationRule, OneOfInputValidationRule],
            hide_suggestions=self.hide_suggestions,
        )


__all__ = ["CODE", "DocumentCache", "DocumentGuard", "document_guard", "without_suggestions"]

"""Counts every executed GraphQL operation by its root fields and outcome (`analytics_graphql_operations_total`)."""

from __future__ import annotations

from collections.abc import Iterator

from strawberry.extensions import SchemaExtension

from .. import metrics
from .response_cache import operation_label, root_fields, selected_operation


class OperationMetrics(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        yield
        ec = self.execution_context
        result = ec.result
        if ec.pre_execution_errors:
            metrics.graphql_operation("invalid", "invalid")
            return
        document = ec.graphql_document
        operation = selected_operation(document, ec.operation_name) if document is not None else None
        label = operation_label(root_fields(document, operation)) if document and operation else "unknown"
        errors = getattr(result, "errors", None)
        metrics.graphql_operation(label, "error" if errors else "ok")

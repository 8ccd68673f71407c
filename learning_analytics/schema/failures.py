"""Unexpected failures in GraphQL: logged once with their traceback and request id, masked for the client.

Errors we raise on purpose (a GraphQLError such as `bad_argument`, a DomainError) and GraphQL's own
(syntax, validation, variables) reach the client as they are and are logged at DEBUG: they are the
client's mistakes. Anything else is a bug: the client sees "Unexpected error." with
`extensions.code = "INTERNAL_SERVER_ERROR"` and the `requestId` that finds the logged traceback.
"""

from __future__ import annotations

import logging

import strawberry
from graphql import GraphQLError
from strawberry.extensions import MaskErrors
from strawberry.types import ExecutionContext

from ..domain.errors import DomainError
from ..edge.request_id import current_request_id
from ..resolvers.runtime import DatabaseBusy

log = logging.getLogger("learning_analytics.errors")

INTERNAL_CODE = "INTERNAL_SERVER_ERROR"


def is_unexpected(error: GraphQLError) -> bool:
    """Hide internals: only errors we raised on purpose, GraphQL's own, or a busy database (the view
    answers it with 503 and SERVICE_BUSY; `storage.db` logged it in one line) reach the client."""
    original = error.original_error
    return original is not None and not isinstance(original, GraphQLError | DomainError | DatabaseBusy)


class MaskUnexpectedErrors(MaskErrors):
    def __init__(self) -> None:
        super().__init__(should_mask_error=is_unexpected, error_message="Unexpected error.")

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        return GraphQLError(
            message=self.error_message,
            nodes=error.nodes,
            source=error.source,
            positions=error.positions,
            path=error.path,
            original_error=None,
            extensions={"code": INTERNAL_CODE, "requestId": current_request_id()},
        )


class Schema(strawberry.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        """Called with the original errors, before masking."""
        operation = execution_context.operation_name if execution_context else None
        for error in errors:
            if is_unexpected(error):
                log.error(
                    "unexpected error in GraphQL operation %s at %s (request id %s): %s",
                    operation or "(anonymous)",
                    ".".join(str(p) for p in error.path or ()) or "(operation)",
                    current_request_id(),
                    error.message,
                    exc_info=error.original_error,
                )
            else:
                log.debug("GraphQL request error (request id %s): %s", current_request_id(), error.message)

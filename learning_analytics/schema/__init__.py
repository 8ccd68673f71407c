"""The Strawberry GraphQL schema: types, inputs, error unions, root Query and Mutation."""

from .root import build_schema, schema

__all__ = ["build_schema", "schema"]

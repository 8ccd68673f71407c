"""The Strawberry GraphQL schema: one module per area (types and root fields), merged in `root`."""

from .root import build_schema, schema

__all__ = ["build_schema", "schema"]

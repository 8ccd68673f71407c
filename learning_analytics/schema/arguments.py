"""Arguments as the client wrote them: whether a field's argument was given at all."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.types.nodes import SelectedField


def given(info: strawberry.Info[Any, Any], name: str) -> bool:
    """True when the operation gives the argument `name` (its GraphQL name) a value: a literal, or a
    variable the request supplied. Omitted, null or an unsupplied variable is not given, so the
    resolver can use a configured default while the schema shows the contract's."""
    return any(
        isinstance(field, SelectedField) and field.arguments.get(name) is not None
        for field in info.selected_fields
    )

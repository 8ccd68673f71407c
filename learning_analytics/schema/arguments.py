"""Field arguments: the rules every resolver with arguments follows (`argument_rules`), nullable
arguments with a default (`OrDefault`), and whether the client gave an argument at all (`given`)."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any, Optional, TypeVar

import strawberry
from strawberry.types.nodes import SelectedField

from ..domain.errors import InvalidInput
from .errors import bad_argument

T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])

if TYPE_CHECKING:
    OrDefault = Annotated[T, "nullable in the schema; null takes the declared default"]
else:
    # The schema shows the argument nullable with its default (`period: Period = LAST_30_DAYS`);
    # `argument_rules` replaces an explicit null by that default, so the body always sees a value.
    OrDefault = Optional


def argument_rules(resolver: F) -> F:
    """A resolver that follows the schema's argument rules: an argument given as null takes its declared
    default (the one the schema shows; an argument whose default is null or unset stays as given), and
    an InvalidInput becomes a `BAD_USER_INPUT` error naming the argument (`errors.bad_argument`).

    The wrapper keeps the resolver's signature (`functools.wraps`), which Strawberry reads for the
    field's arguments, their types and defaults."""
    defaults = {
        name: p.default
        for name, p in inspect.signature(resolver).parameters.items()
        if p.default is not inspect.Parameter.empty
        and p.default is not None
        and p.default is not strawberry.UNSET
    }

    def with_defaults(kwargs: dict[str, Any]) -> dict[str, Any]:
        return {**kwargs, **{n: d for n, d in defaults.items() if n in kwargs and kwargs[n] is None}}

    if inspect.iscoroutinefunction(resolver):

        @functools.wraps(resolver)
        async def resolve_async(*args: Any, **kwargs: Any) -> Any:
            try:
                return await resolver(*args, **with_defaults(kwargs))
            except InvalidInput as e:
                raise bad_argument(e) from e

        return resolve_async  # type: ignore[return-value]

    @functools.wraps(resolver)
    def resolve(*args: Any, **kwargs: Any) -> Any:
        try:
            return resolver(*args, **with_defaults(kwargs))
        except InvalidInput as e:
            raise bad_argument(e) from e

    return resolve  # type: ignore[return-value]


def given(info: strawberry.Info[Any, Any], name: str) -> bool:
    """True when the operation gives the argument `name` (its GraphQL name) a value: a literal, or a
    variable the request supplied. Omitted, null or an unsupplied variable is not given, so the
    resolver can use a configured default while the schema shows the contract's."""
    return any(
        isinstance(field, SelectedField) and field.arguments.get(name) is not None
        for field in info.selected_fields
    )


def selected(info: strawberry.Info[Any, Any], *path: str) -> bool:
    """Whether the operation selects the field at `path` (GraphQL names) below the current field,
    through fragments too: a resolver can then skip reading what nobody asked for."""

    def walk(selections: Any, rest: tuple[str, ...]) -> bool:
        if not rest:
            return True
        for s in selections:
            if isinstance(s, SelectedField):
                if s.name == rest[0] and walk(s.selections, rest[1:]):
                    return True
            elif walk(getattr(s, "selections", ()), rest):  # a fragment spread or inline fragment
                return True
        return False

    return any(walk(field.selections, path) for field in info.selected_fields)

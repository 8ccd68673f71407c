"""The `Info` alias that resolvers receive."""

from __future__ import annotations

import strawberry

from ..resolvers.context import Context

Info = strawberry.Info[Context, None]

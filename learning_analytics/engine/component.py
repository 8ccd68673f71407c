"""What every component shares: its engine, `initialize`, and the learner a call is about."""

from __future__ import annotations

from ..resolvers.context import Context
from .analytics_config import AnalyticsEngineConfig
from .core import AnalyticsEngine, default_engine


class Component:
    """A component on an engine: the one of `config`, `engine` itself, or else the shared engine
    (looked up at each call, so `configure()` reaches components made before it)."""

    def __init__(
        self, config: AnalyticsEngineConfig | None = None, *, engine: AnalyticsEngine | None = None
    ) -> None:
        if engine is None and config is not None:
            engine = AnalyticsEngine(config)
        self._engine = engine

    @property
    def engine(self) -> AnalyticsEngine:
        return self._engine or default_engine()

    @property
    def config(self) -> AnalyticsEngineConfig:
        return self.engine.config

    async def initialize(self) -> None:
        """Open the database (migrating its schema), fold the events not yet in the rollups and
        evaluate the goals and achievements they moved. Calling it again is harmless."""
        await self.engine.refresh()

    async def close(self) -> None:
        """Close the database connections of the running event loop (they close with the loop anyway)."""
        await self.engine.close()

    async def _ctx(self, user_id: str | None) -> Context:
        return await self.engine.context(user_id)

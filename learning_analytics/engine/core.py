"""One engine shared by the components: the settings, a runtime per event loop, learners and contexts.

A runtime's connection pools belong to the event loop that opened them, and `asyncio.run` starts a
new loop each time: the engine opens one runtime per running loop and closes it when that loop
shuts its async generators down (as `asyncio.run` does before closing it)."""

from __future__ import annotations

import asyncio
import time
import weakref
from collections.abc import AsyncIterator, Callable

from ..config import Settings
from ..domain.errors import InvalidInput
from ..domain.ingest_checks import check_id
from ..domain.models import User
from ..resolvers import auth, database, evaluation, rollups, users
from ..resolvers.context import Context, build_context
from ..resolvers.ingest import ingest_limits
from ..resolvers.runtime import Runtime, open_database, response_cache
from .analytics_config import AnalyticsEngineConfig


async def _held(settings: Settings, *, upgrade: bool, forget: Callable[[], object]) -> AsyncIterator[Runtime]:
    # An async generator, so that the loop's `shutdown_asyncgens` closes the runtime with the loop.
    # (Not `open_runtime`: its own generator would be closed by the loop at the same time.)
    runtime = Runtime(
        settings=settings, db=open_database(settings), cache=response_cache(settings, url=settings.cache_url)
    )
    try:
        if upgrade:
            await database.upgrade(runtime)
        yield runtime
    finally:
        # The generator holds its loop (through the loop's finalizer): drop the entry that holds it.
        forget()
        await runtime.cache.close()
        await runtime.db.dispose()


# The users table's id column (VARCHAR(64)).
USER_ID_MAX = 64


class AnalyticsEngine:
    """The database and settings behind the components. `AnalyticsEngine()` is the service's default
    database (`LA_DATABASE_URL`, else `learning_analytics.db`); `AnalyticsEngine(config)` that of an
    `AnalyticsEngineConfig`; `AnalyticsEngine.from_runtime(runtime)` shares a running service's
    runtime (e.g. `app.state.runtime`), its response cache included."""

    def __init__(self, config: AnalyticsEngineConfig | None = None) -> None:
        self.config = config or AnalyticsEngineConfig()
        self.settings = self.config.to_settings()
        self._runtimes: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, tuple[Runtime, object]] = (
            weakref.WeakKeyDictionary()
        )
        self._fixed: Runtime | None = None
        self._migrated = False
        self._users: dict[str, tuple[float, User]] = {}
        # Moves whenever data changes through the engine: answers reused by a component expire with it.
        self.generation = 0

    @classmethod
    def from_runtime(cls, runtime: Runtime) -> AnalyticsEngine:
        """An engine on a runtime someone else owns (and closes), e.g. the HTTP app's."""
        engine = cls(AnalyticsEngineConfig(runtime.settings))
        engine.settings = runtime.settings
        engine._fixed = runtime
        return engine

    async def runtime(self) -> Runtime:
        """The runtime of the running event loop, opened (and the schema migrated, the first time) on
        first use in that loop."""
        if self._fixed is not None:
            return self._fixed
        loop = asyncio.get_running_loop()
        found = self._runtimes.get(loop)
        if found is None:
            keeper = _held(
                self.settings, upgrade=not self._migrated, forget=lambda: self._runtimes.pop(loop, None)
            )
            runtime = await keeper.__anext__()
            self._migrated = True
            found = (runtime, keeper)
            self._runtimes[loop] = found
        return found[0]

    async def close(self) -> None:
        """Close the running loop's runtime now (the next call opens another)."""
        found = self._runtimes.pop(asyncio.get_running_loop(), None)
        if found is not None:
            keeper = found[1]
            assert hasattr(keeper, "aclose")
            await keeper.aclose()

    async def context(self, user_id: str | None = None) -> Context:
        """A use case context for `user_id` (created on first use), or for the default user."""
        runtime = await self.runtime()
        now = runtime.clock()
        if user_id is None:
            user = await auth.single_user(runtime)
        else:
            if not isinstance(user_id, str):
                raise InvalidInput(f"user_id is a string, got {type(user_id).__name__}", field="user_id")
            check_id(user_id.strip(), field="user_id", limits=ingest_limits(runtime.settings))
            if len(user_id) > USER_ID_MAX:
                raise InvalidInput(f"a learner id is at most {USER_ID_MAX} characters", field="user_id")
            # Known for `LA_KEY_CACHE_SECONDS`, as the service trusts a key it checked: not one write per call.
            known = self._users.get(user_id)
            if known is not None and known[0] > time.monotonic():
                user = known[1]
            else:
                user = await users.ensure_learner(runtime, user_id=user_id, now=now)
                self._users[user_id] = (time.monotonic() + runtime.settings.key_cache_seconds, user)
        return build_context(runtime, user, now=now)

    async def refresh(self) -> int:
        """Fold the events not yet in the rollups, then evaluate the goals and achievements of the
        learners they moved, as the service's scheduler does; returns how many learners moved."""
        runtime = await self.runtime()
        now = runtime.clock()
        folded = await rollups.fold(runtime, now=now)
        moved = list(folded.learners)
        self.generation += 1
        if moved:
            await evaluation.evaluate_learners(runtime, now=now, user_ids=moved)
        return len(moved)


_default: AnalyticsEngine | None = None


def default_engine() -> AnalyticsEngine:
    """The engine components share when given neither a config nor an engine."""
    global _default
    if _default is None:
        _default = AnalyticsEngine()
    return _default


def configure(config: AnalyticsEngineConfig | None = None) -> AnalyticsEngine:
    """Replace the shared engine: components made afterwards without a config or an engine use this
    configuration (None: the `LA_*` settings as they are now)."""
    global _default
    _default = AnalyticsEngine(config)
    return _default

"""A server process keeps what start-up built out of the collector's full passes."""

from __future__ import annotations

import gc

from learning_analytics.app import create_served_app
from learning_analytics.config import Settings


def test_the_served_app_freezes_the_objects_alive_at_start_up_and_no_garbage() -> None:
    gc.unfreeze()
    cycle: list[object] = []
    cycle.append(cycle)  # garbage in a cycle, which only the collector frees
    del cycle
    try:
        create_served_app(Settings(database_url="sqlite+aiosqlite:///unused.db", scheduler=False))
        frozen = gc.get_freeze_count()
        garbage_frozen = any(
            isinstance(o, list) and len(o) == 1 and o[0] is o for o in gc.get_objects(generation=None)
        )
    finally:
        gc.unfreeze()
    # The imported modules, the schema and the app: far more than a collection should walk per pass.
    assert frozen > 50_000
    assert not garbage_frozen

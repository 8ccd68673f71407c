"""The engine refuses what the API refuses, with the same typed error naming the argument, before
any work: unbounded horizons and spans, learner ids the service could not store, unknown metrics."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from learning_analytics.config import Settings
from learning_analytics.domain.errors import InvalidInput
from learning_analytics.engine import (
    AnalyticsEngine,
    AnalyticsEngineConfig,
    DashboardService,
    ProgressTracker,
    TrendAnalyzer,
)
from learning_analytics.storage import users


@pytest.fixture
async def engine(settings: Settings) -> AsyncIterator[AnalyticsEngine]:
    made = AnalyticsEngine(AnalyticsEngineConfig(settings))
    yield made
    await made.close()


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda e: TrendAnalyzer(engine=e).forecast([1.0, 2.0, 3.0], days=10**8), "days"),
        (lambda e: TrendAnalyzer(engine=e).forecast([1.0, 2.0, 3.0], days=-1), "days"),
        (lambda e: TrendAnalyzer(engine=e).get_trend("bogus"), "metric"),
        (lambda e: DashboardService(engine=e).get_progress_chart_data(days=10**7), "days"),
        (lambda e: DashboardService(engine=e).get_activity_heatmap(weeks=-1), "days"),
        (lambda e: ProgressTracker(engine=e).get_overall_progress(user_id="a\x00b"), "user_id"),
        (lambda e: ProgressTracker(engine=e).get_overall_progress(user_id="   "), "user_id"),
        (lambda e: ProgressTracker(engine=e).get_overall_progress(user_id="x" * 65), "user_id"),
        (lambda e: ProgressTracker(engine=e).get_overall_progress(user_id=5), "user_id"),
    ],
)
async def test_a_bad_argument_is_an_invalid_input_naming_it(
    engine: AnalyticsEngine, call: Any, field: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        await call(engine)
    assert refused.value.field == field


async def test_a_refused_learner_id_creates_no_learner(engine: AnalyticsEngine) -> None:
    tracker = ProgressTracker(engine=engine)
    with pytest.raises(InvalidInput):
        await tracker.get_overall_progress(user_id="a\x00b")
    ok = await tracker.get_overall_progress(user_id="learner-1")
    stored = {u.id for u in await users.list_users((await engine.runtime()).db)}

    assert ok.user_id == "learner-1" and ok.sessions_count == 0
    assert "learner-1" in stored and "a\x00b" not in stored

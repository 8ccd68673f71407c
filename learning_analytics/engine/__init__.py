"""The analytics engine as Python components, in the implementation guide's names: a thin layer over the
use cases the GraphQL API runs, so every number is the API's.

    from learning_analytics.engine import ProgressTracker
    tracker = ProgressTracker()
    await tracker.initialize()
    metrics = await tracker.get_overall_progress()
"""

from __future__ import annotations

from .achievements import AchievementSystem
from .analytics_config import AnalyticsEngineConfig
from .core import AnalyticsEngine, configure, default_engine
from .dashboard import DashboardData, DashboardService
from .export_service import ExportFile, ExportService, ReportPeriod
from .goal_models import AchievementCategory, GoalStatus, GoalType, UpdateGoalRequest
from .goal_tracker import GoalTracker
from .insights import Insight, InsightsEngine
from .progress_models import (
    DailyProgress,
    LearningStreak,
    ProgressMetrics,
    SessionProgress,
    TopicMastery,
)
from .tracker import ProgressTracker
from .trends import TrendAnalyzer

# The guide's shared progress tracker (`from app.analytics import progress_tracker`), on the shared engine.
progress_tracker = ProgressTracker()

__all__ = [
    "AchievementCategory",
    "AchievementSystem",
    "AnalyticsEngine",
    "AnalyticsEngineConfig",
    "DailyProgress",
    "DashboardData",
    "DashboardService",
    "ExportFile",
    "ExportService",
    "GoalStatus",
    "GoalTracker",
    "GoalType",
    "Insight",
    "InsightsEngine",
    "LearningStreak",
    "ProgressMetrics",
    "ProgressTracker",
    "ReportPeriod",
    "SessionProgress",
    "TopicMastery",
    "TrendAnalyzer",
    "UpdateGoalRequest",
    "configure",
    "default_engine",
    "progress_tracker",
]

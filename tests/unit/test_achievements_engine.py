"""Achievements: idempotent unlocks, next achievements, stats, holders, insights, and the snapshot facts."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from learning_analytics.domain.achievements import (
    BY_ID,
    CATALOG,
    Achievement,
    AchievementCategory,
    Fact,
    LearnerSnapshot,
    Rarity,
    achievement_stats,
    achievement_statuses,
    at_least,
    calendar_facts,
    check_achievements,
    holders_percent,
    hour_counts,
    learner_snapshot,
    next_achievements,
    unlock_insight,
)
from learning_analytics.domain.goals import (
    GoalDraft,
    GoalEvent,
    GoalEventKind,
    GoalType,
    create_goal,
    goal_event_insight,
)
from learning_analytics.domain.insights import InsightType
from learning_analytics.domain.periods import Granularity
from learning_analytics.domain.rollups import Bucket, Moments
from learning_analytics.domain.streaks import Streak

NOW = datetime(2026, 3, 10, 21, tzinfo=UTC)
C, R = AchievementCategory, Rarity


def test_nothing_is_unlocked_for_a_learner_who_did_nothing() -> None:
    result = check_achievements(LearnerSnapshot(), set(), now=NOW)

    assert result.newly_unlocked == () and result.total_points_earned == 0


def test_a_first_session_unlocks_first_steps_once() -> None:
    snapshot = LearnerSnapshot(total_sessions=1, active_days=1)

    first = check_achievements(snapshot, set(), now=NOW)
    again = check_achievements(
        snapshot, {u.achievement.id for u in first.newly_unlocked}, now=NOW + timedelta(hours=1)
    )

    assert [(u.achievement.id, u.unlocked_at) for u in first.newly_unlocked] == [("first_session", NOW)]
    assert first.total_points_earned == 10
    assert again.newly_unlocked == () and again.total_points_earned == 0


def test_unlocks_come_in_catalog_order_with_their_points() -> None:
    snapshot = LearnerSnapshot(total_sessions=12, longest_streak=7, current_streak=7, late_night_sessions=1)

    result = check_achievements(snapshot, {"first_session"}, now=NOW)

    assert [u.achievement.id for u in result.newly_unlocked] == [
        "streak_3",
        "streak_7",
        "sessions_10",
        "night_owl",
    ]
    assert result.total_points_earned == 10 + 25 + 10 + 25


def test_an_unlock_survives_a_fact_that_left_the_window() -> None:
    statuses = achievement_statuses(
        LearnerSnapshot(), {"night_owl": NOW}, category=C.SPECIAL, only_unlocked=True
    )

    assert [(s.achievement.id, s.unlocked, s.unlocked_at, s.progress.percent) for s in statuses] == [
        ("night_owl", True, NOW, 100.0)
    ]
    assert (
        check_achievements(LearnerSnapshot(late_night_sessions=2), {"night_owl"}, now=NOW).newly_unlocked
        == ()
    )


def test_statuses_filter_by_category_and_lock_and_show_holder_shares() -> None:
    snapshot = LearnerSnapshot(total_sessions=25)
    statuses = achievement_statuses(
        snapshot,
        {"first_session": NOW, "sessions_10": NOW},
        category=C.SESSIONS,
        only_unlocked=False,
        holders={"sessions_50": 3},
        population=12,
    )

    assert [s.achievement.id for s in statuses] == [
        "sessions_50",
        "sessions_100",
        "sessions_500",
        "sessions_1000",
        "marathon_session",
        "hundred_hours",
    ]
    assert statuses[0].progress.percent == 50.0  # 25 of 50
    assert statuses[0].holders_percent == 25.0
    assert statuses[1].holders_percent == 0.0


def tiny(id: str, rarity: Rarity, fact: Fact, threshold: float) -> Achievement:
    return Achievement(id, id, f"{id}.", C.SPECIAL, rarity, "x", at_least(fact, threshold))


def test_next_achievements_are_the_nearest_then_the_commoner_then_catalog_order() -> None:
    catalog = (
        tiny("far", R.COMMON, Fact.TOTAL_SESSIONS, 100),  # 10 %
        tiny("near_rare", R.RARE, Fact.TOTAL_SESSIONS, 12.5),  # 80 %
        tiny("near_common", R.COMMON, Fact.TOTAL_EXCHANGES, 50),  # 80 %
        tiny("near_common_too", R.COMMON, Fact.ACTIVE_DAYS, 5),  # 80 %
        tiny("held", R.COMMON, Fact.TOTAL_SESSIONS, 1),
        tiny("half", R.LEGENDARY, Fact.COMEBACKS, 2),  # 50 %
    )
    snapshot = LearnerSnapshot(total_sessions=10, total_exchanges=40, active_days=4, comebacks=1)

    upcoming = next_achievements(snapshot, {"held"}, limit=4, catalog=catalog)

    assert [(a.id, p.percent) for a, p in upcoming] == [
        ("near_common", 80.0),
        ("near_common_too", 80.0),
        ("near_rare", 80.0),
        ("half", 50.0),
    ]
    assert next_achievements(snapshot, set(), limit=0, catalog=catalog) == []


def test_next_achievements_of_the_real_catalog_skip_the_unlocked() -> None:
    snapshot = LearnerSnapshot(total_sessions=9, total_exchanges=80, longest_streak=2, active_days=9)

    upcoming = next_achievements(snapshot, {"first_session"}, limit=3)

    assert [(a.id, round(p.percent, 2)) for a, p in upcoming] == [
        ("sessions_10", 90.0),
        ("exchanges_100", 80.0),
        ("streak_3", 66.67),
    ]


def test_stats_count_unlocked_points_completion_and_breakdowns() -> None:
    stats = achievement_stats({"first_session", "streak_3", "sessions_100", "not_in_catalog"})

    assert (stats.total_achievements, stats.unlocked_count, stats.total_points) == (
        len(CATALOG),
        3,
        10 + 10 + 50,
    )
    assert stats.completion_percent == pytest.approx(3 / len(CATALOG) * 100)
    assert stats.available_points == sum(a.points for a in CATALOG)
    rarity = {c.key: (c.count, c.total) for c in stats.by_rarity}
    category = {c.key: (c.count, c.total) for c in stats.by_category}
    assert [c.key for c in stats.by_rarity] == ["common", "uncommon", "rare", "epic", "legendary"]
    assert (rarity["common"][0], rarity["rare"][0], rarity["epic"][0]) == (2, 1, 0)
    assert sum(total for _, total in rarity.values()) == len(CATALOG)
    assert [c.key for c in stats.by_category] == [c.value for c in AchievementCategory]
    assert (category["streak"][0], category["sessions"][0], category["goals"][0]) == (1, 2, 0)


def test_holders_percent_is_the_real_share_of_learners() -> None:
    assert holders_percent(3, 12) == 25.0
    assert holders_percent(0, 5) == 0.0
    assert holders_percent(0, 0) is None
    with pytest.raises(ValueError):
        holders_percent(5, 4)


# ---- insights: an unlock and a goal event are MILESTONE insights linking to the dashboard


def test_an_unlock_yields_a_milestone_insight_with_a_stable_id_and_a_link() -> None:
    result = check_achievements(LearnerSnapshot(late_night_sessions=1), set(), now=NOW)
    (unlock,) = result.newly_unlocked

    insight = unlock_insight(unlock, user_id="u1", local_day=date(2026, 3, 10))
    other_day = unlock_insight(unlock, user_id="u1", local_day=date(2026, 3, 11))

    assert insight.type is InsightType.MILESTONE
    assert insight.action_url == "/?view=achievements&id=night_owl"
    assert insight.id == other_day.id != unlock_insight(unlock, user_id="u2", local_day=date(2026, 3, 10)).id
    assert insight.id.startswith("ins_") and len(insight.id) == 20
    assert insight.data["points"] == 25 and insight.icon == BY_ID["night_owl"].icon
    assert insight.generated_at == NOW and insight.expires_at == NOW + timedelta(days=14)


def test_a_goal_completion_yields_an_insight_linking_to_the_goal() -> None:
    g = create_goal(
        GoalDraft(title="Reach 10", goal_type=GoalType.SESSIONS, target_value=10),
        goal_id="g7",
        now=NOW,
        tz=ZoneInfo("UTC"),
    )
    done = GoalEvent(GoalEventKind.COMPLETED, "g7", NOW, g.period, 10.0, 100.0)
    rolled = GoalEvent(GoalEventKind.ROLLED_OVER, "g7", NOW, g.period, 0.0, 0.0)

    insight = goal_event_insight(done, g, user_id="u1", now=NOW)

    assert insight is not None and insight.action_url == "/?view=goals&id=g7"
    assert insight.type is InsightType.MILESTONE and insight.rule == "goal_completed"
    assert goal_event_insight(rolled, g, user_id="u1", now=NOW) is None


# ---- the snapshot's facts, from what storage reads


def test_calendar_facts_worked_by_hand() -> None:
    perfect = [date(2026, 3, 2) + timedelta(days=i) for i in range(7)]  # Monday 2 .. Sunday 8 March
    shifted = [date(2026, 3, 3) + timedelta(days=i) for i in range(7)]  # Tuesday .. Monday

    assert calendar_facts(perfect).perfect_weeks == 1
    assert calendar_facts(shifted).perfect_weeks == 0
    assert calendar_facts([date(2026, 3, 7), date(2026, 3, 8)]).full_weekends == 1  # Saturday + Sunday
    assert calendar_facts([date(2026, 3, 8), date(2026, 3, 9)]).full_weekends == 0  # Sunday + Monday
    assert calendar_facts([date(2026, 3, 1), date(2026, 3, 9)]).comebacks == 1  # 2..8 missed: 7 days
    assert calendar_facts([date(2026, 3, 1), date(2026, 3, 8)]).comebacks == 0  # 6 days
    assert calendar_facts([date(2026, 3, 1), date(2026, 3, 1)]).active_days == 1


def hour(h: int, sessions: int) -> Bucket:
    return Bucket(granularity=Granularity.HOUR, day=date(2026, 3, 9), hour=h, sessions=sessions)


def test_late_and_early_sessions_come_from_the_local_hours() -> None:
    late, early = hour_counts([hour(22, 2), hour(23, 1), hour(21, 5), hour(6, 1), hour(7, 3), hour(0, 1)])

    assert (late, early) == (3, 2)


def day(
    d: int,
    *,
    sessions: int,
    exchanges: int,
    minutes: float,
    q_n: int = 0,
    q_sum: float = 0.0,
    feedback: int = 0,
) -> Bucket:
    return Bucket(
        granularity=Granularity.DAY,
        day=date(2026, 3, d),
        sessions=sessions,
        exchanges=exchanges,
        minutes=minutes,
        quality=Moments(n=q_n, total=q_sum, sumsq=0.0, min=None, max=None),
        feedback=feedback,
    )


def test_the_snapshot_from_rollups_worked_by_hand() -> None:
    daily = [
        day(2, sessions=2, exchanges=30, minutes=90, q_n=10, q_sum=9.2, feedback=3),  # a 0.92 day of 10
        day(3, sessions=1, exchanges=12, minutes=45.5, q_n=12, q_sum=9.6),  # 0.80
        day(5, sessions=3, exchanges=55, minutes=130, q_n=8, q_sum=7.6, feedback=1),  # 0.95 but 8 scored
    ]
    streak = Streak(
        current=1,
        longest=2,
        last_active_date=date(2026, 3, 5),
        started_on=date(2026, 3, 5),
        today_complete=True,
        freezes_available=0,
        frozen_days=(date(2026, 3, 4),),
    )

    s = learner_snapshot(
        daily=daily,
        active_days=[b.day for b in daily],
        recent_hourly=[hour(23, 1), hour(5, 2)],
        streak=streak,
        mastery_scores=[0.1, 0.45, 0.65, 0.8],
        unique_topics=4,
        goals_completed=2,
        longest_session_minutes=75.0,
    )

    assert (s.total_sessions, s.total_exchanges, s.total_minutes) == (6, 97, 265.5)
    assert s.scored_exchanges == 30
    assert s.avg_quality == pytest.approx((9.2 + 9.6 + 7.6) / 30)  # 0.88
    assert s.high_quality_days == 1
    assert (s.feedback_given, s.most_exchanges_in_a_day, s.most_minutes_in_a_day) == (4, 55, 130)
    assert (s.active_days, s.current_streak, s.longest_streak, s.frozen_days) == (3, 1, 2, 1)
    assert (s.unique_topics, s.proficient_topics, s.expert_topics) == (4, 3, 1)
    assert (s.late_night_sessions, s.early_morning_sessions, s.goals_completed) == (1, 2, 2)
    assert s.longest_session_minutes == 75.0


def test_insight_links_open_only_the_dashboards_views() -> None:
    from learning_analytics.domain.insights.support import DASHBOARD_VIEWS, dashboard_url

    assert {"goals", "achievements", "progress", "topics", "insights", "quality"} == DASHBOARD_VIEWS
    assert dashboard_url("quality", period="30d") == "/?view=quality&period=30d"
    with pytest.raises(ValueError, match="no dashboard view 'trends'"):
        dashboard_url("trends")

"""Milestone insights: sessions, exchanges, streak days and topics crossed in the last 7 days."""

from __future__ import annotations

from datetime import date

from insight_fixtures import ago, day, evaluate, inputs, one, topic

from learning_analytics.domain.insights import Importance, InsightType, LifetimeTotals, TopicPair
from learning_analytics.domain.rollups import Bucket
from learning_analytics.domain.streaks import Streak


def last_week(*, sessions: int = 1, exchanges: int = 10) -> list[Bucket]:
    return [day(ago(i), sessions=sessions, exchanges=exchanges) for i in range(7)]


def test_crossing_100_sessions_this_week_is_a_high_milestone_on_the_day_it_happened() -> None:
    totals = LifetimeTotals(sessions=102, exchanges=700)  # 95 before the week, one a day since

    insight = one("session_milestone", inputs(daily=last_week(), totals=totals))

    assert insight.title == "100 learning sessions completed!"
    assert insight.type is InsightType.MILESTONE
    assert insight.importance is Importance.HIGH
    assert insight.icon == "trophy"
    assert insight.description == (
        "Congratulations! You've completed 100 learning sessions (reached on Mar 13; 102 in total)."
    )
    assert insight.fact_day == ago(2)
    assert insight.data == {"milestone": 100, "total": 102, "reached_on": "2026-03-13", "next_milestone": 250}


def test_99_sessions_is_no_milestone() -> None:
    assert evaluate("session_milestone", inputs(daily=last_week(), totals=LifetimeTotals(sessions=99))) == []


def test_a_milestone_crossed_before_the_week_is_not_repeated() -> None:
    assert evaluate("session_milestone", inputs(daily=last_week(), totals=LifetimeTotals(sessions=108))) == []


def test_crossing_1000_exchanges_today_is_a_medium_milestone() -> None:
    insight = one("exchange_milestone", inputs(daily=last_week(), totals=LifetimeTotals(exchanges=1003)))

    assert insight.title == "1000 exchanges with your tutor!"
    assert insight.importance is Importance.MEDIUM
    assert insight.fact_day == ago(0)
    assert insight.data["next_milestone"] == 5000
    assert (
        evaluate("exchange_milestone", inputs(daily=last_week(), totals=LifetimeTotals(exchanges=999))) == []
    )


def streak(current: int, started_on: date, frozen: tuple[date, ...] = ()) -> Streak:
    return Streak(
        current=current,
        longest=current,
        last_active_date=ago(0),
        started_on=started_on,
        today_complete=True,
        freezes_available=0,
        frozen_days=frozen,
    )


def test_a_7_day_streak_reached_yesterday_is_a_high_milestone() -> None:
    insight = one("streak_milestone", inputs(streak=streak(8, ago(7))))

    assert insight.title == "7-day learning streak achieved!"
    assert insight.importance is Importance.HIGH
    assert insight.icon == "fire"
    assert insight.description == "7-day learning streak achieved on Mar 14! Your current streak is 8 days."
    assert insight.data == {
        "milestone": 7,
        "current_streak": 8,
        "longest_streak": 8,
        "reached_on": "2026-03-14",
        "next_milestone": 14,
    }


def test_a_6_day_streak_is_no_milestone() -> None:
    assert evaluate("streak_milestone", inputs(streak=streak(6, ago(5)))) == []


def test_the_largest_streak_milestone_of_the_week_wins() -> None:
    insight = one("streak_milestone", inputs(streak=streak(20, ago(19))))

    assert insight.data["milestone"] == 14
    assert insight.fact_day == ago(6)


def test_frozen_days_do_not_count_towards_a_streak_milestone() -> None:
    insight = one("streak_milestone", inputs(streak=streak(8, ago(8), frozen=(ago(5),))))

    assert insight.data["reached_on"] == ago(1).isoformat()


def test_the_fifth_topic_this_week_unlocks_a_topic_milestone_naming_it() -> None:
    topics = [topic(name, first_day=ago(30 + i)) for i, name in enumerate(("python", "git", "sql", "docker"))]
    topics.append(topic("rust", first_day=ago(2)))
    pairs = [TopicPair("rust", "python", 3), TopicPair("git", "rust", 1), TopicPair("git", "sql", 4)]

    insight = one("topic_milestone", inputs(topics=topics, pairs=pairs))

    assert insight.title == "5 topics explored!"
    assert insight.importance is Importance.MEDIUM
    assert insight.icon == "map"
    assert insight.description == (
        "New topic unlocked: 'rust' (2 related topics). That makes 5 topics explored (5 in total)."
    )
    assert insight.data["topic"] == "rust"
    assert insight.data["related_topics"] == 2
    assert insight.action_url == "/?view=topics&topic=rust"


def test_four_topics_is_no_topic_milestone() -> None:
    topics = [topic(name, first_day=ago(1)) for name in ("python", "git", "sql", "docker")]

    assert evaluate("topic_milestone", inputs(topics=topics)) == []

"""Unit tests of the streak computation: runs, the grace period and freezes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from learning_analytics.domain.streaks import compute_streak

GRACE = timedelta(hours=36)


def run(first: date, length: int) -> list[date]:
    return [first + timedelta(days=i) for i in range(length)]


def test_no_active_days_is_an_empty_streak() -> None:
    streak = compute_streak(
        [],
        today=date(2026, 3, 4),
        now=datetime(2026, 3, 4, 12, tzinfo=UTC),
        last_activity_at=None,
        grace=GRACE,
    )

    assert streak.current == 0
    assert streak.longest == 0
    assert streak.last_active_date is None
    assert streak.started_on is None
    assert streak.today_complete is False
    assert streak.frozen_days == ()


def test_a_gap_resets_current_but_keeps_longest() -> None:
    days = [*run(date(2026, 3, 1), 5), *run(date(2026, 3, 8), 2)]  # 1-5, then 8-9

    streak = compute_streak(
        days,
        today=date(2026, 3, 9),
        now=datetime(2026, 3, 9, 18, tzinfo=UTC),
        last_activity_at=datetime(2026, 3, 9, 17, tzinfo=UTC),
        grace=GRACE,
    )

    assert streak.current == 2
    assert streak.longest == 5
    assert streak.started_on == date(2026, 3, 8)


def test_today_active_counts_today_and_marks_it_complete() -> None:
    days = run(date(2026, 3, 1), 4)  # 1-4

    streak = compute_streak(
        days,
        today=date(2026, 3, 4),
        now=datetime(2026, 3, 4, 20, tzinfo=UTC),
        last_activity_at=datetime(2026, 3, 4, 19, tzinfo=UTC),
        grace=GRACE,
    )

    assert streak.current == 4
    assert streak.today_complete is True
    assert streak.last_active_date == date(2026, 3, 4)
    assert streak.started_on == date(2026, 3, 1)


def test_today_not_yet_active_keeps_yesterdays_run_with_today_incomplete() -> None:
    days = run(date(2026, 3, 1), 3)  # 1-3

    streak = compute_streak(
        days,
        today=date(2026, 3, 4),
        now=datetime(2026, 3, 4, 22, tzinfo=UTC),
        last_activity_at=datetime(2026, 3, 3, 8, tzinfo=UTC),
        grace=GRACE,
    )

    assert streak.current == 3
    assert streak.today_complete is False
    assert streak.started_on == date(2026, 3, 1)


def test_streak_survives_a_late_night_session_within_the_grace_period() -> None:
    days = [date(2026, 3, 1), date(2026, 3, 2)]  # last session Mar 2, 23:00; now Mar 4, 05:00 = 30 h later

    streak = compute_streak(
        days,
        today=date(2026, 3, 4),
        now=datetime(2026, 3, 4, 5, tzinfo=UTC),
        last_activity_at=datetime(2026, 3, 2, 23, tzinfo=UTC),
        grace=GRACE,
    )

    assert streak.current == 2
    assert streak.started_on == date(2026, 3, 1)


def test_streak_is_lost_once_the_grace_period_has_passed() -> None:
    days = [date(2026, 3, 1), date(2026, 3, 2)]  # last session Mar 2, 23:00; now Mar 4, 15:00 = 40 h later

    streak = compute_streak(
        days,
        today=date(2026, 3, 4),
        now=datetime(2026, 3, 4, 15, tzinfo=UTC),
        last_activity_at=datetime(2026, 3, 2, 23, tzinfo=UTC),
        grace=GRACE,
    )

    assert streak.current == 0
    assert streak.longest == 2
    assert streak.started_on is None
    assert streak.last_active_date == date(2026, 3, 2)


def test_a_run_across_the_spring_forward_sunday_is_unbroken() -> None:
    # Europe/Paris moves to summer time on Sunday 2026-03-29; days are plain local dates.
    days = [date(2026, 3, 28), date(2026, 3, 29), date(2026, 3, 30)]

    streak = compute_streak(
        days,
        today=date(2026, 3, 30),
        now=datetime(2026, 3, 30, 9, tzinfo=UTC),
        last_activity_at=datetime(2026, 3, 30, 8, tzinfo=UTC),
        grace=GRACE,
    )

    assert streak.current == 3
    assert streak.longest == 3


def test_a_run_across_the_year_boundary_is_unbroken() -> None:
    days = [date(2026, 12, 30), date(2026, 12, 31), date(2027, 1, 1), date(2027, 1, 2)]

    streak = compute_streak(
        days,
        today=date(2027, 1, 2),
        now=datetime(2027, 1, 2, 12, tzinfo=UTC),
        last_activity_at=datetime(2027, 1, 2, 11, tzinfo=UTC),
        grace=GRACE,
    )

    assert streak.current == 4
    assert streak.started_on == date(2026, 12, 30)


def test_duplicates_and_unsorted_days_count_once_in_order() -> None:
    days = [date(2026, 3, 3), date(2026, 3, 1), date(2026, 3, 3), date(2026, 3, 2), date(2026, 3, 1)]

    streak = compute_streak(
        days,
        today=date(2026, 3, 3),
        now=datetime(2026, 3, 3, 12, tzinfo=UTC),
        last_activity_at=datetime(2026, 3, 3, 11, tzinfo=UTC),
        grace=GRACE,
    )

    assert streak.current == 3
    assert streak.longest == 3
    assert streak.last_active_date == date(2026, 3, 3)


def test_a_freeze_earned_by_seven_days_bridges_a_single_missed_day() -> None:
    days = [*run(date(2026, 3, 1), 7), *run(date(2026, 3, 9), 2)]  # 1-7, Mar 8 missed, 9-10

    streak = compute_streak(
        days,
        today=date(2026, 3, 10),
        now=datetime(2026, 3, 10, 12, tzinfo=UTC),
        last_activity_at=datetime(2026, 3, 10, 11, tzinfo=UTC),
        grace=GRACE,
        freezes_max=2,
    )

    assert streak.current == 9  # 7 + 2 active days; the frozen day adds nothing
    assert streak.started_on == date(2026, 3, 1)
    assert streak.frozen_days == (date(2026, 3, 8),)
    assert streak.freezes_available == 0


def test_no_freeze_is_spent_without_one_earned() -> None:
    days = [*run(date(2026, 3, 1), 6), *run(date(2026, 3, 8), 2)]  # 1-6 (no freeze yet), Mar 7 missed

    streak = compute_streak(
        days,
        today=date(2026, 3, 9),
        now=datetime(2026, 3, 9, 12, tzinfo=UTC),
        last_activity_at=datetime(2026, 3, 9, 11, tzinfo=UTC),
        grace=GRACE,
        freezes_max=2,
    )

    assert streak.current == 2
    assert streak.longest == 6
    assert streak.frozen_days == ()


def test_freezes_are_off_by_default() -> None:
    days = [*run(date(2026, 3, 1), 7), *run(date(2026, 3, 9), 2)]

    streak = compute_streak(
        days,
        today=date(2026, 3, 10),
        now=datetime(2026, 3, 10, 12, tzinfo=UTC),
        last_activity_at=datetime(2026, 3, 10, 11, tzinfo=UTC),
        grace=GRACE,
    )

    assert streak.current == 2
    assert streak.freezes_available == 0
    assert streak.frozen_days == ()


def test_a_freeze_does_not_bridge_two_missed_days() -> None:
    days = [*run(date(2026, 3, 1), 7), *run(date(2026, 3, 10), 1)]  # Mar 8 and 9 missed

    streak = compute_streak(
        days,
        today=date(2026, 3, 10),
        now=datetime(2026, 3, 10, 12, tzinfo=UTC),
        last_activity_at=datetime(2026, 3, 10, 11, tzinfo=UTC),
        grace=GRACE,
        freezes_max=2,
    )

    assert streak.current == 1
    assert streak.longest == 7
    assert streak.frozen_days == ()
    assert streak.freezes_available == 1  # kept for later


def test_held_freezes_are_capped_at_the_maximum() -> None:
    days = run(date(2026, 3, 1), 21)  # earns at days 7, 14 and 21

    streak = compute_streak(
        days,
        today=date(2026, 3, 21),
        now=datetime(2026, 3, 21, 12, tzinfo=UTC),
        last_activity_at=datetime(2026, 3, 21, 11, tzinfo=UTC),
        grace=GRACE,
        freezes_max=2,
    )

    assert streak.freezes_available == 2


def test_a_missed_yesterday_is_frozen_when_a_freeze_is_held() -> None:
    days = run(date(2026, 3, 1), 7)  # 1-7; Mar 8 missed; today Mar 9 not active yet; grace over

    streak = compute_streak(
        days,
        today=date(2026, 3, 9),
        now=datetime(2026, 3, 9, 20, tzinfo=UTC),
        last_activity_at=datetime(2026, 3, 7, 9, tzinfo=UTC),
        grace=GRACE,
        freezes_max=1,
    )

    assert streak.current == 7
    assert streak.frozen_days == (date(2026, 3, 8),)
    assert streak.freezes_available == 0
    assert streak.today_complete is False


def test_freezing_yesterday_gives_the_same_streak_once_today_is_active() -> None:
    days = run(date(2026, 3, 1), 7)
    before = compute_streak(
        days,
        today=date(2026, 3, 9),
        now=datetime(2026, 3, 9, 8, tzinfo=UTC),
        last_activity_at=datetime(2026, 3, 7, 9, tzinfo=UTC),
        grace=GRACE,
        freezes_max=1,
    )

    after = compute_streak(
        [*days, date(2026, 3, 9)],
        today=date(2026, 3, 9),
        now=datetime(2026, 3, 9, 10, tzinfo=UTC),
        last_activity_at=datetime(2026, 3, 9, 9, tzinfo=UTC),
        grace=GRACE,
        freezes_max=1,
    )

    assert after.current == before.current + 1
    assert after.frozen_days == before.frozen_days
    assert after.freezes_available == before.freezes_available


def test_longest_is_at_least_current() -> None:
    days = [*run(date(2026, 3, 1), 3), *run(date(2026, 3, 6), 4)]

    streak = compute_streak(
        days,
        today=date(2026, 3, 10),
        now=datetime(2026, 3, 10, 12, tzinfo=UTC),
        last_activity_at=datetime(2026, 3, 9, 11, tzinfo=UTC),
        grace=GRACE,
    )

    assert streak.current == 4
    assert streak.longest == 4


def test_negative_freezes_max_is_a_bug() -> None:
    with pytest.raises(ValueError):
        compute_streak(
            [],
            today=date(2026, 3, 1),
            now=datetime(2026, 3, 1, tzinfo=UTC),
            last_activity_at=None,
            grace=GRACE,
            freezes_max=-1,
        )

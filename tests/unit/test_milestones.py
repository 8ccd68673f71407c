"""The next milestone of a lifetime count and the share of it reached."""

from __future__ import annotations

from learning_analytics.domain.milestones import MilestoneProgress, milestone_progress


def test_the_next_milestone_is_the_smallest_above_the_count() -> None:
    assert milestone_progress(87, (10, 25, 50, 100, 250)) == MilestoneProgress(
        current=87, next=100, progress=87.0
    )


def test_reaching_a_milestone_exactly_points_to_the_following_one() -> None:
    assert milestone_progress(50, (100, 50, 25)) == MilestoneProgress(current=50, next=100, progress=50.0)


def test_past_the_last_milestone_there_is_no_next_and_progress_is_full() -> None:
    assert milestone_progress(1200, (10, 1000)) == MilestoneProgress(current=1200, next=None, progress=100.0)


def test_nothing_done_yet_is_zero_percent_of_the_first() -> None:
    assert milestone_progress(0, (5, 10)) == MilestoneProgress(current=0, next=5, progress=0.0)

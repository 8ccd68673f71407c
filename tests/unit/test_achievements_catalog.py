"""The achievement catalog's invariants: size, coverage, ids, points, and criteria whose progress is honest."""

from __future__ import annotations

import dataclasses
import math
import re
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from learning_analytics.domain.achievements import (
    BY_ID,
    CATALOG,
    POINTS,
    Achievement,
    AchievementCategory,
    Fact,
    LearnerSnapshot,
    Rarity,
    Requirement,
    at_least,
)

FIELDS = {f.name: f.type for f in dataclasses.fields(LearnerSnapshot)}


def test_the_catalog_holds_at_least_30_achievements_with_unique_url_safe_ids() -> None:
    ids = [a.id for a in CATALOG]

    assert len(CATALOG) >= 30
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"[a-z0-9_]{1,64}", i) for i in ids)
    assert BY_ID.keys() == set(ids)


def test_every_category_and_every_rarity_is_present() -> None:
    assert {a.category for a in CATALOG} == set(AchievementCategory)
    assert {a.rarity for a in CATALOG} == set(Rarity)


def test_points_follow_rarity() -> None:
    assert dict(POINTS) == {
        Rarity.COMMON: 10,
        Rarity.UNCOMMON: 25,
        Rarity.RARE: 50,
        Rarity.EPIC: 100,
        Rarity.LEGENDARY: 250,
    }
    assert all(a.points == POINTS[a.rarity] for a in CATALOG)


def test_every_achievement_says_how_to_earn_it_and_has_a_short_icon_and_title() -> None:
    for a in CATALOG:
        assert a.title and len(a.title) <= 200
        assert a.description.endswith(".") and len(a.description) > 10
        assert a.icon and len(a.icon) <= 40


def test_every_fact_is_a_snapshot_field_and_every_criterion_serialises() -> None:
    assert {f.value for f in Fact} <= FIELDS.keys()
    for a in CATALOG:
        stored = a.criterion.as_json()
        assert stored == {
            "all": [{"fact": r.fact.value, "at_least": r.at_least} for r in a.criterion.requirements]
        }


def test_the_guides_kinds_are_in_the_catalog() -> None:
    for wanted in (
        "first_session",
        "night_owl",
        "early_bird",
        "perfect_week",
        "comeback",
        "weekend_warrior",
        "marathon_session",
        "feedback_giver",
        "topic_explorer",
        "polymath",
        "mastery_expert",
    ):
        assert wanted in BY_ID


def test_the_catalog_counts_by_category_and_rarity() -> None:
    by_category = Counter(a.category for a in CATALOG)
    by_rarity = Counter(a.rarity for a in CATALOG)

    assert sum(by_category.values()) == sum(by_rarity.values()) == len(CATALOG)
    assert min(by_category.values()) >= 3
    assert min(by_rarity.values()) >= 5


# ---- progress is monotone, and 100 % exactly when the criterion is met


def snapshot_at(values: dict[str, float]) -> LearnerSnapshot:
    typed = {k: (int(v) if FIELDS[k] == "int" else float(v)) for k, v in values.items()}
    return LearnerSnapshot(**typed)  # type: ignore[arg-type]


def facts_strategy() -> st.SearchStrategy[dict[str, float]]:
    """Each fact anywhere in its range, often exactly at a catalog threshold or just below it."""
    near: dict[str, set[float]] = {name: {0.0} for name in FIELDS}
    for a in CATALOG:
        for r in a.criterion.requirements:
            step = 1.0 if FIELDS[r.fact.value] == "int" else 0.01
            near[r.fact.value] |= {r.at_least, max(0.0, r.at_least - step)}
    per_field = {
        name: st.one_of(
            st.sampled_from(sorted(near[name])),
            st.floats(0, 1, allow_nan=False) if name == "avg_quality" else st.integers(0, 12_000).map(float),
        )
        for name in FIELDS
    }
    return st.fixed_dictionaries(per_field)


@settings(max_examples=100, deadline=None)
@given(facts_strategy(), facts_strategy())
def test_progress_never_falls_when_facts_grow(a: dict[str, float], b: dict[str, float]) -> None:
    low = snapshot_at(a)
    high = snapshot_at({k: max(a[k], b[k]) for k in a})

    for achievement in CATALOG:
        assert achievement.criterion.progress(low).percent <= achievement.criterion.progress(high).percent


@settings(max_examples=100, deadline=None)
@given(facts_strategy())
def test_progress_reads_100_exactly_when_met(values: dict[str, float]) -> None:
    snapshot = snapshot_at(values)

    for achievement in CATALOG:
        progress = achievement.criterion.progress(snapshot)
        assert 0.0 <= progress.percent <= 100.0
        assert (progress.percent == 100.0) is achievement.criterion.met(snapshot)


def at_threshold(a: Achievement, shift: float = 0.0) -> LearnerSnapshot:
    values = {r.fact.value: r.at_least + shift for r in a.criterion.requirements}
    return snapshot_at({k: values.get(k, 0.0) for k in FIELDS})


@pytest.mark.parametrize("achievement", CATALOG, ids=lambda a: a.id)
def test_exactly_at_its_thresholds_an_achievement_is_met_and_just_below_it_is_not(
    achievement: Achievement,
) -> None:
    exactly = at_threshold(achievement)
    assert achievement.criterion.met(exactly)
    assert achievement.criterion.progress(exactly).percent == 100.0

    for requirement in achievement.criterion.requirements:
        below_value = (
            requirement.at_least - 1
            if FIELDS[requirement.fact.value] == "int"
            else math.nextafter(requirement.at_least, 0.0)
        )
        below = dataclasses.replace(exactly, **{requirement.fact.value: below_value})
        assert not achievement.criterion.met(below)
        assert achievement.criterion.progress(below).percent < 100.0


def test_progress_reports_the_least_advanced_requirement() -> None:
    criterion = at_least(Fact.AVG_QUALITY, 0.8, (Fact.SCORED_EXCHANGES, 20))

    progress = criterion.progress(LearnerSnapshot(avg_quality=0.9, scored_exchanges=5))

    assert (progress.current, progress.target, progress.percent) == (5.0, 20.0, 25.0)


def test_a_requirement_needs_a_positive_threshold() -> None:
    with pytest.raises(ValueError):
        Requirement(Fact.TOTAL_SESSIONS, 0)

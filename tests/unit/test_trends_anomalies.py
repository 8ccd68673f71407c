"""Anomalies: z-scores against the trailing window, checked with numpy (sample std, ddof=1)."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest

from learning_analytics.domain.trends import Anomaly, AnomalyThresholds, anomalies

REL = 1e-9
FIRST = date(2026, 3, 1)


def reference_anomalies(
    values: list[float | None], history: list[float | None], threshold: float, lookback: int, needed: int
) -> list[tuple[date, float, float, float]]:
    days = history + values
    found = []
    for index in range(len(history), len(days)):
        value = days[index]
        window = np.array([v for v in days[max(0, index - lookback) : index] if v is not None], dtype=float)
        if value is None or window.size < max(needed, 2):
            continue
        sd = float(np.std(window, ddof=1))
        if np.ptp(window) == 0:
            continue
        z = (value - float(np.mean(window))) / sd
        if abs(z) > threshold:
            found.append((FIRST + timedelta(days=index - len(history)), value, float(np.mean(window)), z))
    return found


def as_tuples(found: list[Anomaly]) -> list[tuple[date, float, float, float]]:
    return [(a.date, a.value, a.expected, a.z_score) for a in found]


def test_an_injected_spike_is_flagged_with_its_z_score() -> None:
    rng = np.random.default_rng(4)
    values: list[float | None] = [float(v) for v in rng.normal(30, 3, 40)]
    values[35] = 60.0
    window = np.array(values[7:35], dtype=float)

    found = anomalies(values, first_day=FIRST)

    spike = [a for a in found if a.date == FIRST + timedelta(days=35)]
    assert len(spike) == 1
    assert spike[0].value == 60.0
    assert spike[0].expected == pytest.approx(float(window.mean()), rel=REL)
    assert spike[0].z_score == pytest.approx((60.0 - window.mean()) / window.std(ddof=1), rel=REL)


def test_every_flagged_day_matches_the_numpy_reference_with_gaps_and_history() -> None:
    rng = np.random.default_rng(21)
    history: list[float | None] = [
        None if rng.random() < 0.2 else float(rng.normal(10, 2)) for _ in range(28)
    ]
    values: list[float | None] = [
        None if rng.random() < 0.2 else float(rng.standard_t(3) * 2 + 10) for _ in range(90)
    ]

    found = anomalies(values, first_day=FIRST, history=history)

    expected = reference_anomalies(values, history, threshold=2.0, lookback=28, needed=5)
    assert len(found) == len(expected) > 0
    for actual, reference in zip(as_tuples(found), expected, strict=True):
        assert actual[:2] == reference[:2]
        assert actual[2] == pytest.approx(reference[2], rel=REL)
        assert actual[3] == pytest.approx(reference[3], rel=REL)


def test_history_lets_the_first_day_of_the_period_be_checked() -> None:
    history = [10.0, 11.0, 9.0, 10.0, 12.0, 8.0]

    found = anomalies([25.0, 10.0], first_day=FIRST, history=history)

    assert [a.date for a in found] == [FIRST]
    assert found[0].z_score == pytest.approx((25.0 - np.mean(history)) / np.std(history, ddof=1), rel=REL)


def test_a_window_with_too_few_values_flags_nothing() -> None:
    values: list[float | None] = [10.0, None, 11.0, None, 9.0, 10.0, None, 100.0]

    assert anomalies(values, first_day=FIRST) == []
    assert len(anomalies(values, first_day=FIRST, thresholds=AnomalyThresholds(min_data_points=4))) == 1


def test_the_window_is_positional_over_calendar_days() -> None:
    old: list[float | None] = [10.0, 11.0, 9.0, 10.0, 12.0]
    values: list[float | None] = [*old, *([None] * 30), 100.0]

    assert anomalies(values, first_day=FIRST) == []
    assert len(anomalies(values, first_day=FIRST, thresholds=AnomalyThresholds(lookback_days=40))) == 1


def test_a_window_of_equal_values_flags_nothing() -> None:
    assert anomalies([0.0] * 28 + [5.0], first_day=FIRST) == []
    assert anomalies([0.1] * 28 + [0.9], first_day=FIRST) == []


def test_the_threshold_is_strict_and_a_dip_has_a_negative_z() -> None:
    values = [10.0, 12.0, 10.0, 12.0, 10.0, 12.0]
    mean, sd = float(np.mean(values)), float(np.std(values, ddof=1))

    dip = anomalies([*values, mean - 3 * sd], first_day=FIRST)
    at_threshold = anomalies(
        [*values, 14.0], first_day=FIRST, thresholds=AnomalyThresholds(z_threshold=(14.0 - mean) / sd)
    )

    assert dip[0].z_score == pytest.approx(-3.0, rel=REL)
    assert at_threshold == []


@pytest.mark.parametrize("values", [[], [None, None], [5.0], [1.0, 2.0, 3.0, 4.0]])
def test_short_or_empty_series_have_no_anomalies(values: list[float | None]) -> None:
    assert anomalies(values, first_day=FIRST) == []


def test_bad_thresholds_are_rejected_naming_the_setting() -> None:
    with pytest.raises(ValueError, match="lookback_days"):
        AnomalyThresholds(lookback_days=0)
    with pytest.raises(ValueError, match="z_threshold"):
        AnomalyThresholds(z_threshold=-1.0)

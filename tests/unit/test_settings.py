"""Settings: each one defined once, read by the code, and a name no section defines is an error."""

from __future__ import annotations

import ast
import dataclasses
import typing
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import BaseModel, ValidationError

import learning_analytics
from learning_analytics.config import Settings
from learning_analytics.domain.insights import InsightThresholds
from learning_analytics.domain.trends import AnomalyThresholds

PACKAGE = Path(learning_analytics.__file__).parent


def _attributes_read() -> set[str]:
    """Every attribute name the package reads (`x.name`), outside config.py where settings are defined."""
    names: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        if path == PACKAGE / "config.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Attribute):
                names.add(node.attr)
    return names


def _fields(section: type) -> Iterator[tuple[str, type]]:
    if issubclass(section, BaseModel):
        for name, info in section.model_fields.items():
            yield name, typing.cast(type, info.annotation)
    else:
        hints = typing.get_type_hints(section)
        for f in dataclasses.fields(section):
            yield f.name, hints[f.name]


def _leaf_settings(section: type = Settings, prefix: str = "") -> Iterator[tuple[str, str]]:
    """(dotted path, attribute name) of every setting that holds a value rather than a section."""
    for name, annotation in _fields(section):
        nested = isinstance(annotation, type) and (
            issubclass(annotation, BaseModel) or dataclasses.is_dataclass(annotation)
        )
        if nested:
            yield from _leaf_settings(annotation, f"{prefix}{name}.")
        else:
            yield f"{prefix}{name}", name


def test_every_setting_is_read_by_the_code() -> None:
    # A setting is read when its attribute name is read somewhere in the package: every section is
    # read attribute by attribute (no setting is read generically, so no allow-list is needed).
    read = _attributes_read()
    leaves = dict(_leaf_settings())

    unread = {path for path, name in leaves.items() if name not in read}

    assert unread == set()


def test_the_insights_section_is_the_domain_thresholds_with_their_defaults() -> None:
    settings = Settings()

    assert Settings.model_fields["insights"].annotation is InsightThresholds
    assert Settings.model_fields["anomalies"].annotation is AnomalyThresholds
    assert settings.insights == InsightThresholds()
    assert settings.anomalies == AnomalyThresholds()


def test_insight_thresholds_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LA_INSIGHTS__INACTIVE_DAYS", "5")
    monkeypatch.setenv("LA_INSIGHTS__SESSION_MILESTONES", "[3, 6]")
    monkeypatch.setenv("LA_INSIGHTS__QUALITY_CHANGE_PERCENT", "12.5")

    insights = Settings().insights

    assert (insights.inactive_days, insights.session_milestones) == (5, (3, 6))
    assert insights.quality_change_percent == 12.5
    assert insights.max_insights == InsightThresholds().max_insights


def test_one_anomaly_section_serves_the_trends_and_the_insights(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LA_ANOMALIES__Z_THRESHOLD", "3")
    monkeypatch.setenv("LA_ANOMALIES__LOOKBACK_DAYS", "14")

    settings = Settings()

    assert settings.anomalies == AnomalyThresholds(z_threshold=3.0, lookback_days=14)
    assert settings.insights.anomaly == settings.anomalies


@pytest.mark.parametrize(
    ("variable", "named"),
    [
        ("LA_INSIGHTS__INACTIVE_DAY", "inactive_day"),  # a misspelling
        ("LA_INSIGHTS__ANOMALY_Z", "anomaly_z"),  # moved to LA_ANOMALIES__Z_THRESHOLD
        ("LA_INSIGHTS__ANOMALY__Z_THRESHOLD", "anomaly"),  # set through LA_ANOMALIES__* only
        ("LA_TRENDS__ANOMALY_LOOKBACK_DAYS", "anomaly_lookback_days"),
        ("LA_ANOMALIES__Z", "z"),
        ("LA_DASHBOARD__MAX_ACTIVE_GOALS", "max_active_goals"),  # not read by anything yet
        ("LA_PROGRESS__CACHE_TTL_SECONDS", "cache_ttl_seconds"),
    ],
)
def test_a_name_no_section_defines_is_an_error(
    monkeypatch: pytest.MonkeyPatch, variable: str, named: str
) -> None:
    monkeypatch.setenv(variable, "5")

    with pytest.raises(ValidationError, match=named):
        Settings()


def test_an_impossible_threshold_names_its_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LA_INSIGHTS__PERIOD_DAYS", "0")

    with pytest.raises(ValidationError, match="period_days must be at least 1"):
        Settings()


def test_a_malformed_list_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LA_INSIGHTS__STREAK_MILESTONES", "[7, 14")

    with pytest.raises(ValidationError, match="streak_milestones must be a JSON list"):
        Settings()

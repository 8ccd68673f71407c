"""The statistics a rollup holds, how partial values merge, how raw rows and local days compute them,
and a row of them as a domain bucket."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import (
    TIMESTAMP,
    Date,
    Float,
    Integer,
    and_,
    case,
    cast,
    func,
    literal_column,
    null,
    select,
    type_coerce,
    union_all,
)
from sqlalchemy.engine import RowMapping
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.expression import FromClause, Select
from sqlalchemy.types import TypeEngine

from ...domain.models import QUALITY_DIMENSIONS, FeedbackKind
from ...domain.periods import Granularity
from ...domain.rollups import Bucket, Moments
from ..tables import (
    exchanges_t,
    feedback_t,
    sessions_t,
)
from ..types import UTCDateTime

# Constants are rendered inline, never bound: PostgreSQL only matches a GROUP BY expression to the
# selected one when both are textually identical, and two bound parameters never are.
ZERO: ColumnElement[Any] = literal_column("0")
ZERO_F: ColumnElement[Any] = literal_column("0.0")
KEY = ("user_id", "bucket_day", "bucket_hour")


@dataclass(frozen=True, slots=True)
class Measure:
    """One statistic column of `rollups` and how two partial values of it merge (sum, min or max)."""

    name: str
    merge: str
    type: TypeEngine[Any]

    def empty(self) -> ColumnElement[Any]:
        """The value of an empty partial: 0 for sums, a typed NULL for min and max."""
        if self.merge == "sum":
            return ZERO_F if isinstance(self.type, Float) else ZERO
        return cast(null(), self.type)

    def combine(self, column: ColumnElement[Any]) -> ColumnElement[Any]:
        """The aggregate merging the partials in `column`: COALESCE(SUM, 0), MIN or MAX."""
        if self.merge == "sum":
            return func.coalesce(func.sum(column), self.empty())
        return func.min(column) if self.merge == "min" else func.max(column)


def _moments(prefix: str) -> list[Measure]:
    return [
        Measure(f"{prefix}_n", "sum", Integer()),
        Measure(f"{prefix}_sum", "sum", Float()),
        Measure(f"{prefix}_sumsq", "sum", Float()),
        Measure(f"{prefix}_min", "min", Float()),
        Measure(f"{prefix}_max", "max", Float()),
    ]


_COUNTS = ("feedback_count", "thumbs_up", "thumbs_down", "copies", "corrections", "clarifications")
MEASURES: tuple[Measure, ...] = (
    Measure("sessions", "sum", Integer()),
    Measure("exchanges", "sum", Integer()),
    Measure("minutes_sum", "sum", Float()),
    *_moments("quality"),
    *(m for d in QUALITY_DIMENSIONS for m in _moments(d)),
    *(Measure(name, "sum", Integer()) for name in _COUNTS),
    *_moments("rating"),
    Measure("last_event_at", "max", UTCDateTime()),
)
MEASURE_NAMES: tuple[str, ...] = tuple(m.name for m in MEASURES)
_FEEDBACK_COLUMNS = {
    FeedbackKind.THUMBS_UP: "thumbs_up",
    FeedbackKind.THUMBS_DOWN: "thumbs_down",
    FeedbackKind.COPY: "copies",
    FeedbackKind.CORRECTION: "corrections",
    FeedbackKind.CLARIFICATION: "clarifications",
}


# ---- calendar arithmetic on local days, per dialect


def period_start(dialect: str, granularity: Granularity, day: ColumnElement[Any]) -> ColumnElement[Any]:
    """The first local day of the bucket holding `day`: itself, the ISO Monday, or the 1st of the month."""
    if granularity in (Granularity.HOUR, Granularity.DAY):
        return day
    if dialect == "postgresql":
        unit = "'week'" if granularity is Granularity.WEEK else "'month'"
        return cast(func.date_trunc(literal_column(unit), cast(day, TIMESTAMP)), Date)
    # 'weekday 0' moves forward to the next Sunday (or stays on one); six days back is its Monday.
    modifiers = ("'weekday 0'", "'-6 days'") if granularity is Granularity.WEEK else ("'start of month'",)
    return type_coerce(func.date(day, *map(literal_column, modifiers)), Date)


def period_end(dialect: str, granularity: Granularity, start: ColumnElement[Any]) -> ColumnElement[Any]:
    """The last local day of the bucket starting on `start`."""
    if granularity in (Granularity.HOUR, Granularity.DAY):
        return start
    if dialect == "postgresql":
        span = (
            "interval '6 days'"
            if granularity is Granularity.WEEK
            else "interval '1 month' - interval '1 day'"
        )
        return cast(start + literal_column(span), Date)
    modifiers = ("'+6 days'",) if granularity is Granularity.WEEK else ("'+1 month'", "'-1 day'")
    return type_coerce(func.date(start, *map(literal_column, modifiers)), Date)


def _minutes(dialect: str, started: ColumnElement[Any], ended: ColumnElement[Any]) -> ColumnElement[Any]:
    """ended − started in minutes, exact to the microsecond on both dialects."""
    if dialect == "postgresql":
        return cast(func.date_part(literal_column("'epoch'"), ended - started), Float) / literal_column(
            "60.0"
        )

    # SQLite stores 'YYYY-MM-DD HH:MM:SS.ffffff': whole seconds from the first 19 characters (julianday
    # keeps only milliseconds and rounds), the fraction from the rest.
    def whole(ts: ColumnElement[Any]) -> ColumnElement[Any]:
        return cast(func.strftime(literal_column("'%s'"), func.substr(ts, 1, 19)), Integer)

    def fraction(ts: ColumnElement[Any]) -> ColumnElement[Any]:
        return cast(func.substr(ts, 20), Float)

    seconds = (whole(ended) - whole(started)) + (fraction(ended) - fraction(started))
    return seconds / literal_column("60.0")


def minutes_between(
    dialect: str, started: ColumnElement[Any], ended: ColumnElement[Any]
) -> ColumnElement[Any]:
    """ended − started in minutes, as the rollups count a session's minutes (for reads of raw rows)."""
    return _minutes(dialect, started, ended)


# ---- partial aggregates per source


def _square(dialect: str, value: ColumnElement[Any]) -> ColumnElement[Any]:
    """value², with squares below 1e-300 taken as 0: PostgreSQL raises an error on float underflow."""
    if dialect != "postgresql":
        return value * value
    return case((func.abs(value) < literal_column("1e-150"), ZERO_F), else_=value * value)


def moment_exprs(dialect: str, prefix: str, value: ColumnElement[Any]) -> dict[str, ColumnElement[Any]]:
    return {
        f"{prefix}_n": func.count(value),
        f"{prefix}_sum": func.sum(value),
        f"{prefix}_sumsq": func.sum(_square(dialect, value)),
        f"{prefix}_min": func.min(value),
        f"{prefix}_max": func.max(value),
    }


def _exchange_measures(dialect: str, e: FromClause) -> dict[str, ColumnElement[Any]]:
    out: dict[str, ColumnElement[Any]] = {
        "exchanges": func.count(),
        **moment_exprs(dialect, "quality", e.c.quality),
    }
    for d in QUALITY_DIMENSIONS:
        out.update(moment_exprs(dialect, d, e.c[d]))
    out["last_event_at"] = func.max(e.c.occurred_at)
    return out


def _session_measures(dialect: str, s: FromClause) -> dict[str, ColumnElement[Any]]:
    # A session sent only as a summary counts as `reported_exchanges` exchanges of its average quality.
    summary = and_(s.c.exchange_count == 0, s.c.reported_exchanges.is_not(None))
    rated = and_(summary, s.c.reported_avg_quality.is_not(None), s.c.reported_exchanges > 0)
    k, avg = s.c.reported_exchanges, s.c.reported_avg_quality
    return {
        "sessions": func.count(),
        "exchanges": func.sum(case((summary, k), else_=ZERO)),
        "minutes_sum": func.sum(
            case((s.c.ended_at.is_(None), ZERO_F), else_=_minutes(dialect, s.c.started_at, s.c.ended_at))
        ),
        "quality_n": func.sum(case((rated, k), else_=ZERO)),
        "quality_sum": func.sum(case((rated, k * avg), else_=ZERO_F)),
        "quality_sumsq": func.sum(case((rated, k * _square(dialect, avg)), else_=ZERO_F)),
        "quality_min": func.min(case((rated, avg))),
        "quality_max": func.max(case((rated, avg))),
        "last_event_at": func.max(s.c.started_at),
    }


def _feedback_measures(dialect: str, f: FromClause) -> dict[str, ColumnElement[Any]]:
    out: dict[str, ColumnElement[Any]] = {"feedback_count": func.count()}
    for kind, name in _FEEDBACK_COLUMNS.items():
        out[name] = func.sum(case((f.c.kind == literal_column(f"'{kind.value}'"), 1), else_=ZERO))
    out.update(moment_exprs(dialect, "rating", f.c.rating))
    out["last_event_at"] = func.max(f.c.created_at)
    return out


RAW_SOURCES: tuple[tuple[Any, Callable[[str, FromClause], dict[str, ColumnElement[Any]]]], ...] = (
    (sessions_t, _session_measures),
    (exchanges_t, _exchange_measures),
    (feedback_t, _feedback_measures),
)


def measure_columns(values: Mapping[str, ColumnElement[Any]]) -> list[ColumnElement[Any]]:
    return [values.get(m.name, m.empty()).label(m.name) for m in MEASURES]


def merged(partials: Sequence[Select[Any]], extra: Sequence[ColumnElement[Any]] = ()) -> Select[Any]:
    """The partials (each with KEY and every measure) merged per KEY: sums added, min of mins, max of maxes."""
    u = union_all(*partials).subquery("partials")
    keys = [u.c[k] for k in KEY]
    return select(*keys, *[m.combine(u.c[m.name]).label(m.name) for m in MEASURES], *extra).group_by(*keys)


# ---- a row of measures as a domain bucket


def _moments_of(row: RowMapping, prefix: str) -> Moments:
    return Moments(
        n=int(row[f"{prefix}_n"] or 0),
        total=float(row[f"{prefix}_sum"] or 0.0),
        sumsq=float(row[f"{prefix}_sumsq"] or 0.0),
        min=row[f"{prefix}_min"],
        max=row[f"{prefix}_max"],
    )


def bucket_from_row(row: RowMapping, granularity: Granularity, *, day: date | None = None) -> Bucket:
    """The domain bucket of a row holding every measure (a rollup, or one computed like it)."""
    return Bucket(
        granularity=granularity,
        day=day or row["bucket_day"],
        hour=int(row["bucket_hour"]) if granularity is Granularity.HOUR else 0,
        sessions=int(row["sessions"] or 0),
        exchanges=int(row["exchanges"] or 0),
        minutes=float(row["minutes_sum"] or 0.0),
        quality=_moments_of(row, "quality"),
        dimensions={d: _moments_of(row, d) for d in QUALITY_DIMENSIONS},
        feedback=int(row["feedback_count"] or 0),
        thumbs_up=int(row["thumbs_up"] or 0),
        thumbs_down=int(row["thumbs_down"] or 0),
        copies=int(row["copies"] or 0),
        corrections=int(row["corrections"] or 0),
        clarifications=int(row["clarifications"] or 0),
        rating=_moments_of(row, "rating"),
        last_event_at=row["last_event_at"],
    )

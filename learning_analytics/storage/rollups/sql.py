"""SQL builders of the fold: recompute the buckets, and the topic rollups, of the marked keys."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Date,
    Integer,
    String,
    and_,
    bindparam,
    column,
    func,
    literal,
    literal_column,
    select,
    tuple_,
    union_all,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.expression import Select, Subquery

from ...domain.periods import Granularity
from ..tables import (
    exchange_topics_t,
    exchanges_t,
    rollups_t,
    session_topics_t,
    sessions_t,
    topic_rollups_t,
)
from ..types import UTCDateTime
from .measures import (
    KEY,
    MEASURE_NAMES,
    MEASURES,
    RAW_SOURCES,
    ZERO,
    Measure,
    measure_columns,
    merged,
    moment_exprs,
    period_end,
    period_start,
)

# ---- buckets of a set of keys (the fold)


@dataclass(frozen=True, slots=True)
class Keys:
    """The buckets to recompute, as a subquery of (user_id, bucket_day, bucket_hour, lo, hi).

    `lo`..`hi` are the local days the bucket covers; `hourly` buckets also match the local hour.
    """

    rows: Subquery
    granularity: Granularity

    @property
    def hourly(self) -> bool:
        return self.granularity is Granularity.HOUR

    @property
    def single_day(self) -> bool:
        return self.granularity in (Granularity.HOUR, Granularity.DAY)

    def covers(self, user_id: ColumnElement[Any], day: ColumnElement[Any]) -> ColumnElement[bool]:
        k = self.rows.c
        if self.single_day:
            return and_(user_id == k.user_id, day == k.lo)
        return and_(user_id == k.user_id, day >= k.lo, day <= k.hi)

    def key_columns(self) -> list[ColumnElement[Any]]:
        return [self.rows.c[k] for k in KEY]


def marks_table(rows: Sequence[Any]) -> Select[Any]:
    """The marks `rows` (user_id, day, hour) as an inline table: PostgreSQL's unnest of three arrays."""
    marks = (
        func.unnest(
            bindparam("mark_users", [r.user_id for r in rows], type_=ARRAY(String())),
            bindparam("mark_days", [r.day for r in rows], type_=ARRAY(Date())),
            bindparam("mark_hours", [r.hour for r in rows], type_=ARRAY(Integer())),
        )
        .table_valued(column("user_id", String()), column("day", Date()), column("hour", Integer()))
        .render_derived(name="marked")
    )
    return select(marks.c.user_id, marks.c.day, marks.c.hour)


def keys_from_marks(
    dialect: str,
    marks: Select[Any],
    granularity: Granularity,
    *,
    since: date | None = None,
    until: date | None = None,
) -> Keys:
    """The buckets of `granularity` holding the marked (user_id, day, hour) rows of `marks`.

    Only buckets starting in [since, until) are kept (either bound may be None).
    """
    m = marks.subquery("marks")
    start = period_start(dialect, granularity, m.c.day)
    hour = m.c.hour if granularity is Granularity.HOUR else ZERO
    q = select(m.c.user_id, start.label("bucket_day"), hour.label("bucket_hour"))
    if since is not None:
        q = q.where(start >= since)
    if until is not None:
        q = q.where(start < until)
    inner = q.distinct().subquery("bucket_keys")
    rows = select(
        inner.c.user_id,
        inner.c.bucket_day,
        inner.c.bucket_hour,
        inner.c.bucket_day.label("lo"),
        period_end(dialect, granularity, inner.c.bucket_day).label("hi"),
    ).subquery("keys")
    return Keys(rows=rows, granularity=granularity)


def _zero_partial(keys: Keys) -> Select[Any]:
    return select(*keys.key_columns(), *measure_columns({}))


def raw_partials_for_keys(dialect: str, keys: Keys) -> list[Select[Any]]:
    """Per key, partial measures of its sessions, exchanges and feedback (plus an empty row per key)."""
    partials = [_zero_partial(keys)]
    for table, measures in RAW_SOURCES:
        t = table.alias()
        on = keys.covers(t.c.user_id, t.c.local_day)
        if keys.hourly:
            on = and_(on, t.c.local_hour == keys.rows.c.bucket_hour)
        partials.append(
            select(*keys.key_columns(), *measure_columns(measures(dialect, t)))
            .select_from(keys.rows.join(t, on))
            .group_by(*keys.key_columns())
        )
    return partials


def day_partials_for_keys(keys: Keys) -> list[Select[Any]]:
    """Per key, the merge of the day rollups its days hold (plus an empty row per key)."""
    r = rollups_t.alias()
    on = and_(keys.covers(r.c.user_id, r.c.bucket_day), r.c.granularity == literal_column("'day'"))
    merged = {m.name: _combine_stored(m, r.c[m.name]) for m in MEASURES}
    return [
        _zero_partial(keys),
        select(*keys.key_columns(), *measure_columns(merged))
        .select_from(keys.rows.join(r, on))
        .group_by(*keys.key_columns()),
    ]


def _combine_stored(m: Measure, column: ColumnElement[Any]) -> ColumnElement[Any]:
    if m.merge == "sum":
        return func.sum(column)
    return func.min(column) if m.merge == "min" else func.max(column)


def upsert_rollups(
    dialect: str, insert: Any, granularity: Granularity, partials: Sequence[Select[Any]], now: datetime
) -> Any:
    """INSERT the merged partials as `granularity` buckets, updating the buckets that exist (ON CONFLICT)."""
    source = merged(
        partials,
        extra=[
            literal_column(f"'{granularity.value}'").label("granularity"),
            literal(now, UTCDateTime()).label("updated_at"),
        ],
    )
    columns = [*KEY, *MEASURE_NAMES, "granularity", "updated_at"]
    stmt = insert.from_select(columns, source)
    return stmt.on_conflict_do_update(
        index_elements=[
            rollups_t.c.user_id,
            rollups_t.c.granularity,
            rollups_t.c.bucket_day,
            rollups_t.c.bucket_hour,
        ],
        set_={name: stmt.excluded[name] for name in (*MEASURE_NAMES, "updated_at")},
    )


def delete_empty_rollups(keys: Keys) -> Any:
    """DELETE the buckets of `keys` left without sessions, exchanges or feedback by the last upsert."""
    r = rollups_t
    return r.delete().where(
        r.c.granularity == keys.granularity.value,
        r.c.sessions == 0,
        r.c.exchanges == 0,
        r.c.feedback_count == 0,
        tuple_(r.c.user_id, r.c.bucket_day, r.c.bucket_hour).in_(select(*keys.key_columns())),
    )


# ---- topic rollups of a set of (user, day) keys


def upsert_topic_rollups(dialect: str, insert: Any, day_keys: Subquery, now: datetime) -> Any:
    """INSERT per (user, topic, local day) the tagged exchanges and their quality, and the sessions."""
    e, et = exchanges_t.alias(), exchange_topics_t.alias()
    s, st = sessions_t.alias(), session_topics_t.alias()
    k = day_keys.c
    names = (
        "exchanges",
        "sessions",
        "quality_n",
        "quality_sum",
        "quality_sumsq",
        "quality_min",
        "quality_max",
        "last_event_at",
    )
    by_measure = {m.name: m for m in MEASURES}
    empty = {name: by_measure[name].empty() for name in names}

    def columns(values: Mapping[str, ColumnElement[Any]]) -> list[ColumnElement[Any]]:
        return [values.get(n, empty[n]).label(n) for n in names]

    exchange_part = (
        select(
            k.user_id,
            et.c.topic,
            k.day,
            *columns(
                {
                    "exchanges": func.count(),
                    **moment_exprs(dialect, "quality", e.c.quality),
                    "last_event_at": func.max(e.c.occurred_at),
                }
            ),
        )
        .select_from(
            day_keys.join(et, and_(et.c.user_id == k.user_id, et.c.local_day == k.day)).join(
                e, and_(e.c.user_id == et.c.user_id, e.c.id == et.c.exchange_id)
            )
        )
        .group_by(k.user_id, et.c.topic, k.day)
    )
    session_part = (
        select(
            k.user_id,
            st.c.topic,
            k.day,
            *columns({"sessions": func.count(), "last_event_at": func.max(s.c.started_at)}),
        )
        .select_from(
            day_keys.join(st, and_(st.c.user_id == k.user_id, st.c.local_day == k.day)).join(
                s, and_(s.c.user_id == st.c.user_id, s.c.id == st.c.session_id)
            )
        )
        .group_by(k.user_id, st.c.topic, k.day)
    )
    u = union_all(exchange_part, session_part).subquery("topic_partials")
    source = select(
        u.c.user_id,
        u.c.topic,
        u.c.day,
        *[by_measure[n].combine(u.c[n]).label(n) for n in names],
        literal(now, UTCDateTime()).label("updated_at"),
    ).group_by(u.c.user_id, u.c.topic, u.c.day)
    t = topic_rollups_t
    stmt = insert.from_select(["user_id", "topic", "day", *names, "updated_at"], source)
    return stmt.on_conflict_do_update(
        index_elements=[t.c.user_id, t.c.topic, t.c.day],
        set_={n: stmt.excluded[n] for n in (*names, "updated_at")},
    )


def delete_stale_topic_rollups(day_keys: Subquery) -> Any:
    """DELETE the topic rollups of the keys' days whose topic no longer has an exchange or session that day."""
    t, et, st = topic_rollups_t, exchange_topics_t, session_topics_t
    linked_exchange = select(et.c.user_id).where(
        et.c.user_id == t.c.user_id, et.c.topic == t.c.topic, et.c.local_day == t.c.day
    )
    linked_session = select(st.c.user_id).where(
        st.c.user_id == t.c.user_id, st.c.topic == t.c.topic, st.c.local_day == t.c.day
    )
    return t.delete().where(
        tuple_(t.c.user_id, t.c.day).in_(select(day_keys.c.user_id, day_keys.c.day)),
        ~linked_exchange.exists(),
        ~linked_session.exists(),
    )

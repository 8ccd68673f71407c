"""The export domain without a database: sections, limits, CSV cells, the checksum, and the report."""

from __future__ import annotations

from datetime import UTC, date, datetime

import orjson
import pytest

from learning_analytics.domain.errors import InvalidInput
from learning_analytics.domain.export import (
    ExportFormat,
    ExportHeader,
    ExportLimits,
    ExportPlan,
    ExportSection,
    check_limits,
    parse_sections,
)
from learning_analytics.domain.export.checksum import Checksum, canonical
from learning_analytics.domain.export.encoders import csv_cell
from learning_analytics.domain.export.report import (
    ReportFacts,
    ReportItem,
    ReportPeriod,
    Totals,
    highlights,
    html,
    markdown,
)
from learning_analytics.domain.export.restore import Verifier, to_event
from learning_analytics.domain.periods import DateRange


def test_include_takes_names_aliases_and_all_in_export_order() -> None:
    assert parse_sections("feedback, quality,SESSIONS") == (
        ExportSection.SESSIONS, ExportSection.EXCHANGES, ExportSection.FEEDBACK,
    )  # fmt: skip
    assert parse_sections("all") == tuple(ExportSection)
    assert parse_sections(None) == tuple(ExportSection)
    with pytest.raises(InvalidInput) as e:
        parse_sections("sessions,secrets")
    assert (e.value.field, e.value.code) == ("include", "invalid_section")


def test_limits_name_the_days_then_the_records() -> None:
    plan = ExportPlan(
        format=ExportFormat.JSON, days=DateRange(date(2026, 1, 1), date(2026, 12, 31)), sections=()
    )
    with pytest.raises(InvalidInput) as days:
        check_limits(plan, {}, ExportLimits(max_days=364), field="period")
    with pytest.raises(InvalidInput) as records:
        check_limits(plan, {"sessions": 6, "exchanges": 5}, ExportLimits(max_records=10), field="period")

    assert (days.value.field, days.value.code, days.value.limit) == ("period", "too_many_days", 364)
    assert (records.value.field, records.value.code, records.value.limit) == (
        "include",
        "too_many_records",
        10,
    )
    check_limits(plan, {"sessions": 10}, ExportLimits(max_records=10), field="period")  # at the limit: fine


def test_csv_cells_are_text_a_spreadsheet_reads() -> None:
    assert csv_cell(None) == ""
    assert csv_cell(True) == "true"
    assert csv_cell(datetime(2026, 3, 1, 9, 30, tzinfo=UTC)) == "2026-03-01T09:30:00Z"
    assert csv_cell(date(2026, 3, 1)) == "2026-03-01"
    assert csv_cell(["a", "b"]) == '["a","b"]'
    assert csv_cell(0.25) == 0.25


def test_the_checksum_is_sha256_of_the_canonical_lines() -> None:
    import hashlib

    record = {"b": 1, "a": datetime(2026, 3, 1, tzinfo=UTC)}
    checksum = Checksum()
    checksum.add(ExportSection.SESSIONS, canonical(record))

    expected = hashlib.sha256(b'sessions\t{"a":"2026-03-01T00:00:00Z","b":1}\n').hexdigest()
    assert checksum.hexdigest() == f"sha256:{expected}"
    verifier = Verifier()
    verifier.add(ExportSection.SESSIONS, orjson.loads(canonical(record)))  # read back from a file
    assert verifier.check({"checksum": checksum.hexdigest()}) == checksum.hexdigest()
    with pytest.raises(InvalidInput):
        verifier.check({"checksum": "sha256:00"})


_NASTY = [
    '},{"accuracy":0.5}', '"},{"accuracy":', "\\", 'ends in a backslash \\', "},{", "ünï ✓ \n\t\u0000",
    '{"accuracy":1}', "",
]  # fmt: skip


@pytest.mark.parametrize("fmt", [ExportFormat.JSON, ExportFormat.NDJSON, ExportFormat.CSV])
def test_plain_batches_give_the_records_and_checksum_of_one_record_at_a_time(fmt: ExportFormat) -> None:
    """Plain rows are encoded a slice at a time as one JSON list and cut into records: texts that look
    like record boundaries must not be cut, and the checksum must be the one-by-one checksum."""
    from learning_analytics.domain.export import RecordBatch, encoder_for
    from learning_analytics.domain.export.encoders import SLICE_ROWS
    from learning_analytics.domain.export.model import LIST_SEPARATOR
    from learning_analytics.domain.export.records import FIELDS

    section = ExportSection.EXCHANGES
    fields = FIELDS[section]
    rows = []
    for i in range(SLICE_ROWS + 7):  # two slices
        text = _NASTY[i % len(_NASTY)]
        topics = None if i % 3 == 0 else LIST_SEPARATOR.join(["sql", text or "x", "b"][: 1 + i % 3])
        values = {
            "id": f"e{i}", "session_id": text, "occurred_at": "2026-03-01T09:30:00Z", "local_day": "2026-03-01",
            "local_hour": 9, "quality": i / 7, "relevance": None, "helpfulness": 0.1, "engagement": 1e-7,
            "clarity": None, "accuracy": 0.25, "topics": topics, "user_text": text, "agent_text": None,
        }  # fmt: skip
        rows.append(tuple(values[f] for f in fields))
    batch = RecordBatch(fields=fields, rows=rows, plain=True, joined=(fields.index("topics"),))
    expected = Checksum()
    for record in batch.records():
        expected.add(section, canonical(record))
    header = _header(fmt)

    encoder = encoder_for(fmt)
    body = encoder.begin(header) + encoder.open_section(section) + encoder.records(section, batch)
    body += encoder.close_section(section)
    tail, trailer = encoder.finish()
    body += tail

    assert trailer.checksum == expected.hexdigest()
    assert trailer.row_counts == {"exchanges": len(rows)}
    if fmt is ExportFormat.JSON:
        assert orjson.loads(body)["sections"]["exchanges"] == batch.records()
    elif fmt is ExportFormat.NDJSON:
        lines = [orjson.loads(line) for line in body.splitlines()]
        assert [line["data"] for line in lines[2:-1]] == batch.records()


def _header(fmt: ExportFormat) -> ExportHeader:
    at = datetime(2026, 3, 1, 12, tzinfo=UTC)
    return ExportHeader(
        export_id="x", generated_at=at, format=fmt, user={"id": "u", "name": "U", "timezone": "UTC"},
        start=date(2026, 3, 1), end=date(2026, 3, 1), period_start=at, period_end=at,
        sections=(ExportSection.EXCHANGES,), summary={},
    )  # fmt: skip


def test_a_derived_record_is_not_an_event_and_a_bad_instant_is_named() -> None:
    with pytest.raises(InvalidInput) as derived:
        to_event(ExportSection.DAILY, {}, index=0)
    with pytest.raises(InvalidInput) as instant:
        to_event(ExportSection.SESSIONS, {"id": "s", "started_at": "yesterday"}, index=4)

    assert derived.value.code == "derived"
    assert instant.value.field == "sessions[4].started_at"


def _facts(**current: object) -> ReportFacts:
    base = {
        "sessions": 6,
        "exchanges": 40,
        "minutes": 185.0,
        "avg_quality": 0.82,
        "unique_topics": 4,
        "active_days": 5,
    }
    before = Totals(sessions=4, exchanges=30, minutes=120.0, avg_quality=0.75, unique_topics=3, active_days=4)
    return ReportFacts(
        period=ReportPeriod.WEEKLY, start=date(2026, 11, 14), end=date(2026, 11, 20),
        current=Totals(**{**base, **current}), previous=before, streak=5, longest_streak=9,
        top_topics=[("sql", 20), ("python", 12)], insights=[ReportItem(title="<b>Best day</b>", detail="Tuesdays")],
        goals=[], achievements=[],
    )  # fmt: skip


def test_highlights_compare_with_the_period_before_in_plain_sentences() -> None:
    lines = highlights(_facts())

    # Sessions 6 against 4: +50 %; quality 82 % against 75 %: +7 points.
    assert lines == [
        "You studied 6 sessions and 40 exchanges this week (up 50% on the period before), 185 minutes in all.",
        "You were active on 5 of 7 days.",
        "Average quality was 82%, up 7 points.",
        "Your streak is 5 days (longest 9).",
        "Most practised: sql (20), python (12).",
    ]
    assert highlights(_facts(sessions=0, exchanges=0)) == [
        "No study this week: a short session today starts a new streak."
    ]


def test_markdown_and_html_hold_the_report_with_text_escaped() -> None:
    facts = _facts()
    lines = highlights(facts)

    md = markdown(facts, lines)
    page = html(facts, lines)

    assert md.startswith("# Weekly progress report, 2026-11-14 to 2026-11-20")
    assert "| Sessions | 6 |" in md and "- **<b>Best day</b>** — Tuesdays" in md
    assert "&lt;b&gt;Best day&lt;/b&gt;" in page and "<b>Best day</b>" not in page
    assert "<script" not in page and "<td>Average quality</td><td>82.0%</td>" in page

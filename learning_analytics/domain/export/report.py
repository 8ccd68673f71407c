"""The weekly and monthly progress report (the guide's `generate_progress_report`): the period's
facts, highlights in plain sentences, and the same report as Markdown and as a printable HTML page."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from html import escape


class ReportPeriod(StrEnum):
    WEEKLY = "weekly"
    MONTHLY = "monthly"

    @property
    def days(self) -> int:
        """The local days a report covers, today included: 7 or 30."""
        return 7 if self is ReportPeriod.WEEKLY else 30


@dataclass(frozen=True, slots=True)
class Totals:
    sessions: int
    exchanges: int
    minutes: float
    avg_quality: float | None
    unique_topics: int
    active_days: int


@dataclass(frozen=True, slots=True)
class ReportItem:
    """An insight, goal or achievement as the report lists it."""

    title: str
    detail: str
    at: datetime | None = None


@dataclass(frozen=True, slots=True)
class ReportFacts:
    period: ReportPeriod
    start: date
    end: date
    current: Totals
    previous: Totals
    streak: int
    longest_streak: int
    top_topics: Sequence[tuple[str, int]]
    insights: Sequence[ReportItem]
    goals: Sequence[ReportItem]
    achievements: Sequence[ReportItem]


def _change(now: float, before: float) -> str:
    if before == 0:
        return "" if now == 0 else " (none the period before)"
    percent = (now - before) / before * 100
    if abs(percent) < 1:
        return " (as many as the period before)"
    return f" ({'up' if percent > 0 else 'down'} {abs(percent):.0f}% on the period before)"


def _plural(n: float, word: str) -> str:
    return f"{n:g} {word}{'' if n == 1 else 's'}"


def highlights(facts: ReportFacts) -> list[str]:
    """Plain sentences about the period: activity against the previous period of equal length, quality
    and its change in points, active days, the streak, the most practised topics, new achievements."""
    c, p = facts.current, facts.previous
    span = "week" if facts.period is ReportPeriod.WEEKLY else "month"
    if c.sessions == 0 and c.exchanges == 0:
        return [f"No study this {span}: a short session today starts a new streak."]
    out = [
        f"You studied {_plural(c.sessions, 'session')} and {_plural(c.exchanges, 'exchange')} this {span}"
        f"{_change(c.sessions, p.sessions)}, {c.minutes:.0f} minutes in all.",
        f"You were active on {c.active_days} of {facts.period.days} days.",
    ]
    if c.avg_quality is not None:
        sentence = f"Average quality was {c.avg_quality * 100:.0f}%"
        if p.avg_quality is not None:
            points = (c.avg_quality - p.avg_quality) * 100
            if abs(points) >= 0.5:
                sentence += f", {'up' if points > 0 else 'down'} {abs(points):.0f} points"
        out.append(sentence + ".")
    if facts.streak > 0:
        out.append(f"Your streak is {_plural(facts.streak, 'day')} (longest {facts.longest_streak}).")
    if facts.top_topics:
        names = ", ".join(f"{name} ({n})" for name, n in facts.top_topics[:3])
        out.append(f"Most practised: {names}.")
    if facts.achievements:
        out.append(f"You unlocked {_plural(len(facts.achievements), 'achievement')}.")
    return out


def _title(facts: ReportFacts) -> str:
    kind = "Weekly" if facts.period is ReportPeriod.WEEKLY else "Monthly"
    return f"{kind} progress report, {facts.start.isoformat()} to {facts.end.isoformat()}"


def _rows(facts: ReportFacts) -> list[tuple[str, str]]:
    c = facts.current
    quality = "–" if c.avg_quality is None else f"{c.avg_quality * 100:.1f}%"
    return [
        ("Sessions", str(c.sessions)),
        ("Exchanges", str(c.exchanges)),
        ("Minutes", f"{c.minutes:.0f}"),
        ("Average quality", quality),
        ("Topics", str(c.unique_topics)),
        ("Active days", f"{c.active_days} / {facts.period.days}"),
        ("Current streak", str(facts.streak)),
    ]


def _lists(facts: ReportFacts) -> list[tuple[str, Sequence[ReportItem]]]:
    return [("Insights", facts.insights), ("Goals", facts.goals), ("Achievements", facts.achievements)]


def markdown(facts: ReportFacts, lines: Sequence[str]) -> str:
    """The report as Markdown: title, highlights, a summary table, then insights, goals and achievements."""
    out = [f"# {_title(facts)}", "", "## Highlights", "", *(f"- {line}" for line in lines), ""]
    out += ["## Summary", "", "| | |", "|---|---|", *(f"| {k} | {v} |" for k, v in _rows(facts)), ""]
    for heading, items in _lists(facts):
        out += [f"## {heading}", ""]
        out += [f"- **{i.title}** — {i.detail}" for i in items] or ["None this period."]
        out.append("")
    return "\n".join(out)


STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:48rem;margin:2rem auto;color:#111827;padding:0 1rem}"
    "h1{font-size:1.5rem}h2{font-size:1.1rem;margin-top:1.5rem;border-bottom:1px solid #E5E7EB}"
    "table{border-collapse:collapse}td{padding:.25rem 1rem .25rem 0}td:last-child{text-align:right}"
    "@media print{body{margin:0;max-width:none}}"
)


def html(facts: ReportFacts, lines: Sequence[str]) -> str:
    """The report as a self-contained printable HTML page (its style inline, no script, all text escaped)."""
    title = escape(_title(facts))
    parts = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{title}</title><style>{STYLE}</style></head><body>",
        f"<h1>{title}</h1>",
        "<h2>Highlights</h2><ul>",
        *(f"<li>{escape(line)}</li>" for line in lines),
        "</ul><h2>Summary</h2><table>",
        *(f"<tr><td>{escape(k)}</td><td>{escape(v)}</td></tr>" for k, v in _rows(facts)),
        "</table>",
    ]
    for heading, items in _lists(facts):
        parts.append(f"<h2>{heading}</h2>")
        if items:
            parts.append("<ul>")
            parts += [f"<li><strong>{escape(i.title)}</strong> — {escape(i.detail)}</li>" for i in items]
            parts.append("</ul>")
        else:
            parts.append("<p>None this period.</p>")
    parts.append("</body></html>")
    return "\n".join(parts)

"""What the rules share: the dense daily window, small statistical tests and text formatting."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlencode

from learning_analytics.domain.periods import Granularity
from learning_analytics.domain.rollups import Bucket, Moments, merge_buckets

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# Relative slack of threshold comparisons, so that a change of exactly 10 % computed as
# 0.0999999… still meets a 10 % threshold.
_SLACK = 1e-9


@dataclass(frozen=True, slots=True)
class DailyWindow:
    """One bucket per local day from `first` to `today` (inactive days as empty buckets)."""

    first: date
    today: date
    buckets: tuple[Bucket, ...]

    def day(self, day: date) -> Bucket:
        """The bucket of `day`; an empty one outside the window."""
        offset = (day - self.first).days
        if 0 <= offset < len(self.buckets):
            return self.buckets[offset]
        return Bucket(granularity=Granularity.DAY, day=day)

    def span(self, first: date, last: date) -> list[Bucket]:
        """The buckets of the days from `first` to `last` inclusive that lie inside the window."""
        start = max(0, (first - self.first).days)
        stop = min(len(self.buckets), (last - self.first).days + 1)
        return list(self.buckets[start:stop])

    def merged(self, first: date, last: date) -> Bucket:
        """The days from `first` to `last` merged into one bucket."""
        return merge_buckets(self.span(first, last), granularity=Granularity.DAY, day=first)


def daily_window(buckets: Iterable[Bucket], *, today: date, days: int) -> DailyWindow:
    """The `days` local days ending `today` as a dense window; buckets outside it are ignored."""
    first = today - timedelta(days=days - 1)
    by_day: dict[date, Bucket] = {}
    for bucket in buckets:
        if first <= bucket.day <= today:
            known = by_day.get(bucket.day)
            by_day[bucket.day] = bucket if known is None else known.merge(bucket, granularity=Granularity.DAY)
    dense = tuple(
        by_day.get(day, Bucket(granularity=Granularity.DAY, day=day))
        for day in (first + timedelta(days=i) for i in range(days))
    )
    return DailyWindow(first=first, today=today, buckets=dense)


def at_least(value: float, threshold: float) -> bool:
    """value ≥ threshold, tolerating a relative rounding error of 1e-9."""
    return value >= threshold - _SLACK * max(1.0, abs(threshold))


def moments_of(values: Iterable[float]) -> Moments:
    """The moments (n, Σx, Σx², min, max) of plain values."""
    out = Moments()
    for v in values:
        out = out.merge(Moments(n=1, total=v, sumsq=v * v, min=v, max=v))
    return out


def sample_variance(m: Moments) -> float | None:
    """(Σx² − n·mean²) / (n − 1), clamped at 0; None with fewer than 2 observations."""
    if m.n < 2:
        return None
    mean = m.total / m.n
    return max(0.0, (m.sumsq - m.n * mean * mean) / (m.n - 1))


def welch_p_value(a: Moments, b: Moments) -> float | None:
    """The two-sided p-value of Welch's t-test between two samples given by their moments.

    t = (mean_a − mean_b) / √(s²_a/n_a + s²_b/n_b), with Welch–Satterthwaite degrees of freedom.
    When both variances are 0 the p-value is 0 if the means differ, else 1. None when a sample
    has fewer than 2 observations.
    """
    from scipy import stats

    var_a, var_b = sample_variance(a), sample_variance(b)
    if var_a is None or var_b is None:
        return None
    diff = a.total / a.n - b.total / b.n
    se_a, se_b = var_a / a.n, var_b / b.n
    if se_a + se_b == 0.0:
        return 0.0 if diff != 0.0 else 1.0
    t = diff / math.sqrt(se_a + se_b)
    df = (se_a + se_b) ** 2 / (se_a**2 / (a.n - 1) + se_b**2 / (b.n - 1))
    return float(min(1.0, 2.0 * stats.t.sf(abs(t), df)))


def two_proportion_p_value(k_a: int, n_a: int, k_b: int, n_b: int) -> float | None:
    """The two-sided p-value of the pooled two-proportion z-test of k_a/n_a against k_b/n_b.

    z = (p_a − p_b) / √(p(1 − p)(1/n_a + 1/n_b)), p = (k_a + k_b) / (n_a + n_b). None when a sample
    is empty; 1 when the pooled proportion is 0 or 1 (no variation).
    """
    if n_a <= 0 or n_b <= 0:
        return None
    pooled = (k_a + k_b) / (n_a + n_b)
    if pooled <= 0.0 or pooled >= 1.0:
        return 1.0
    z = (k_a / n_a - k_b / n_b) / math.sqrt(pooled * (1 - pooled) * (1 / n_a + 1 / n_b))
    return math.erfc(abs(z) / math.sqrt(2.0))


def normal_confidence(z: float) -> float:
    """P(|Z| < |z|) for a standard normal Z: erf(|z| / √2) (0.954 at z = 2)."""
    return math.erf(abs(z) / math.sqrt(2.0))


def saturation(n: float, scale: float = 10.0) -> float:
    """A sample-size confidence: 1 − exp(−n / scale) (0.63 at n = scale, 0.95 at 3·scale)."""
    return 1.0 - math.exp(-max(n, 0.0) / scale)


def median(values: Sequence[float]) -> float:
    """The median of a non-empty sequence."""
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2.0


def pct(fraction: float) -> str:
    """A fraction as a whole percentage: 0.123 → "12%"."""
    return f"{fraction * 100:.0f}%"


def num(value: float) -> str:
    """A score or rate with two decimals: 0.8412 → "0.84"."""
    return f"{value:.2f}"


def p_text(p_value: float) -> str:
    """A p-value for a sentence: "p = 0.012", or "p < 0.001"."""
    return "p < 0.001" if p_value < 0.001 else f"p = {p_value:.3f}"


def count(value: float) -> str:
    """A count without trailing zeros: 2.0 → "2", 1.4 → "1.4"."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def plural(n: int, word: str) -> str:
    """ "1 session", "3 sessions"."""
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def day_label(day: date) -> str:
    """A local day as "Mar 3" (fixed English month names: strftime follows the process locale)."""
    return f"{_MONTHS[day.month - 1]} {day.day}"


def r4(value: float) -> float:
    """A number for `Insight.data`, rounded to 4 decimals."""
    return round(value, 4)


# The dashboard's views: every insight link opens one of them.
DASHBOARD_VIEWS = frozenset({"goals", "achievements", "progress", "topics", "insights", "quality"})


def dashboard_url(view: str, **params: str | int) -> str:
    """A relative link to a dashboard view: dashboard_url("topics", topic="ml") → "/?view=topics&topic=ml".
    `view` is one of `DASHBOARD_VIEWS` (anything else is a bug: ValueError)."""
    if view not in DASHBOARD_VIEWS:
        raise ValueError(f"no dashboard view {view!r}: one of {', '.join(sorted(DASHBOARD_VIEWS))}")
    return "/?" + urlencode({"view": view, **params})

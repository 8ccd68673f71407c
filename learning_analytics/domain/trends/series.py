"""The daily-series input model shared by the trend functions, and the rolling average."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

from learning_analytics.domain.errors import InvalidInput

# numpy and scipy are imported by the functions that use them: loading them costs about 100 MB and a
# second, which commands that compute no statistics (an export, an import) should not pay.
if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    FloatArray = NDArray[np.float64]


def available_points(values: Sequence[float | None]) -> tuple[FloatArray, FloatArray]:
    """The (offset, value) pairs of the days that have a value, as two float arrays.

    `values[i]` is the value of the period's i-th calendar day (offset i from the first day).
    Gaps: a None day is skipped and never compressed, so the offsets of the remaining days
    stay their calendar offsets. A non-finite value is a caller bug and raises ValueError.
    """
    import numpy as np

    offsets: list[float] = []
    observed: list[float] = []
    for offset, value in enumerate(values):
        if value is None:
            continue
        if not math.isfinite(value):
            raise ValueError(f"day {offset} has a non-finite value {value!r}")
        offsets.append(float(offset))
        observed.append(float(value))
    return np.asarray(offsets, dtype=np.float64), np.asarray(observed, dtype=np.float64)


def rolling_average(values: Sequence[float | None], window: int) -> list[float | None]:
    """The simple moving average of each day over its trailing `window` calendar days.

    Formula: avg_i = Σ v_j / k over the k available days j in [max(0, i − window + 1), i];
    the first `window − 1` days average what is available (as the seed's
    `calculate_rolling_average`). The result is fractional, never floored.
    Gaps: None days are left out of both the sum and the count k; a day whose whole window
    has no value gets None. The window stays positional (calendar days), never stretched.
    """
    if window < 1:
        raise InvalidInput("window must be at least 1", field="window")
    for offset, value in enumerate(values):
        if value is not None and not math.isfinite(value):
            raise ValueError(f"day {offset} has a non-finite value {value!r}")
    averages: list[float | None] = []
    for i in range(len(values)):
        in_window = [v for v in values[max(0, i - window + 1) : i + 1] if v is not None]
        averages.append(math.fsum(in_window) / len(in_window) if in_window else None)
    return averages

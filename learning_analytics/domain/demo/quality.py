"""How well the demo learner does: a logistic rise over the history, noisy days and sessions, a best
hour, and the five dimensions of each exchange around its composite score."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from ..models import Quality

QUALITY_NOISE = 0.05
DAY_NOISE = 0.025
SESSION_NOISE = 0.015
SUMMARY_NOISE = 0.02
EXCEPTIONAL_BOOST = 0.2
_DIMENSION_NOISE = 0.04
_DIMENSION_BIAS = (0.03, 0.0, -0.04, 0.01, 0.02)  # relevance, helpfulness, engagement, clarity, accuracy
# The learner is sharpest at the 7 o'clock session and tires through the day: a "best hour" to find.
WINDOW_QUALITY = (0.08, 0.0, -0.02, -0.02, -0.04, -0.1)
_RISE_CENTER = 0.65


def unit(value: float) -> float:
    """`value` clipped to [0, 1], to three decimals."""
    return 0.0 if value < 0.0 else 1.0 if value > 1.0 else round(value, 3)


def _logistic(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-5.0 * (x - _RISE_CENTER)))


@dataclass(frozen=True, slots=True)
class QualityCurve:
    """The learner's level from the first day of the history (`start`) to the last (`end`)."""

    start: float
    end: float

    @classmethod
    def drawn(cls, rng: random.Random) -> QualityCurve:
        # Slightly above the targets (0.62 → 0.85): the weak and emerging topics pull the realised mean down.
        start = 0.635 + rng.gauss(0.0, 0.015)
        return cls(start=start, end=0.87 + rng.gauss(0.0, 0.015))

    def at(self, progress: float) -> float:
        """The level at `progress` (0 first day, 1 last): a logistic rise from `start` to `end`, steepest
        past the middle (at `_RISE_CENTER`), so the learner is still clearly improving in the last weeks."""
        low, high, s = _logistic(0.0), _logistic(1.0), _logistic(progress)
        return self.start + (self.end - self.start) * (s - low) / (high - low)


def exchange_quality(rng: random.Random, composite: float) -> Quality:
    """An exchange's scores: the composite, and each dimension around it with its own bias and noise."""
    gauss, b = rng.gauss, _DIMENSION_BIAS
    return Quality(
        unit(composite),
        unit(composite + b[0] + gauss(0.0, _DIMENSION_NOISE)),
        unit(composite + b[1] + gauss(0.0, _DIMENSION_NOISE)),
        unit(composite + b[2] + gauss(0.0, _DIMENSION_NOISE)),
        unit(composite + b[3] + gauss(0.0, _DIMENSION_NOISE)),
        unit(composite + b[4] + gauss(0.0, _DIMENSION_NOISE)),
    )

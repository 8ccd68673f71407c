"""Session durations: the median, from the middle of the sorted durations as the database finds it."""

from __future__ import annotations

from collections.abc import Sequence


def median_of_middle(middle: Sequence[float]) -> float | None:
    """The median of a sorted series from its middle value(s): one for an odd length, two for an even
    one (their mean); None for an empty series. The database sorts and picks them, so a period of any
    number of sessions costs one row or two."""
    if not middle:
        return None
    if len(middle) > 2:
        raise ValueError("a median has at most two middle values")
    return sum(middle) / len(middle)


def middle_positions(n: int) -> tuple[int, ...]:
    """The 1-based positions of the middle of n sorted values: ((n + 1) // 2, (n + 2) // 2), once
    each (one position for an odd n, two for an even one, none for 0)."""
    if n <= 0:
        return ()
    return tuple(dict.fromkeys(((n + 1) // 2, (n + 2) // 2)))

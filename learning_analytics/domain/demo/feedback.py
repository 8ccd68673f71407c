"""The demo learner's feedback: about a third of the exchanges get some, and weaker answers draw more
corrections and thumbs down, so the correction rate falls as quality rises."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from ..models import FeedbackInput, FeedbackKind

FEEDBACK_RATE = 0.32
_COMMENTS: dict[FeedbackKind, tuple[str, ...]] = {
    FeedbackKind.THUMBS_UP: ("Very clear, thanks!", "Great example.", "That finally clicked."),
    FeedbackKind.THUMBS_DOWN: ("Too long.", "Not what I asked.", "Too vague."),
    FeedbackKind.CORRECTION: ("Step 2 is wrong.", "That date is off.", "These two terms are mixed up."),
    FeedbackKind.CLARIFICATION: ("Can you say that more simply?", "What does that term mean?"),
    FeedbackKind.COPY: (),
}


def feedback_kind(u: float, composite: float) -> FeedbackKind:
    """The kind of feedback drawn `u` (uniform below `FEEDBACK_RATE`) gives an answer of `composite`."""
    correction = min(0.15, max(0.01, 0.06 + 0.35 * (0.75 - composite)))
    clarification = correction + 0.04
    copy = clarification + 0.035
    thumbs_down = copy + (0.06 if composite < 0.6 else 0.02)
    return (
        FeedbackKind.CORRECTION if u < correction
        else FeedbackKind.CLARIFICATION if u < clarification
        else FeedbackKind.COPY if u < copy
        else FeedbackKind.THUMBS_DOWN if u < thumbs_down
        else FeedbackKind.THUMBS_UP
    )  # fmt: skip


def feedback_on(
    rng: random.Random, *, feedback_id: str, exchange_id: str, at: datetime, kind: FeedbackKind
) -> FeedbackInput:
    """Feedback of `kind` a few seconds after the exchange at `at`: rated 1 (thumbs up) or 0 (down),
    with one of the kind's comments a fifth of the time."""
    rand = rng.random
    rating = 1.0 if kind is FeedbackKind.THUMBS_UP else 0.0 if kind is FeedbackKind.THUMBS_DOWN else None
    comments = _COMMENTS[kind]
    comment = comments[int(rand() * len(comments))] if comments and rand() < 0.2 else None
    return FeedbackInput(
        feedback_id, exchange_id, kind, at + timedelta(seconds=3 + int(rand() * 35)), rating, comment
    )

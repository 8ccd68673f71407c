"""GraphQL enums, exposing the domain's enums under the contract's names."""

from __future__ import annotations

import strawberry

from ..domain.models import FeedbackKind

strawberry.enum(FeedbackKind, name="FeedbackKind", description="What a learner did with an answer.")

__all__ = ["FeedbackKind"]

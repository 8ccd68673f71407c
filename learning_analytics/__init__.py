"""learning-analytics: a GraphQL analytics API for learners."""

__version__ = "0.1.0"

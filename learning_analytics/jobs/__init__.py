"""Scheduled jobs: rollup folds and retention now; insight generation and goal evaluation plug in here."""

from __future__ import annotations

from .scheduler import JobScheduler, ScheduledJob, default_jobs, running

__all__ = ["JobScheduler", "ScheduledJob", "default_jobs", "running"]

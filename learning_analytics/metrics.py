"""Prometheus metrics: the seed's dashboard metrics, GraphQL operations, ingestion, the cache and the fold.

Counters and histograms are counted where things happen; the fold's lag and failing learners are
read from the database at scrape, and the cache hit rate is computed at scrape from the lookups.

Several worker processes (`serve --workers N`) export through prometheus-client's multiprocess
mode: each process writes its samples under `PROMETHEUS_MULTIPROC_DIR` (`serve` makes a fresh
directory when it is not set) and `/metrics`, whichever worker answers, sums them over all workers.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client import generate_latest as _generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .cache import CacheLookup, Freshness
from .domain.models import IngestSummary
from .resolvers import ingest, rollups
from .resolvers.runtime import DatabaseBusy, Runtime

log = logging.getLogger(__name__)
MULTIPROCESS_DIR = "PROMETHEUS_MULTIPROC_DIR"

FOLD_FAILURES = Counter(
    "analytics_fold_failures",
    "Learner folds that failed in this process (the learner's dirty marks stay for the next fold).",
    ["kind"],
)
for _kind in ("fold", "rebuild"):
    FOLD_FAILURES.labels(kind=_kind)  # exported as 0 from the start, so a rate() sees the first failure
GOAL_EVALUATION_FAILURES = Counter(
    "analytics_goal_evaluation_failures",
    "Learners whose goal and achievement evaluation failed in this process (retried at the next pass).",
)
FOLD_LAG = Gauge(
    "analytics_fold_lag_seconds",
    "Age of the oldest dirty mark not folded yet, over every learner (0 when nothing waits).",
    multiprocess_mode="mostrecent",
)
FOLD_FAILING_LEARNERS = Gauge(
    "analytics_fold_failing_learners",
    "Learners whose last fold failed and whose events therefore wait in the dirty marks.",
    multiprocess_mode="mostrecent",
)
REQUESTS = Counter(
    "analytics_dashboard_requests",
    "Requests to the GraphQL endpoint and the REST routes, by endpoint and HTTP status.",
    ["endpoint", "status"],
)
LATENCY = Histogram(
    "analytics_dashboard_latency_seconds",
    "Time from a request's arrival to its response's last byte, by endpoint.",
    ["endpoint"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5),
)
AGGREGATION = Histogram(
    "analytics_aggregation_duration_seconds",
    "Duration of a rollup fold that did work (`interval`: fold or rebuild).",
    ["interval"],
    buckets=(0.01, 0.05, 0.1, 0.5, 1.0, 2.5, 5.0, 10.0),
)
OPERATIONS = Counter(
    "analytics_graphql_operations",
    "GraphQL operations by root fields (`operation`) and outcome: ok, error, invalid, or cached.",
    ["operation", "outcome"],
)
INGESTED = Counter(
    "analytics_ingested_items",
    "Ingested sessions, exchanges and feedback, by kind and outcome (accepted or duplicate).",
    ["kind", "outcome"],
)
INGEST_REJECTED = Counter(
    "analytics_ingest_rejected_batches",
    "Ingestion batches refused as invalid (nothing of them stored), from REST or GraphQL.",
)
CACHE_LOOKUPS = Counter(
    "analytics_cache_lookups",
    "Response cache lookups: hit (fresh), stale (served while refreshed) or miss.",
    ["result"],
)


# Labelled children by label values: `labels()` costs microseconds a call, too much for a cache hit.
_children: dict[tuple[object, ...], Any] = {}


def _child(metric: Any, *values: str) -> Any:
    k = (metric, *values)
    found = _children.get(k)
    if found is None:
        found = _children[k] = metric.labels(*values)
    return found


def graphql_operation(operation: str, outcome: str) -> None:
    _child(OPERATIONS, operation, outcome).inc()


def cache_lookup(lookup: CacheLookup) -> None:
    result = "miss" if not lookup.hit else "stale" if lookup.freshness is Freshness.STALE else "hit"
    _child(CACHE_LOOKUPS, result).inc()


def cache_hit() -> None:
    """A fresh hit answered before routing (`edge.hits`)."""
    _child(CACHE_LOOKUPS, "hit").inc()


def answered(path: str, status: int, seconds: float) -> None:
    """A request answered before this module's middleware ran (`edge.hits`), counted as it would."""
    endpoint = endpoint_of(path)
    if endpoint is not None:
        _child(REQUESTS, endpoint, str(status)).inc()
        _child(LATENCY, endpoint).observe(seconds)


def ingested(summary: IngestSummary | None) -> None:
    """Count a batch's accepted and duplicate items, or a refused batch (None)."""
    if summary is None:
        INGEST_REJECTED.inc()
        return
    for kind, counts in (
        ("sessions", summary.sessions),
        ("exchanges", summary.exchanges),
        ("feedback", summary.feedback),
    ):
        if counts.accepted:
            INGESTED.labels(kind=kind, outcome="accepted").inc(counts.accepted)
        if counts.duplicates:
            INGESTED.labels(kind=kind, outcome="duplicate").inc(counts.duplicates)


ingest.INGEST_OBSERVERS.append(ingested)


def aggregation(kind: str, duration_ms: float) -> None:
    AGGREGATION.labels(interval=kind).observe(duration_ms / 1000)


async def refresh(runtime: Runtime, *, now: datetime) -> None:
    """Read the fold's lag and failing learners from the database (shared by every process)."""
    try:
        health = await rollups.fold_health(runtime)
    except DatabaseBusy:
        log.info("fold gauges not refreshed: the database is busy")
        return
    lag = (now - health.oldest_mark).total_seconds() if health.oldest_mark else 0.0
    FOLD_LAG.set(max(0.0, lag))
    FOLD_FAILING_LEARNERS.set(health.failing_learners)


class _HitRate:
    """`analytics_cache_hit_rate`: served from the cache (fresh or stale) over all lookups, from the
    lookup counters of `source` (this process's registry, or every worker's in multiprocess mode)."""

    def __init__(self, source: CollectorRegistry) -> None:
        self.source = source

    def collect(self) -> Iterable[Metric]:
        counts = {"hit": 0.0, "stale": 0.0, "miss": 0.0}
        for metric in self.source.collect():
            if metric.name == "analytics_cache_lookups":
                for sample in metric.samples:
                    if sample.name.endswith("_total") and sample.labels.get("result") in counts:
                        counts[sample.labels["result"]] += sample.value
        total = sum(counts.values())
        rate = (counts["hit"] + counts["stale"]) / total if total else 0.0
        yield GaugeMetricFamily(
            "analytics_cache_hit_rate", "Share of response cache lookups answered from the cache.", value=rate
        )


def exposition() -> tuple[bytes, str]:
    """The text exposition of every metric (summed over the workers in multiprocess mode)."""
    if os.environ.get(MULTIPROCESS_DIR):
        registry = CollectorRegistry()
        MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    else:
        registry = REGISTRY
    rate = CollectorRegistry()
    rate.register(_HitRate(registry))
    return _generate_latest(registry) + _generate_latest(rate), CONTENT_TYPE_LATEST


def endpoint_of(path: str) -> str | None:
    """The endpoint label of a request path: `/graphql` and the REST routes; None for the rest."""
    if path == "/graphql":
        return path
    if path.startswith("/api/analytics/"):
        return "/".join(path.split("/", 4)[:4])  # `/api/analytics/goals/17` counts as `…/goals`
    return None


class RequestMetrics:
    """Counts requests to the API by endpoint and status and times them (a pure ASGI middleware).
    A path no route answers (404) is counted as `unmatched`, so clients cannot grow the label set."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        endpoint = endpoint_of(scope["path"]) if scope["type"] == "http" else None
        if endpoint is None:
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            label = "unmatched" if status in (404, 405) else endpoint
            _child(REQUESTS, label, str(status)).inc()
            _child(LATENCY, label).observe(time.perf_counter() - started)

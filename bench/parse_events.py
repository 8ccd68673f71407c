"""Parse time of events bodies: demo batches of ~1,000 exchanges (with their sessions and feedback),
raw JSON bytes → a domain EventBatch, as `POST /api/analytics/events` and `import` do it. Usage:

    .venv/bin/python bench/parse_events.py [--exchanges 20000] [--rounds 20]
"""

from __future__ import annotations

import argparse
import statistics
import time

from ingest import build_batches

from learning_analytics.wire.events import parse_events_json


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--exchanges", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    batches = build_batches(args.exchanges, 1000)
    size = sum(map(len, batches)) // len(batches)
    print(f"{len(batches)} batches of ~1,000 exchanges, {size:,} bytes each on average")
    per_batch: list[float] = []
    for _ in range(args.rounds):
        start = time.perf_counter()
        for body in batches:
            parse_events_json(body, max_items=10_000)
        per_batch.append((time.perf_counter() - start) / len(batches) * 1000)
    print(f"per batch: median {statistics.median(per_batch):.2f} ms, best {min(per_batch):.2f} ms")


if __name__ == "__main__":
    main()

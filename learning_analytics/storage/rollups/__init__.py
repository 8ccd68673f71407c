"""The rollups: the write pipeline (`marks` at ingest, `fold` through `sql` over `measures`, `runs`,
`retention`) and the reads (`reads`, `topics`, the heatmaps' lean `activity`, with `fallback` below
a retention `horizons` day).

No names are re-exported here: callers import the module they need."""

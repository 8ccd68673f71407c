"""JSON shapes shared by the edges (REST routes, the CLI): parsed straight into domain values."""

"""Storage: tables, engines, repositories and rollup SQL. Nothing above this package writes SQL."""

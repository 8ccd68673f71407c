"""Storage: tables, engines, repositories and rollup SQL, returning domain values. Nothing above this
package writes SQL, and nothing here reads the settings: they arrive as values."""

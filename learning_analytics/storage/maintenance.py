"""Database housekeeping: a liveness ping, and the statistics a bulk load calls for."""

from __future__ import annotations

from sqlalchemy import text

from .db import Database


async def ping(db: Database) -> None:
    """Run `SELECT 1` on a read connection: raises whatever keeps the database from answering."""
    async with db.read() as conn:
        await conn.execute(text("SELECT 1"))


async def analyze(db: Database) -> None:
    """Refresh the planner's statistics (ANALYZE), as both databases advise after a bulk load.

    On PostgreSQL this matters most: foreign-key checks are planned once per connection, and a plan
    made while a table was empty scans the whole table for every checked row until statistics move.
    """
    async with db.writer.connect() as conn:
        if db.is_sqlite:
            await conn.exec_driver_sql("ANALYZE")
            await conn.commit()
        else:
            await conn.execution_options(isolation_level="AUTOCOMMIT")
            await conn.execute(text("ANALYZE"))

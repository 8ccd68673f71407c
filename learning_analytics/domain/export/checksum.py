"""The export's checksum: SHA-256 over its records in a canonical form, so the same data gives the
same checksum whatever the format, the time or the database it was exported from.

For each section in export order and each of its records in order, the hash takes the line
`<section>\\t<record as JSON with sorted keys, UTC instants as ...Z>\\n`. Metadata (export id, time)
and the summary are left out: they describe the export, not the data.
"""

from __future__ import annotations

import hashlib

import orjson

from .model import ExportRecord, ExportSection

CANONICAL = orjson.OPT_SORT_KEYS | orjson.OPT_UTC_Z | orjson.OPT_NON_STR_KEYS


def canonical(record: ExportRecord) -> bytes:
    """A record's canonical JSON: sorted keys, no blanks, instants in UTC with `Z`."""
    return orjson.dumps(record, option=CANONICAL)


class Checksum:
    """Accumulates records (as canonical JSON) and gives `sha256:<hex>`."""

    def __init__(self) -> None:
        self._hash = hashlib.sha256()

    def add(self, section: ExportSection, encoded: bytes) -> None:
        """Add one record already in canonical form (`canonical(record)`)."""
        self._hash.update(section.value.encode())
        self._hash.update(b"\t")
        self._hash.update(encoded)
        self._hash.update(b"\n")

    def add_lines(self, lines: bytes) -> None:
        """Add records already framed as their lines (`<section>\\t<canonical record>\\n` each)."""
        self._hash.update(lines)

    def hexdigest(self) -> str:
        return f"sha256:{self._hash.hexdigest()}"

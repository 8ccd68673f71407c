"""Streaming encoders: each turns the header, the records of each section in turn, and the end into
bytes as they come, holding no more than the records it was just given. The same records give the
same checksum (see checksum.py) whatever the format.

- JSON: the architecture's `ExportData` as one object: `metadata`, `summary`, `sections` (a list of
  records per section), then `row_counts` and `checksum`.
- NDJSON: one JSON object a line: `{"type": "metadata", …}`, `{"type": "summary", …}`, one
  `{"type": "record", "section": …, "data": {…}}` per record, and `{"type": "end", "row_counts",
  "checksum"}` last.
- CSV: a zip (written as a stream: sizes in data descriptors) holding `learning_export_<date>/` with
  `summary.csv`, one CSV file per section, and `README.txt` (the metadata, row counts, the export's
  checksum and each file's SHA-256).
"""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from datetime import date, datetime
from typing import IO, Any, Protocol

import orjson

from .checksum import CANONICAL, Checksum
from .model import ExportFormat, ExportHeader, ExportSection, ExportTrailer, RecordBatch, split_list
from .records import FIELDS

# Records encoded at a time within a batch: thousands of small bytes objects alive at once cost more
# to allocate than their size suggests (measured: 500–2,000 a slice is about twice as fast as 10,000).
SLICE_ROWS = 1000
COMPRESS_LEVEL = 1


class Encoder(Protocol):
    def begin(self, header: ExportHeader) -> bytes: ...
    def open_section(self, section: ExportSection) -> bytes: ...
    def records(self, section: ExportSection, batch: RecordBatch) -> bytes: ...
    def close_section(self, section: ExportSection) -> bytes: ...
    def finish(self) -> tuple[bytes, ExportTrailer]: ...


class _Counting:
    """Row counts and the checksum, shared by every encoder."""

    def __init__(self) -> None:
        self.checksum = Checksum()
        self.row_counts: dict[str, int] = {}
        self._lists = _JoinedItems()
        self._texts = _JoinedTexts(self._lists)

    def _count(self, section: ExportSection, n: int) -> None:
        self.row_counts[section.value] = self.row_counts.get(section.value, 0) + n

    def trailer(self) -> ExportTrailer:
        return ExportTrailer(row_counts=dict(self.row_counts), checksum=self.checksum.hexdigest())

    def _canonical(self, section: ExportSection, batch: RecordBatch) -> Iterator[_Slice]:
        """The batch's records in canonical form (see checksum.py), a slice at a time, each slice
        counted and added to the checksum."""
        fields, rows = batch.fields, batch.rows
        items = self._lists
        joined = [fields[i] for i in batch.joined]
        # Plain records are flat (no object inside): a slice of them is encoded as one JSON array.
        first_key = min(fields).encode() if batch.plain else None
        tag = section.value.encode() + b"\t"
        for first in range(0, len(rows), SLICE_ROWS):
            records = [dict(zip(fields, row, strict=True)) for row in rows[first : first + SLICE_ROWS]]
            for name in joined:
                for record in records:
                    record[name] = items[record[name]]
            if first_key is None:
                encoded = _Slice(parts=[orjson.dumps(r, option=CANONICAL) for r in records])
            else:
                whole = orjson.dumps(records, option=CANONICAL)
                encoded = _Slice(joined=whole[1:-1], first_key=first_key)
            self.checksum.add_lines(encoded.framed(tag, b"\n"))
            self._count(section, len(records))
            yield encoded


class _Slice:
    """Records in canonical form, as a list of encodings (`parts`) or all of them in one piece
    separated by commas (`joined`, as orjson writes a list of flat records)."""

    def __init__(
        self, *, parts: list[bytes] | None = None, joined: bytes | None = None, first_key: bytes | None = None
    ) -> None:
        self.parts = parts
        self._joined = joined
        self._first = b'{"' + (first_key or b"") + b'":'

    @property
    def joined(self) -> bytes:
        """The records separated by commas (the body of a JSON list)."""
        if self._joined is None:
            assert self.parts is not None
            self._joined = b",".join(self.parts)
        return self._joined

    def framed(self, before: bytes, after: bytes) -> bytes:
        """Each record between `before` and `after`, one after the other."""
        if self.parts is not None:
            return before + (after + before).join(self.parts) + after
        # In orjson's compact output of flat records, `},{"<first key>":` can only be the boundary
        # between two records: inside a string every `"` is escaped, and an object closes only at a
        # record's end. (A string ending in `},{` is followed by `,` `:` or `}`, never by a key.)
        first = self._first
        return before + self.joined.replace(b"}," + first, b"}" + after + before + first) + after


class _JoinedItems(dict[str | None, tuple[str, ...]]):
    """Joined lists (see `RecordBatch.joined`) as sorted tuples, remembered (a learner's topic
    combinations repeat): `lists[joined]`, computed when missing. At most a few thousand are kept."""

    def __missing__(self, joined: str | None) -> tuple[str, ...]:
        if len(self) > 4096:
            self.clear()
        found = self[joined] = tuple(split_list(joined))
        return found


class _JoinedTexts(dict[str | None, str]):
    """Joined lists as JSON text (CSV cells), remembered likewise."""

    def __init__(self, items: _JoinedItems) -> None:
        super().__init__()
        self._items = items

    def __missing__(self, joined: str | None) -> str:
        if len(self) > 4096:
            self.clear()
        found = self[joined] = orjson.dumps(self._items[joined]).decode()
        return found


def _dumps(value: Any) -> bytes:
    return orjson.dumps(value, option=CANONICAL)


class JsonEncoder(_Counting):
    def __init__(self) -> None:
        super().__init__()
        self._sections = 0
        self._first_record = True

    def begin(self, header: ExportHeader) -> bytes:
        return (
            b'{"metadata":' + _dumps(header.metadata()) + b',"summary":' + _dumps(dict(header.summary))
            + b',"sections":{'
        )  # fmt: skip

    def open_section(self, section: ExportSection) -> bytes:
        self._count(section, 0)
        self._first_record = True
        prefix = b"," if self._sections else b""
        self._sections += 1
        return prefix + _dumps(section.value) + b":["

    def records(self, section: ExportSection, batch: RecordBatch) -> bytes:
        out = bytearray()
        for encoded in self._canonical(section, batch):
            if not self._first_record:
                out += b","
            self._first_record = False
            out += encoded.joined
        return bytes(out)

    def close_section(self, section: ExportSection) -> bytes:
        return b"]"

    def finish(self) -> tuple[bytes, ExportTrailer]:
        trailer = self.trailer()
        tail = (
            b'},"row_counts":'
            + _dumps(trailer.row_counts)
            + b',"checksum":'
            + _dumps(trailer.checksum)
            + b"}"
        )
        return tail, trailer


class NdjsonEncoder(_Counting):
    def begin(self, header: ExportHeader) -> bytes:
        return (
            _dumps({"type": "metadata", **header.metadata()}) + b"\n"
            + _dumps({"type": "summary", "summary": dict(header.summary)}) + b"\n"
        )  # fmt: skip

    def open_section(self, section: ExportSection) -> bytes:
        self._count(section, 0)
        return b""

    def records(self, section: ExportSection, batch: RecordBatch) -> bytes:
        prefix = b'{"type":"record","section":' + _dumps(section.value) + b',"data":'
        return b"".join([encoded.framed(prefix, b"}\n") for encoded in self._canonical(section, batch)])

    def close_section(self, section: ExportSection) -> bytes:
        return b""

    def finish(self) -> tuple[bytes, ExportTrailer]:
        trailer = self.trailer()
        end = {"type": "end", "row_counts": trailer.row_counts, "checksum": trailer.checksum}
        return _dumps(end) + b"\n", trailer


class _Sink(io.RawIOBase):
    """A write-only, non-seekable stream that keeps what was written until it is taken: zipfile then
    writes each entry's sizes in a data descriptor after its data, as a streamed zip must."""

    def __init__(self) -> None:
        super().__init__()
        self._buffer = bytearray()
        self._position = 0

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        view = memoryview(data)
        self._buffer += view
        self._position += len(view)
        return len(view)

    def tell(self) -> int:
        return self._position

    def take(self) -> bytes:
        out = bytes(self._buffer)
        self._buffer.clear()
        return out


def csv_cell(value: Any) -> Any:
    """A record value as a CSV cell: instants in UTC ISO 8601 with `Z`, lists and objects as JSON,
    booleans as true/false, None as empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime | date):
        return orjson.dumps(value, option=CANONICAL).decode().strip('"')
    if isinstance(value, list | dict):
        return orjson.dumps(value, option=CANONICAL).decode()
    return value


class CsvZipEncoder(_Counting):
    def __init__(self) -> None:
        super().__init__()
        self._sink = _Sink()
        self._zip = zipfile.ZipFile(self._sink, mode="w", compression=zipfile.ZIP_DEFLATED)
        self._root = "learning_export"
        self._entry: IO[bytes] | None = None
        self._entry_hash = hashlib.sha256()
        self._file_hashes: dict[str, str] = {}
        self._header: ExportHeader | None = None
        self._text = io.StringIO()
        self._csv = csv.writer(self._text, lineterminator="\r\n")

    def _write(self, text_rows: Sequence[Sequence[Any]]) -> None:
        assert self._entry is not None
        self._csv.writerows(text_rows)
        data = self._text.getvalue().encode()
        self._text.seek(0)
        self._text.truncate()
        self._entry_hash.update(data)
        self._entry.write(data)

    def _open(self, name: str) -> None:
        info = zipfile.ZipInfo(f"{self._root}/{name}", date_time=self._timestamp())
        info.compress_type = zipfile.ZIP_DEFLATED
        # zlib's fastest level: a third of the default's time on CSV, for a somewhat larger file.
        info._compresslevel = COMPRESS_LEVEL  # type: ignore[attr-defined]  # ZipFile.open's own way
        self._entry = self._zip.open(info, mode="w", force_zip64=True)
        self._entry_hash = hashlib.sha256()

    def _close(self, name: str) -> None:
        assert self._entry is not None
        self._entry.close()
        self._entry = None
        self._file_hashes[name] = self._entry_hash.hexdigest()

    def _timestamp(self) -> tuple[int, int, int, int, int, int]:
        at = self._header.generated_at if self._header else datetime(1980, 1, 1)
        return (max(at.year, 1980), at.month, at.day, at.hour, at.minute, at.second)

    def begin(self, header: ExportHeader) -> bytes:
        self._header = header
        self._root = f"learning_export_{header.generated_at.date().isoformat()}"
        self._open("summary.csv")
        rows: list[list[Any]] = [["metric", "value"]]
        rows += [["start", header.start.isoformat()], ["end", header.end.isoformat()]]
        rows += [[key, csv_cell(value)] for key, value in header.summary.items()]
        self._write(rows)
        self._close("summary.csv")
        return self._sink.take()

    def open_section(self, section: ExportSection) -> bytes:
        self._count(section, 0)
        self._open(section.csv_name)
        self._write([FIELDS[section]])
        return self._sink.take()

    def records(self, section: ExportSection, batch: RecordBatch) -> bytes:
        for _ in self._canonical(section, batch):
            pass  # the checksum and the counts; the CSV cells come from the rows themselves
        if batch.rows:
            self._write(self._cells(batch))
        return self._sink.take()

    def _cells(self, batch: RecordBatch) -> Sequence[Sequence[Any]]:
        """The rows as CSV cells (see `csv_cell`). Plain rows are written as they are (None is an empty
        cell, numbers and text as such) but for their joined lists, written as JSON text."""
        rows = batch.rows
        if not batch.plain:
            return [[csv_cell(value) for value in row] for row in rows]
        if not batch.joined:
            return rows
        texts = self._texts
        if len(batch.joined) == 1:
            (i,) = batch.joined
            return [(*row[:i], texts[row[i]], *row[i + 1 :]) for row in rows]
        cells: list[Sequence[Any]] = []
        for row in rows:
            cell = list(row)
            for i in batch.joined:
                cell[i] = texts[cell[i]]
            cells.append(cell)
        return cells

    def close_section(self, section: ExportSection) -> bytes:
        self._close(section.csv_name)
        return self._sink.take()

    def finish(self) -> tuple[bytes, ExportTrailer]:
        trailer = self.trailer()
        assert self._header is not None
        self._open("README.txt")
        assert self._entry is not None
        readme = readme_text(self._header, trailer, self._file_hashes).encode()
        self._entry.write(readme)
        self._entry.close()
        self._entry = None
        self._zip.close()
        return self._sink.take(), trailer


def readme_text(header: ExportHeader, trailer: ExportTrailer, file_hashes: Mapping[str, str]) -> str:
    """README.txt of the CSV zip: what the export holds and how to check it."""
    meta = header.metadata()
    lines = [
        "learning-analytics export",
        "",
        f"export id:     {meta['export_id']}",
        f"generated at:  {header.generated_at.isoformat()}",
        f"learner:       {header.user.get('id', '')} ({header.user.get('timezone', '')})",
        f"name:          {header.user.get('name', '')}",
        f"local days:    {header.start.isoformat()} .. {header.end.isoformat()}",
        f"period (UTC):  {header.period_start.isoformat()} .. {header.period_end.isoformat()}",
        f"sections:      {', '.join(meta['sections'])}",
        f"checksum:      {trailer.checksum}",
        "",
        "The checksum is SHA-256 over every record, section by section, each as the line",
        "`<section>\\t<record as JSON with sorted keys>\\n`: the JSON and NDJSON exports of the same",
        "data carry the same one.",
        "",
        "rows:",
        *(f"  {section}: {count}" for section, count in trailer.row_counts.items()),
        "",
        "SHA-256 of each file:",
        *(f"  {name}: {digest}" for name, digest in file_hashes.items()),
        "",
    ]
    return "\n".join(lines)


def encoder_for(format: ExportFormat) -> Encoder:
    if format is ExportFormat.JSON:
        return JsonEncoder()
    if format is ExportFormat.NDJSON:
        return NdjsonEncoder()
    return CsvZipEncoder()

"""Exports and reports: the sections and formats, their limits, the canonical checksum, the streaming
encoders (JSON, NDJSON, CSV zip) and the weekly/monthly report. Pure: bytes in memory, no IO."""

from .checksum import Checksum
from .encoders import CsvZipEncoder, Encoder, JsonEncoder, NdjsonEncoder, encoder_for
from .model import (
    RAW_SECTIONS,
    ExportFormat,
    ExportHeader,
    ExportLimits,
    ExportPlan,
    ExportRecord,
    ExportSection,
    ExportTrailer,
    RecordBatch,
    check_limits,
    parse_sections,
)

__all__ = [
    "RAW_SECTIONS",
    "Checksum",
    "CsvZipEncoder",
    "Encoder",
    "ExportFormat",
    "ExportHeader",
    "ExportLimits",
    "ExportPlan",
    "ExportRecord",
    "ExportSection",
    "ExportTrailer",
    "JsonEncoder",
    "NdjsonEncoder",
    "RecordBatch",
    "check_limits",
    "encoder_for",
    "parse_sections",
]

"""Writing exports as JSON Lines, CSV or Parquet. The field contract is in docs/export.md."""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from . import analysis
from .store import ARTICLE_EXPORT_FIELDS, COPY_EXPORT_FIELDS, EVENT_EXPORT_FIELDS, Store

FORMATS = ("jsonl", "csv", "parquet")


@dataclass(frozen=True)
class ExportKind:
    """One ``detente export KIND``: its documented fields and where its rows come from."""

    fields: tuple[str, ...]
    rows: Callable[[Store], Iterable[dict[str, Any]]]
    # Fields stored as text in Parquet whatever their name suggests (a story's start and
    # end are dates, not offsets).
    text_fields: tuple[str, ...] = ()


# The export contract (docs/export.md). Later stages add their kinds here.
MENTION_EXPORT_FIELDS = (
    "article_id", "start", "end", "text", "actor_code", "actor_name", "kind", "confidence",
    "sentence", "sentence_start", "sentence_end", "method", "country", "role", "actor_id",
    "person_id", "affiliation",
)  # fmt: skip
ACTOR_EXPORT_FIELDS = (
    "id", "code", "name", "kind", "country", "source", "aliases", "roles", "n_mentions",
)  # fmt: skip

EXPORT_KINDS: dict[str, ExportKind] = {
    "articles": ExportKind(ARTICLE_EXPORT_FIELDS, lambda store: store.iter_articles_for_export()),
    "events": ExportKind(EVENT_EXPORT_FIELDS, lambda store: store.iter_events_for_export()),
    "copies": ExportKind(COPY_EXPORT_FIELDS, lambda store: store.iter_copy_links_for_export()),
    "mentions": ExportKind(MENTION_EXPORT_FIELDS, lambda store: store.iter_mentions_for_export()),
    "actors": ExportKind(
        ACTOR_EXPORT_FIELDS, lambda store: store.iter_actors_for_export(), ("id",)
    ),
    # analysis
    "stories": ExportKind(analysis.STORY_FIELDS, analysis.story_rows, ("start", "end")),
    "quotes": ExportKind(analysis.QUOTE_FIELDS, analysis.quote_rows),
    "quantities": ExportKind(analysis.QUANTITY_FIELDS, analysis.quantity_rows, ("sentence",)),
    "claims": ExportKind(analysis.CLAIM_FIELDS, analysis.claim_rows),
    "dyads": ExportKind(analysis.DYAD_FIELDS, analysis.dyad_rows),
}


def _csv_value(value: Any) -> Any:
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return "" if value is None else value


def write_rows(
    rows: Iterable[dict[str, Any]],
    fields: tuple[str, ...],
    fmt: str,
    out: Path | None,
    text_fields: tuple[str, ...] = (),
) -> int:
    """Write rows; returns how many. ``out=None`` writes JSONL/CSV to standard output."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r} (choose from {', '.join(FORMATS)})")
    if fmt == "parquet":
        if out is None:
            raise ValueError("parquet export needs an output file (-o FILE)")
        return _write_parquet(rows, fields, out, text_fields)
    if out is None:
        return _write_text(rows, fields, fmt, sys.stdout)
    tmp = out.with_name(out.name + ".partial")
    with tmp.open("w", encoding="utf-8", newline="") as fh:
        n = _write_text(rows, fields, fmt, fh)
    tmp.replace(out)
    return n


def _write_text(
    rows: Iterable[dict[str, Any]], fields: tuple[str, ...], fmt: str, fh: IO[str]
) -> int:
    n = 0
    if fmt == "jsonl":
        for row in rows:
            fh.write(json.dumps({k: row.get(k) for k in fields}, ensure_ascii=False) + "\n")
            n += 1
        return n
    writer = csv.DictWriter(fh, fieldnames=list(fields), extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _csv_value(row.get(k)) for k in fields})
        n += 1
    return n


def _arrow_type(field: str) -> Any:
    import pyarrow as pa

    if field in ("id", "start", "end", "sentence") or field.startswith(("n_", "sentence_")):
        return pa.int64()
    if field.endswith("_id") and field not in ("actor_id", "person_id"):
        return pa.int64()
    if field in ("confidence", "score", "value", "similarity") or field.startswith("goldstein"):
        return pa.float64()
    return pa.string()


def _write_parquet(
    rows: Iterable[dict[str, Any]],
    fields: tuple[str, ...],
    out: Path,
    text_fields: tuple[str, ...] = (),
) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    # A fixed schema per field name: nested values (windows, flags, spans) are stored as
    # JSON text, so every export file has the same column types whatever the data holds.
    schema = pa.schema([(k, pa.string() if k in text_fields else _arrow_type(k)) for k in fields])
    string_fields = {k for k in fields if schema.field(k).type == pa.string()}

    def cell(k: str, v: Any) -> Any:
        if v is None or k not in string_fields:
            return v
        if isinstance(v, (list, dict)):
            return json.dumps(v, ensure_ascii=False, sort_keys=True)
        return str(v)

    n = 0
    tmp = out.with_name(out.name + ".partial")
    with pq.ParquetWriter(str(tmp), schema) as writer:
        chunk: list[dict[str, Any]] = []
        for row in rows:
            chunk.append({k: cell(k, row.get(k)) for k in fields})
            if len(chunk) >= 5000:
                writer.write_table(pa.Table.from_pylist(chunk, schema=schema))
                n += len(chunk)
                chunk = []
        if chunk or n == 0:
            writer.write_table(pa.Table.from_pylist(chunk, schema=schema))
            n += len(chunk)
    tmp.replace(out)
    return n


def rows_as_text(rows: Iterable[dict[str, Any]], fields: tuple[str, ...], fmt: str) -> str:
    buffer = io.StringIO()
    _write_text(rows, fields, fmt, buffer)
    return buffer.getvalue()

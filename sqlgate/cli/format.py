"""Rendering results (Arrow tables) and errors as text, one function per output format.

Only the standard library does the formatting: the looks are psql's (aligned, vertical), RFC
4180 CSV, JSON arrays and GitHub markdown, all small enough not to need a table library.
"""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import io
import json
import math
import unicodedata
from collections.abc import Callable
from typing import Any

import pyarrow as pa

from sqlgate.errors import Position

NULL = ""  # psql prints NULL as an empty cell
MAX_ERROR_LINE = 72  # longer script lines are cut around the error, as psql does


# --- values -------------------------------------------------------------------------------


def column_values(table: pa.Table) -> list[list[Any]]:
    """Python values column by column; nanosecond times are cut to microseconds because
    datetime cannot hold them (pyarrow refuses without pandas)."""
    columns = []
    for column in table.columns:
        micro = _microseconds(column.type)
        if micro is not None:
            column = column.cast(micro, safe=False)
        columns.append(column.to_pylist())
    return columns


def _microseconds(typ: pa.DataType) -> pa.DataType | None:
    if getattr(typ, "unit", None) != "ns":
        return None
    if pa.types.is_timestamp(typ):
        return pa.timestamp("us", tz=typ.tz)
    if pa.types.is_time64(typ):
        return pa.time64("us")
    if pa.types.is_duration(typ):
        return pa.duration("us")
    return None


def rows_of(table: pa.Table) -> list[tuple[Any, ...]]:
    columns = column_values(table)
    return list(zip(*columns, strict=True)) if columns else [()] * table.num_rows


def is_numeric(typ: pa.DataType) -> bool:
    return pa.types.is_integer(typ) or pa.types.is_floating(typ) or pa.types.is_decimal(typ)


def cell_text(value: Any) -> str:
    """A value as psql would show it in a cell (Snowflake spellings for booleans)."""
    if value is None:
        return NULL
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "Infinity" if value > 0 else "-Infinity"
        return repr(value)
    if isinstance(value, decimal.Decimal):
        return format(value, "f")
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, bytes):
        return "\\x" + value.hex()
    if isinstance(value, dict | list):
        # structs, lists and maps read best as JSON (Snowflake shows VARIANT that way)
        return json.dumps(_jsonable(value), ensure_ascii=False)
    return str(value)


def _jsonable(value: Any) -> Any:
    """A value json.dumps accepts, with timestamps in ISO 8601 and no NaN (invalid JSON)."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        # Arrow maps arrive as lists of (key, value) pairs
        if value and all(isinstance(v, tuple) and len(v) == 2 for v in value):
            return {str(k): _jsonable(v) for k, v in value}
        return [_jsonable(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, bytes):
        return "\\x" + value.hex()
    return value


def display_width(text: str) -> int:
    """Terminal columns `text` takes: wide East Asian characters take two, combining marks
    none (so columns of CJK text still line up)."""
    width = 0
    for ch in text:
        if unicodedata.combining(ch):
            continue
        width += 2 if unicodedata.east_asian_width(ch) in "WF" else 1
    return width


def _pad(text: str, width: int, align: str) -> str:
    gap = max(width - display_width(text), 0)
    if align == "right":
        return " " * gap + text
    if align == "center":
        left = gap // 2
        return " " * left + text + " " * (gap - left)
    return text + " " * gap


def _rows_footer(count: int) -> str:
    return "(1 row)" if count == 1 else f"({count} rows)"


# --- formats ------------------------------------------------------------------------------


def format_aligned(table: pa.Table) -> str:
    """psql's default look: centred headers, `-+-` rule, numbers to the right, `(N rows)`.

    A cell with several lines continues on the next output line, with `+` marking the break.
    """
    names = table.column_names
    if not names:
        return _rows_footer(table.num_rows) + "\n"
    aligns = ["right" if is_numeric(f.type) else "left" for f in table.schema]
    header = [name.split("\n") for name in names]
    body = [[cell_text(v).split("\n") for v in row] for row in rows_of(table)]
    widths = [
        max(display_width(line) for cell in [header[i], *(row[i] for row in body)] for line in cell)
        for i in range(len(names))
    ]

    def lines_of(cells: list[list[str]], column_aligns: list[str]) -> list[str]:
        height = max(len(cell) for cell in cells)
        out = []
        for k in range(height):
            parts = []
            for cell, width, align in zip(cells, widths, column_aligns, strict=True):
                text = cell[k] if k < len(cell) else ""
                marker = "+" if k < len(cell) - 1 else " "
                parts.append(" " + _pad(text, width, align) + marker)
            out.append("|".join(parts).rstrip())
        return out

    lines = lines_of(header, ["center"] * len(names))
    lines.append("+".join("-" * (w + 2) for w in widths))
    for row in body:
        lines.extend(lines_of(row, aligns))
    lines.append(_rows_footer(len(body)))
    return "\n".join(lines) + "\n\n"


def format_vertical(table: pa.Table) -> str:
    """psql's expanded display (\\x): one `-[ RECORD n ]-` block per row, `name | value`."""
    rows = rows_of(table)
    if not rows:
        return "(0 rows)\n\n"
    names = table.column_names
    name_width = max((display_width(n) for n in names), default=0)
    records = [[cell_text(v).split("\n") for v in row] for row in rows]
    value_width = max(
        (display_width(line) for record in records for cell in record for line in cell),
        default=0,
    )
    lines = []
    for number, record in enumerate(records, start=1):
        head = f"-[ RECORD {number} ]"
        lines.append(head + "-" * max(name_width + 3 + value_width - len(head), 1))
        for name, cell in zip(names, record, strict=True):
            for k, text in enumerate(cell):
                label = name if k == 0 else ""
                marker = "+" if k < len(cell) - 1 else ""
                lines.append(f"{_pad(label, name_width, 'left')} | {text}{marker}".rstrip())
    return "\n".join(lines) + "\n\n"


def format_csv(table: pa.Table) -> str:
    """A header line and one line per row; NULL is an empty field."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(table.column_names)
    writer.writerows([cell_text(v) for v in row] for row in rows_of(table))
    return buffer.getvalue()


def format_json(table: pa.Table) -> str:
    """One JSON array of objects per result, one object per line."""
    names = table.column_names
    objects = [
        json.dumps(
            {name: _jsonable(v) for name, v in zip(names, row, strict=True)}, ensure_ascii=False
        )
        for row in rows_of(table)
    ]
    if not objects:
        return "[]\n"
    return "[\n" + ",\n".join("  " + o for o in objects) + "\n]\n"


def format_markdown(table: pa.Table) -> str:
    """A GitHub pipe table; numbers right-aligned with `---:`."""
    names = table.column_names
    if not names:
        return ""

    def escape(text: str) -> str:
        return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", "<br>")

    header = [escape(n) for n in names]
    body = [[escape(cell_text(v)) for v in row] for row in rows_of(table)]
    aligns = ["right" if is_numeric(f.type) else "left" for f in table.schema]
    widths = [
        max(3, *(display_width(cell) for cell in [header[i], *(row[i] for row in body)]))
        for i in range(len(names))
    ]

    def line(cells: list[str], column_aligns: list[str]) -> str:
        padded = (_pad(c, w, a) for c, w, a in zip(cells, widths, column_aligns, strict=True))
        return "| " + " | ".join(padded) + " |"

    rule = [
        "-" * (w - 1) + (":" if a == "right" else "-") for w, a in zip(widths, aligns, strict=True)
    ]
    lines = [line(header, aligns), "| " + " | ".join(rule) + " |"]
    lines.extend(line(row, aligns) for row in body)
    return "\n".join(lines) + "\n\n"


FORMATS: dict[str, Callable[[pa.Table], str]] = {
    "aligned": format_aligned,
    "csv": format_csv,
    "json": format_json,
    "markdown": format_markdown,
    "vertical": format_vertical,
}


def render(table: pa.Table, output_format: str) -> str:
    return FORMATS[output_format](table)


# --- errors -------------------------------------------------------------------------------


def error_text(message: str, position: Position | None = None, script: str | None = None) -> str:
    """psql's error report: `ERROR:  message`, then the script line with a caret under the
    column where the error is."""
    lines = [f"ERROR:  {message}"]
    if position is None or script is None:
        return lines[0] + "\n"
    source = script.split("\n")
    if not 1 <= position.line <= len(source):
        return lines[0] + "\n"
    text = source[position.line - 1].rstrip("\r")
    col = min(max(position.col, 1), len(text) + 1)
    if display_width(text) > MAX_ERROR_LINE:
        # keep the part around the error, as psql does for long queries
        begin = max(0, col - 1 - MAX_ERROR_LINE // 2)
        end = begin + MAX_ERROR_LINE
        cut = ("..." if begin else "") + text[begin:end] + ("..." if end < len(text) else "")
        col = col - begin + (3 if begin else 0)
        text = cut
    prefix = f"LINE {position.line}: "
    # tabs stay tabs so the caret lines up however the terminal expands them
    pad = "".join("\t" if ch == "\t" else " " * display_width(ch) for ch in text[: col - 1])
    lines.append(prefix + text)
    lines.append(" " * len(prefix) + pad + "^")
    return "\n".join(lines) + "\n"

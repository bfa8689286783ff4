"""Arrow results as Snowflake's wire formats describe them: `rowtype` column metadata and rows of
strings (JSON result sets: every non-NULL value is a string in Snowflake's own text encoding —
DATE as days since the epoch, timestamps as `seconds.nanoseconds[ offset+1440]`, BOOLEAN as
"1"/"0" for the connector and "true"/"false" for the SQL API)."""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import json
import math
import typing as t

import pyarrow as pa

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
EPOCH_DATE = dt.date(1970, 1, 1)
TEXT_LENGTH = 16_777_216


def column_type(typ: pa.DataType) -> dict[str, t.Any]:
    """Snowflake's type name, precision, scale and length for one Arrow type."""
    if pa.types.is_integer(typ):
        return {"type": "fixed", "precision": 38, "scale": 0}
    if pa.types.is_decimal(typ):
        return {"type": "fixed", "precision": typ.precision, "scale": typ.scale}
    if pa.types.is_floating(typ):
        return {"type": "real"}
    if pa.types.is_boolean(typ):
        return {"type": "boolean"}
    if pa.types.is_date(typ):
        return {"type": "date"}
    if pa.types.is_timestamp(typ):
        return {"type": "timestamp_tz" if typ.tz else "timestamp_ntz", "scale": 9, "precision": 0}
    if pa.types.is_time(typ):
        return {"type": "time", "scale": 9, "precision": 0}
    if pa.types.is_binary(typ) or pa.types.is_large_binary(typ):
        return {"type": "binary", "length": 8_388_608, "byteLength": 8_388_608}
    if pa.types.is_struct(typ) or pa.types.is_map(typ):
        return {"type": "object"}
    if pa.types.is_list(typ) or pa.types.is_large_list(typ):
        return {"type": "array"}
    if pa.types.is_string(typ) or pa.types.is_large_string(typ) or pa.types.is_null(typ):
        return {"type": "text", "length": TEXT_LENGTH, "byteLength": TEXT_LENGTH}
    return {"type": "variant"}


def rowtype(
    schema: pa.Schema, database: str | None = None, schema_name: str | None = None
) -> list[dict[str, t.Any]]:
    columns = []
    for field in schema:
        described = {
            "name": field.name,
            "database": database or "",
            "schema": schema_name or "",
            "table": "",
            "nullable": True,
            "byteLength": None,
            "length": None,
            "precision": None,
            "scale": None,
            "collation": None,
        }
        described.update(column_type(field.type))
        columns.append(described)
    return columns


def _seconds(value: dt.datetime) -> str:
    """seconds.nanoseconds since the epoch (exact: no float rounding)."""
    delta = value - (EPOCH if value.tzinfo else EPOCH.replace(tzinfo=None))
    micros = (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
    seconds, fraction = divmod(micros, 1_000_000)
    return f"{seconds}.{fraction:06d}000"


def _json_default(value: t.Any) -> t.Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    return str(value)


def encode(value: t.Any, typ: pa.DataType, *, boolean: tuple[str, str] = ("1", "0")) -> str | None:
    if value is None:
        return None
    if pa.types.is_boolean(typ):
        return boolean[0] if value else boolean[1]
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            return _seconds(value)
        offset = value.utcoffset() or dt.timedelta(0)
        return f"{_seconds(value)} {int(offset.total_seconds() // 60) + 1440}"
    if isinstance(value, dt.date):
        return str((value - EPOCH_DATE).days)
    if isinstance(value, dt.time):
        micros = ((value.hour * 60 + value.minute) * 60 + value.second) * 1_000_000
        seconds, fraction = divmod(micros + value.microsecond, 1_000_000)
        return f"{seconds}.{fraction:06d}000"
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, dict | list):
        return json.dumps(value, default=_json_default)
    return str(value)


def rowset(table: pa.Table, *, boolean: tuple[str, str] = ("1", "0")) -> list[list[str | None]]:
    types = [field.type for field in table.schema]
    columns = [table.column(i).to_pylist() for i in range(table.num_columns)]
    return [
        [encode(value, types[i], boolean=boolean) for i, value in enumerate(row)]
        for row in zip(*columns, strict=True)
    ]


def arrow_ipc(table: pa.Table) -> bytes:
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()

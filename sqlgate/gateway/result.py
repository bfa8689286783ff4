"""What every statement returns: an Arrow table, so every front-end renders results alike."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import pyarrow as pa

Column = tuple[str, pa.DataType]

TEXT = pa.string()
INT = pa.int64()
BOOL = pa.bool_()
TIMESTAMP = pa.timestamp("us", tz="UTC")


@dataclass
class Result:
    table: pa.Table
    rowcount: int = -1  # rows affected by DML; -1 when not applicable (PEP 249)

    @classmethod
    def status(cls, message: str) -> Result:
        """The one-row `status` table Snowflake returns for DDL."""
        return cls(pa.table({"status": pa.array([message], TEXT)}))

    @property
    def columns(self) -> list[str]:
        return self.table.column_names

    def rows(self) -> list[tuple[Any, ...]]:
        columns = [c.to_pylist() for c in self.table.columns]
        return list(zip(*columns, strict=True)) if columns else []


def table(columns: Sequence[Column], rows: Iterable[Sequence[Any] | dict[str, Any]]) -> pa.Table:
    """Build a table with a fixed schema (so empty SHOW results still have typed columns)."""
    names = [name for name, _ in columns]
    data: list[list[Any]] = [[] for _ in columns]
    for row in rows:
        values = [row.get(n) for n in names] if isinstance(row, dict) else row
        for i, value in enumerate(values):
            data[i].append(value)
    arrays = [pa.array(values, type=typ) for values, (_, typ) in zip(data, columns, strict=True)]
    return pa.Table.from_arrays(arrays, names=names)


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)

"""The catalog: sqlgate's own state in one DuckDB file, written by one writer at a time.

DuckDB silently loses an UPDATE that races a DELETE of the same row (duckdb#17223) and its
foreign keys do not stop a concurrent drop (duckdb#19002), so every catalog change runs under
one process-wide lock, inside a transaction that rolls back if the statement fails. The
gateway checks its invariants inside that transaction.
"""

from __future__ import annotations

import csv
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb

from sqlgate.errors import SqlgateError
from sqlgate.gateway.catalog_schema import MIGRATIONS

Cursor = duckdb.DuckDBPyConnection


class DataDirectoryInUse(SqlgateError):
    sqlstate = "08004"


class Catalog:
    def __init__(self, path: Path | None) -> None:
        """`path` None keeps the catalog in memory (tests)."""
        try:
            self._con = duckdb.connect(str(path) if path else ":memory:")
        except duckdb.IOException as e:
            if "lock" in str(e).lower():
                raise DataDirectoryInUse(
                    f"The catalog {path} is in use by another sqlgate process: {e}"
                ) from e
            raise
        self._lock = threading.RLock()
        self._migrate()

    def close(self) -> None:
        self._con.close()

    @contextmanager
    def write(self) -> Iterator[Cursor]:
        """A transaction that holds the catalog's one writer lock; rolled back on any error."""
        with self._lock:
            cur = self._con.cursor()
            cur.execute("BEGIN TRANSACTION")
            try:
                yield cur
            except BaseException:
                cur.execute("ROLLBACK")
                raise
            else:
                cur.execute("COMMIT")
            finally:
                cur.close()

    def rows(self, sql: str, params: Sequence[Any] = (), cur: Cursor | None = None) -> list[dict]:
        """Run a read query (on `cur` inside a write transaction) and return dicts."""
        own = cur is None
        cur = cur or self._con.cursor()
        try:
            cur.execute(sql, list(params))
            names = [d[0] for d in cur.description or []]
            return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
        finally:
            if own:
                cur.close()

    def one(self, sql: str, params: Sequence[Any] = (), cur: Cursor | None = None) -> dict | None:
        found = self.rows(sql, params, cur)
        return found[0] if found else None

    def _migrate(self) -> None:
        with self.write() as cur:
            cur.execute("CREATE TABLE IF NOT EXISTS catalog_meta (version INTEGER NOT NULL)")
            row = cur.execute("SELECT max(version) FROM catalog_meta").fetchone()
            done = (row[0] if row else None) or 0
            for version, ddl in enumerate(MIGRATIONS[done:], start=done + 1):
                cur.execute(ddl)
                if version == 1:
                    _load_instance_families(cur)
                cur.execute("INSERT INTO catalog_meta VALUES (?)", [version])


def _load_instance_families(cur: Cursor) -> None:
    """The family table is data (families change by cloud and over time), not code."""
    text = resources.files("sqlgate.data").joinpath("instance_families.csv").read_text()
    for row in csv.DictReader(line for line in text.splitlines() if not line.startswith("#")):
        cur.execute(
            "INSERT INTO instance_families VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                row["name"],
                int(row["vcpu"]),
                int(row["memory_gib"]),
                int(row["storage_gb"]) if row["storage_gb"] else None,
                int(row["gpus"]),
                row["gpu_type"] or None,
                int(row["gpu_memory_gb"]) if row["gpu_memory_gb"] else None,
                int(row["node_limit"]) if row["node_limit"] else None,
                row["note"] or None,
            ],
        )

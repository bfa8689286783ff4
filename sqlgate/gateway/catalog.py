"""The catalog: sqlgate's own state in one DuckDB file, written by one writer at a time.

DuckDB silently loses an UPDATE that races a DELETE of the same row (duckdb#17223) and its
foreign keys do not stop a concurrent drop (duckdb#19002), so every catalog change runs under
one process-wide lock, inside a transaction that rolls back if the statement fails. The
gateway checks its invariants inside that transaction.

Reads are memoized until the next write. Only this process writes the catalog (DuckDB locks
the file), so a generation counter bumped after each write transaction says exactly when a
remembered answer may have gone stale. Every statement and every ingress call reads the
catalog tens of times (names, privileges, aliases, services): from memory that costs
microseconds instead of a DuckDB query each.
"""

from __future__ import annotations

import csv
import re
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

MEMO_MAX = 4096  # remembered reads; a full memo is dropped whole (cheap; it refills at once)
_CLOCK = re.compile(r"\b(now|current_timestamp|current_date|today)\b", re.IGNORECASE)


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
        # shared by every Catalog of this file in this process (DuckDB lets a process open a
        # file twice), so a write through one is seen by reads through the other
        self._reads = _Reads() if path is None else _reads_of(path)
        self._migrate()

    def close(self) -> None:
        self._con.close()
        self._reads.forget()  # nothing stays remembered for a file no longer open

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
                self._reads.forget()

    def rows(self, sql: str, params: Sequence[Any] = (), cur: Cursor | None = None) -> list[dict]:
        """Run a read query (on `cur` inside a write transaction) and return dicts, which the
        caller may change: they are copies of what is remembered."""
        if cur is not None:  # inside a write: it must see its own changes, never the memo
            return _fetch(cur, sql, params)
        key = (sql, *params)
        reads = self._reads
        memo, generation = reads.memo, reads.generation
        try:
            found = memo.get(key)
        except TypeError:  # a parameter that cannot be a key (a list): not remembered
            found, key = None, None
        if found is None:
            cur = self._con.cursor()
            try:
                found = _fetch(cur, sql, params)
            finally:
                cur.close()
            # remembered only if no write committed meanwhile, and only answers that depend
            # on nothing but the catalog's contents (not on the clock)
            if key and generation == reads.generation and not _CLOCK.search(sql):
                if len(memo) >= MEMO_MAX:
                    memo.clear()
                memo[key] = found
        return [dict(row) for row in found]

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


class _Reads:
    """Remembered read results of one catalog file, and the generation they belong to."""

    def __init__(self) -> None:
        self.generation = 0
        self.memo: dict[tuple, list[dict]] = {}

    def forget(self) -> None:
        """After a write transaction (a rollback too: cheap, and simpler)."""
        self.generation += 1
        self.memo = {}


_reads_by_file: dict[Path, _Reads] = {}
_reads_lock = threading.Lock()


def _reads_of(path: Path) -> _Reads:
    with _reads_lock:
        return _reads_by_file.setdefault(path.resolve(), _Reads())


def _fetch(cur: Cursor, sql: str, params: Sequence[Any]) -> list[dict]:
    cur.execute(sql, list(params))
    names = [d[0] for d in cur.description or []]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


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

"""User data: one DuckDB instance, separate from the catalog, with each Snowflake database
attached as its own file under <home>/databases/ (or in memory), so `db.schema.table` is a
real DuckDB three-part name.

The instance is locked down before any user SQL runs (reference/reliability.md §3.2): it can
touch no file outside the databases directory, installs and loads no extension, and its
configuration cannot be changed back. User SQL therefore cannot read the catalog, the model
store or arbitrary host files.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from pathlib import Path

import duckdb

from sqlgate.filenames import safe_stem

Cursor = duckdb.DuckDBPyConnection


class Warehouse:
    def __init__(self, directory: Path | None) -> None:
        """`directory` None keeps every database in memory (tests)."""
        self.directory = directory
        self._con = duckdb.connect(":memory:")
        self._lock = threading.Lock()
        if directory is not None:
            directory.mkdir(parents=True, exist_ok=True)
            self._con.execute("SET allowed_directories = [?]", [f"{directory}/"])
        for setting in (
            "SET enable_external_access = false",
            "SET autoinstall_known_extensions = false",
            "SET autoload_known_extensions = false",
            "SET allow_community_extensions = false",
            "SET allow_persistent_secrets = false",
            "SET lock_configuration = true",
        ):
            self._con.execute(setting)
        # fixed from here on (lock_configuration); work DuckDB does not run uses as many
        row = self._con.execute("SELECT current_setting('threads')").fetchone()
        self.threads = max(1, int(row[0])) if row else 1

    def cursor(self) -> Cursor:
        return self._con.cursor()

    def close(self) -> None:
        self._con.close()

    def create_function(
        self, name: str, function: Callable, parameters: Sequence[str], return_type: str
    ) -> None:
        """Register a vectorized Arrow UDF on the shared connection, so every cursor (every
        session) sees it. The caller must keep `function` referenced while DuckDB may call it.
        NULLs reach the function (it decides what a NULL input means), and it must not query
        this instance (DuckDB refuses calls back into a connection that is running a query)."""
        with self._lock:
            self._con.create_function(
                name,
                function,
                list(parameters),
                return_type,
                type="arrow",
                null_handling="special",
                side_effects=False,
            )

    @staticmethod
    def file_name(database: str) -> str:
        """A safe file name for a database name (which may be any quoted identifier)."""
        return f"{safe_stem(database, empty='DB')}.duckdb"

    def attach(self, database: str, file: str) -> None:
        target = ":memory:" if self.directory is None else str(self.directory / file)
        with self._lock:
            attached = self._con.execute(
                "SELECT count(*) FROM duckdb_databases() WHERE database_name = ?", [database]
            ).fetchone()
            if not attached or not attached[0]:
                self._con.execute(f"ATTACH ? AS {quote(database)}", [target])

    def detach(self, database: str, file: str, *, delete: bool) -> None:
        with self._lock:
            self._con.execute(f"DETACH DATABASE IF EXISTS {quote(database)}")
        if delete and self.directory is not None:
            for path in (self.directory / file, self.directory / f"{file}.wal"):
                path.unlink(missing_ok=True)

    def create_schema(self, database: str, schema: str) -> None:
        self._con.execute(f"CREATE SCHEMA IF NOT EXISTS {quote(database)}.{quote(schema)}")

    def drop_schema(self, database: str, schema: str) -> None:
        self._con.execute(f"DROP SCHEMA IF EXISTS {quote(database)}.{quote(schema)} CASCADE")


def quote(identifier: str) -> str:
    """A DuckDB identifier, always quoted (catalog names are already case-folded)."""
    return '"' + identifier.replace('"', '""') + '"'

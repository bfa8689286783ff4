"""A PEP 249 (DB-API 2.0) connection to sqlgate on the embedded default.

The Python APIs of later issues (model registry, services) take such a connection as their
session, as snowflake-ml-python takes a Snowpark session.
"""

from __future__ import annotations

import datetime as dt
import typing as t
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa

from sqlgate import errors
from sqlgate.config import MEMORY, default_home
from sqlgate.gateway.engine import engine_for
from sqlgate.gateway.result import Result
from sqlgate.gateway.session import Session

apilevel = "2.0"
threadsafety = 1  # threads may share the module, not connections (DuckDB's own rule)
paramstyle = "qmark"


class Error(Exception):
    """PEP 249 base; every sqlgate error reaches users of this module as a subclass."""

    def __init__(self, error: errors.SqlgateError) -> None:
        super().__init__(str(error))
        self.sqlstate = error.sqlstate
        self.errno = error.errno
        self.position = error.position


class InterfaceError(Error):
    pass


class DatabaseError(Error):
    pass


class ProgrammingError(DatabaseError):
    """Bad SQL, unknown or duplicate objects."""


class OperationalError(DatabaseError):
    pass


class NotSupportedError(DatabaseError):
    pass


class DataError(DatabaseError):
    pass


def _wrap(error: errors.SqlgateError) -> Error:
    if isinstance(error, errors.UnsupportedStatement):
        return NotSupportedError(error)
    if isinstance(error, errors.InvalidValue):
        return DataError(error)
    if isinstance(error, errors.SqlgateError) and error.sqlstate.startswith("08"):
        return OperationalError(error)
    return ProgrammingError(error)


STRING, NUMBER, DATETIME, BINARY, ROWID = "STRING", "NUMBER", "DATETIME", "BINARY", "ROWID"


def _type_code(typ: pa.DataType) -> str:
    if pa.types.is_string(typ) or pa.types.is_large_string(typ):
        return STRING
    if pa.types.is_integer(typ) or pa.types.is_floating(typ) or pa.types.is_decimal(typ):
        return NUMBER
    if pa.types.is_timestamp(typ) or pa.types.is_date(typ) or pa.types.is_time(typ):
        return DATETIME
    if pa.types.is_binary(typ):
        return BINARY
    return str(typ)


class Cursor:
    arraysize = 1

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self._result: Result | None = None
        self._rows: list[tuple] = []
        self._next = 0

    @property
    def description(self) -> list[tuple] | None:
        if self._result is None:
            return None
        return [
            (f.name, _type_code(f.type), None, None, None, None, f.nullable)
            for f in self._result.table.schema
        ]

    @property
    def rowcount(self) -> int:
        if self._result is None:
            return -1
        return self._result.rowcount if self._result.rowcount >= 0 else self._result.table.num_rows

    def execute(self, operation: str, parameters: Sequence[Any] | None = None) -> Cursor:
        """Run one or more statements; the cursor holds the last one's result."""
        try:
            results = self.connection.session.execute(operation, parameters)
        except errors.SqlgateError as e:
            raise _wrap(e) from None
        self._result = results[-1] if results else None
        self._rows = self._result.rows() if self._result else []
        self._next = 0
        return self

    def executemany(self, operation: str, seq_of_parameters: Sequence[Sequence[Any]]) -> None:
        for parameters in seq_of_parameters:
            self.execute(operation, parameters)

    def fetchone(self) -> tuple | None:
        if self._next >= len(self._rows):
            return None
        self._next += 1
        return self._rows[self._next - 1]

    def fetchmany(self, size: int | None = None) -> list[tuple]:
        size = size or self.arraysize
        rows = self._rows[self._next : self._next + size]
        self._next += len(rows)
        return rows

    def fetchall(self) -> list[tuple]:
        rows = self._rows[self._next :]
        self._next = len(self._rows)
        return rows

    def fetch_arrow_table(self) -> pa.Table | None:
        """The whole result as Arrow (a common extension: Snowflake's and DuckDB's cursors)."""
        return self._result.table if self._result else None

    def __iter__(self) -> Iterator[tuple]:
        return iter(self.fetchall())

    def setinputsizes(self, sizes: Any) -> None:
        pass

    def setoutputsize(self, size: Any, column: Any = None) -> None:
        pass

    def close(self) -> None:
        self._result = None


class Connection:
    def __init__(self, session: Session, owns_engine: bool = False) -> None:
        self.session = session
        self.closed = False
        # a ":memory:" engine is this connection's alone: closing the connection closes it,
        # and with it the Serve applications of its services (garbage collection would not)
        self._owns_engine = owns_engine

    def cursor(self) -> Cursor:
        return Cursor(self)

    def execute(self, operation: str, parameters: Sequence[Any] | None = None) -> Cursor:
        return self.cursor().execute(operation, parameters)

    def commit(self) -> None:
        """Statements commit as they run (Snowflake's AUTOCOMMIT default)."""

    def rollback(self) -> None:
        pass

    def close(self) -> None:
        if not self.closed:
            self.session.close()
            self.closed = True
            if self._owns_engine:
                self.session.engine.close()

    def __enter__(self) -> Connection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def connect(
    home: str | Path | None = None,
    *,
    database: str | None = None,
    schema: str | None = None,
    role: str | None = None,
    url: str | None = None,
    user: str | None = None,
    token: str | None = None,
    password: str | None = None,
) -> Connection:
    """A connection to the data directory `home` ($SQLGATE_HOME or ~/.sqlgate by default;
    ":memory:" for a throw-away one), or with `url` to a `sqlgate serve` as `user` with a
    programmatic access `token` (or `password`). Parameters are qmark (`?`) either way."""
    if url is not None:
        from sqlgate.remote import RemoteSession

        if home is not None:
            raise InterfaceError("Give a data directory or a url, not both")
        try:
            remote = RemoteSession(
                url,
                user,
                token=token,
                password=password,
                role=role,
                database=database,
                schema=schema,
            )
        except errors.SqlgateError as e:
            raise _wrap(e) from None
        return Connection(t.cast(Session, remote))
    home = home if home is not None else default_home()
    engine = engine_for(home)
    kwargs: dict[str, Any] = {}
    if role:
        kwargs["role"] = role.upper()
    session = Session(engine, **kwargs)
    try:
        if database:
            session.execute(f"USE DATABASE {database}")
        if schema:
            session.execute(f"USE SCHEMA {schema}")
    except errors.SqlgateError as e:
        raise _wrap(e) from None
    return Connection(session, owns_engine=str(home) == MEMORY)


Date = dt.date
Time = dt.time
Timestamp = dt.datetime
Binary = bytes

"""Where dbt's statements go: a sqlgate PEP 249 connection per dbt connection.

dbt-duckdb already abstracts "where the cursor comes from" as an Environment (its Buena Vista
environment is a remote one); SqlgateEnvironment is one more, handing out gateway sessions.
"""

from __future__ import annotations

import contextlib
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dbt.adapters.contracts.connection import AdapterResponse, Connection, ConnectionState
from dbt.adapters.duckdb.connections import DuckDBConnectionManager
from dbt.adapters.duckdb.environments import Environment
from dbt.adapters.events.logging import AdapterLogger
from dbt.adapters.exceptions import FailedToConnectError
from dbt_common.exceptions import DbtRuntimeError

from sqlgate import dbapi
from sqlgate.dbt_adapter.credentials import SqlgateCredentials
from sqlgate.gateway.engine import Engine, engine_for
from sqlgate.gateway.session import Session

if TYPE_CHECKING:
    import agate

logger = AdapterLogger("sqlgate")


def connect_remote(creds: SqlgateCredentials) -> dbapi.Connection:
    """A PEP 249 connection to a running `sqlgate serve`, logged in as the profile's user (a
    programmatic access token, or a password): the server runs every statement as that
    user's role, so the user's privileges are what dbt gets. An unreachable server or a
    refused login is a connection error naming the server."""
    try:
        return dbapi.connect(
            url=creds.url,
            user=creds.user,
            token=creds.token,
            password=creds.password,
            role=creds.role,
            database=creds.database,
        )
    except dbapi.Error as e:
        raise FailedToConnectError(f"sqlgate server {creds.url}: {e}") from None


def folded_to_lower(name: str) -> str:
    """A column name as dbt sees it: one the gateway folded to upper case (an unquoted name)
    in lower case, as DuckDB and dbt's own macros expect; any other name as it is. Every
    column name dbt reads (results, relation columns, query columns) passes through here, so
    dbt compares like with like; the warehouse matches names case-insensitively either way.
    (dbt-snowflake lower-cases its catalog queries' results for the same reason.)"""
    return name.lower() if name == name.upper() else name


class SqlgateHandle:
    """What dbt-duckdb expects of `connection.handle`: cursor(), rollback(), close()."""

    def __init__(self, connection: Any) -> None:
        self._connection = connection

    def cursor(self) -> Any:
        return self._connection.cursor()

    def rollback(self) -> None:
        # dbt rolls back after a failed statement; an open transaction must end here, or every
        # later statement on this session fails as "transaction aborted".
        with contextlib.suppress(dbapi.Error):  # none was open
            self._connection.cursor().execute("ROLLBACK")

    def interrupt(self) -> None:
        session = getattr(self._connection, "session", None)
        if isinstance(session, Session):
            session.interrupt()

    def close(self) -> None:
        self._connection.close()


class SqlgateEnvironment(Environment):
    def __init__(self, creds: SqlgateCredentials) -> None:
        super().__init__(creds)
        self._engine: Engine | None = None
        self._lock = threading.Lock()

    @property
    def creds(self) -> SqlgateCredentials:
        return self._creds  # type: ignore[return-value]

    def engine(self) -> Engine:
        """One engine per environment: every dbt thread sees the same data."""
        with self._lock:
            if self._engine is None:
                if not self.creds.is_memory:
                    home = Path(self.creds.path).expanduser()
                    if not home.is_dir():
                        raise FailedToConnectError(
                            f"sqlgate data directory '{home}' does not exist (profile `path`); "
                            "create it (an empty directory is a new sqlgate home) or fix the path"
                        )
                self._engine = engine_for(self.creds.path)
            return self._engine

    def handle(self) -> SqlgateHandle:
        creds = self.creds
        if creds.is_remote:
            connection = connect_remote(creds)
        else:
            connection = dbapi.Connection(Session(self.engine()))
        try:
            connection.cursor().execute(f"USE DATABASE {creds.database}")
            if creds.role:
                connection.cursor().execute(f"USE ROLE {creds.role}")
        except dbapi.Error as e:
            connection.close()
            raise FailedToConnectError(str(e)) from None
        return SqlgateHandle(connection)

    @classmethod
    def is_cancelable(cls) -> bool:
        return True

    @classmethod
    def cancel(cls, connection: Connection) -> None:
        connection.handle.interrupt()

    def submit_python_job(self, handle: Any, parsed_model: dict, compiled_code: str) -> Any:
        raise DbtRuntimeError("sqlgate runs SQL models only; Python models are not supported")

    def load_source(self, plugin_name: str, source_config: Any) -> str:
        raise DbtRuntimeError("dbt-duckdb source plugins are not available with sqlgate")

    def store_relation(self, plugin_name: str, target_config: Any) -> None:
        raise DbtRuntimeError("dbt-duckdb storage plugins are not available with sqlgate")

    def close(self) -> None:
        # A data directory's engine is shared by the process (sqlgate.gateway.engine); only a
        # scratch in-memory one is ours to close.
        if self._engine is not None and self.creds.is_memory:
            self._engine.close()
        self._engine = None


class SqlgateConnectionManager(DuckDBConnectionManager):
    TYPE = "sqlgate"
    _ENV = None

    @classmethod
    def open(cls, connection: Connection) -> Connection:
        if connection.state == ConnectionState.OPEN:
            return connection
        creds = connection.credentials
        with cls._LOCK:
            try:
                if cls._ENV is None or cls._ENV.creds != creds:
                    if cls._ENV is not None:
                        cls._ENV.close()
                    cls._ENV = SqlgateEnvironment(creds)
                connection.handle = cls._ENV.handle()
                connection.state = ConnectionState.OPEN
            except FailedToConnectError:
                connection.handle = None
                connection.state = ConnectionState.FAIL
                raise
        return connection

    @classmethod
    def get_response(cls, cursor: Any) -> AdapterResponse:
        rows = getattr(cursor, "rowcount", -1)
        return AdapterResponse(_message="OK", rows_affected=rows if rows >= 0 else None)

    @classmethod
    def get_result_from_cursor(cls, cursor: Any, limit: int | None) -> agate.Table:
        """Results for dbt's macros, column names as folded_to_lower gives them: the macros
        (dbt's and dbt-duckdb's) read `row['table_name']`."""
        from dbt_common.clients.agate_helper import table_from_data_flat

        if cursor.description is None:
            return table_from_data_flat([], [])
        names = [folded_to_lower(column[0]) for column in cursor.description]
        rows = cursor.fetchmany(limit) if limit else cursor.fetchall()
        return table_from_data_flat(cls.process_results(names, rows), names)

    @classmethod
    def close_all_connections(cls) -> None:
        with cls._LOCK:
            if cls._ENV is not None:
                cls._ENV.close()
            cls._ENV = None

"""A Session is one connection's state (role, database, schema) and the path every statement
takes: split, parse, dispatch to an executor or to DuckDB, and return an Arrow table."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import duckdb
from sqlglot import exp

from sqlgate import executors
from sqlgate.errors import (
    Position,
    QueryError,
    SqlgateError,
    UnsupportedStatement,
)
from sqlgate.gateway import (
    access,
    information_schema,
    model_calls,
    plain_sql,
    projection_path,
    script,
)
from sqlgate.gateway.engine import ADMIN_ROLE, DEFAULT_DATABASE, DEFAULT_SCHEMA, Engine
from sqlgate.gateway.identity import ADMIN_USER
from sqlgate.gateway.model_udfs import translate_error
from sqlgate.gateway.names import ident
from sqlgate.gateway.parameters import SessionParameters
from sqlgate.gateway.result import Result
from sqlgate.gateway.warehouse import quote

# Snowflake's column names for the row counts DML returns.
_DML_COUNT_COLUMN = {
    exp.Insert: "number of rows inserted",
    exp.Update: "number of rows updated",
    exp.Delete: "number of rows deleted",
    exp.Merge: "number of rows merged",
}


class Session:
    def __init__(
        self,
        engine: Engine,
        *,
        role: str = ADMIN_ROLE,
        user: str = ADMIN_USER,
        role_restriction: str | None = None,
        database: str | None = DEFAULT_DATABASE,
        schema: str | None = DEFAULT_SCHEMA,
    ) -> None:
        self.engine = engine
        self.catalog = engine.catalog
        self.warehouse = engine.warehouse
        self.role = role
        # who is connected; `role_restriction` is a token's ROLE_RESTRICTION (USE ROLE is
        # limited to it)
        self.user = user
        self.role_restriction = role_restriction
        self.database = database
        self.schema = schema
        self.parameters = SessionParameters()
        # False sends every model call through its UDF (tests and bench/ compare the paths)
        self.projection_path = True
        self._cursor = self.warehouse.cursor()
        self._script = ""
        self._statement: script.Statement | None = None
        self.sync_current_schema()

    # --- running SQL -----------------------------------------------------------------------
    def execute(self, sql: str, params: Sequence[Any] | None = None) -> list[Result]:
        """Run every statement in `sql`; the first error stops the rest and is raised."""
        return [self.run(statement, sql, params) for statement in script.split(sql)]

    def run(
        self, statement: script.Statement, sql: str, params: Sequence[Any] | None = None
    ) -> Result:
        """Run one statement of the script `sql` (positions in errors refer to `sql`)."""
        self._script, self._statement = sql, statement
        tree = script.parse(statement, sql)
        try:
            return self.run_tree(tree, params)
        except SqlgateError as e:
            raise e.at(statement.position(sql, 0)) from None

    def run_tree(self, tree: exp.Expr, params: Sequence[Any] | None = None) -> Result:
        executor = executors.executor_for(tree)
        if executor is not None:
            access.check(tree, self)
            result = executor(tree, self)
            result.table = access.visible_rows(tree, self, result.table)  # SHOW: what it sees
            return result
        if plain_sql.is_plain(tree):
            access.check_plain(tree, self)
            return self._run_plain(tree, params)
        words = (
            " ".join(tree.sql("sqlgate").split()[:3])
            if not isinstance(tree, exp.Command)
            else (
                f"{tree.this} {str(tree.expression).split()[0] if tree.expression else ''}".strip()
            )
        )
        raise UnsupportedStatement(words, self.where(tree))

    def _run_plain(self, tree: exp.Expr, params: Sequence[Any] | None) -> Result:
        rewritten = model_calls.rewrite(tree, self)
        query, snapshots = information_schema.rewrite(rewritten.tree, self)
        sql = plain_sql.to_duckdb(query, self.role)
        plan = None
        if rewritten.calls and self.projection_path and not params:
            plan = projection_path.plan(query, (c.udf for c in rewritten.calls), self.role)
        for name, snapshot in snapshots.items():  # visible to this cursor, for this query
            self._cursor.register(name, snapshot)
        try:
            # a SELECT is only bound here, so argument type errors come from the UDF query
            relation = self._cursor.sql(sql, params=list(params) if params else None)
            if relation is None:
                table = None
            elif plan is not None:
                engine = self.engine
                table = plan.run(
                    self._cursor, relation, engine.model_cache, engine.warehouse.threads
                )
            else:
                table = relation.to_arrow_table()
        except duckdb.Error as e:
            if isinstance(tree, exp.Commit | exp.Rollback) and "no transaction is active" in str(e):
                return Result.status("Statement executed successfully.")  # Snowflake: a no-op
            about_model = translate_error(str(e), self.engine.model_udfs, rewritten.positions())
            raise about_model or translate_duckdb_error(e) from None
        finally:
            for name in snapshots:
                self._cursor.unregister(name)
        count_column = _DML_COUNT_COLUMN.get(type(tree))
        if count_column and table is not None and table.num_columns == 1:
            count = table.column(0)[0].as_py() if table.num_rows else 0
            return Result(table.rename_columns([count_column]), rowcount=count)
        if table is None or isinstance(tree, exp.Create | exp.Drop | exp.Alter):
            return Result.status(_ddl_status(tree))
        return Result(table, rowcount=-1)

    # --- state ------------------------------------------------------------------------------
    def require_database(self) -> str:
        if not self.database:
            raise SqlgateError(
                "This session does not have a current database. Call 'USE DATABASE'."
            )
        return self.database

    def require_schema(self) -> str:
        if not self.schema:
            raise SqlgateError("This session does not have a current schema. Call 'USE SCHEMA'.")
        return self.schema

    def sync_current_schema(self) -> None:
        """Point the DuckDB cursor at the current database and schema (unqualified names)."""
        if self.database and self.schema:
            self._cursor.execute(f"USE {quote(self.database)}.{quote(self.schema)}")
        elif self.database:
            self._cursor.execute(f"USE {quote(self.database)}")

    def where(self, node: exp.Expr | None) -> Position | None:
        """The position of `node` in the script being run (for errors about that name)."""
        if node is None or self._statement is None:
            return None
        for candidate in (node, *node.find_all(exp.Identifier)):
            start = candidate.meta.get("start") if hasattr(candidate, "meta") else None
            if start is not None:
                return self._statement.position(self._script, start)
        return None

    def interrupt(self) -> None:
        """Stop the statement running on this session's cursor (another thread calls this)."""
        self._cursor.interrupt()

    def close(self) -> None:
        self._cursor.close()


def _ddl_status(tree: exp.Expr) -> str:
    kind = str(tree.args.get("kind") or "").title()
    # CREATE TABLE t (cols) keeps the table inside a Schema node; name only the table
    table = tree.find(exp.Table)
    name = ident(table.this) if table is not None else ""
    if isinstance(tree, exp.Create):
        return f"{kind} {name} successfully created."
    if isinstance(tree, exp.Drop):
        return f"{name} successfully dropped."
    return "Statement executed successfully."


class Cancelled(SqlgateError):
    """The statement was interrupted (a client's abort or cancel, or its timeout)."""

    sqlstate = "57014"
    errno = 604


def translate_duckdb_error(error: duckdb.Error) -> SqlgateError:
    """DuckDB's error as the QueryError users see; unknown or duplicate objects are reported as
    Snowflake reports them, as compilation errors."""
    message = str(error).split("\n")[0]
    if isinstance(error, duckdb.InterruptException):
        return Cancelled("SQL execution canceled")
    if isinstance(error, duckdb.CatalogException) and (
        "does not exist" in message or "already exists" in message
    ):
        return QueryError(f"SQL compilation error: {message}")
    return QueryError(message)

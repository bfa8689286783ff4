"""Running a request's SQL in a gateway Session: bindings, executemany, the statement type a
Snowflake client needs to tell result sets from DML counts, and errors as Snowflake codes."""

from __future__ import annotations

import typing as t
from dataclasses import dataclass

import duckdb
import pyarrow as pa
from sqlglot import exp

from sqlgate.errors import SqlgateError
from sqlgate.gateway import script
from sqlgate.server import bindings as binds

if t.TYPE_CHECKING:
    from sqlgate.gateway.session import Session

# Snowflake's statementTypeId values (what clients branch on).
SELECT, DML, INSERT, UPDATE, DELETE, MERGE, SCL, TCL, DDL = (
    0x1000,
    0x3000,
    0x3100,
    0x3200,
    0x3300,
    0x3400,
    0x4000,
    0x5000,
    0x6000,
)


DML_TYPES = (INSERT, UPDATE, DELETE, MERGE)


def statement_type(tree: exp.Expr) -> int:
    if isinstance(tree, exp.Query):
        return SELECT
    if isinstance(tree, exp.Insert):
        return INSERT
    if isinstance(tree, exp.Update):
        return UPDATE
    if isinstance(tree, exp.Delete):
        return DELETE
    if isinstance(tree, exp.Merge):
        return MERGE
    if isinstance(tree, exp.Show | exp.Describe | exp.Use | exp.Set):
        return SCL
    if isinstance(tree, exp.Transaction | exp.Commit | exp.Rollback):
        return TCL
    return DDL


@dataclass
class Outcome:
    table: pa.Table
    statement_type: int
    rowcount: int


def run(session: Session, sql: str, bindings: binds.Bindings | None = None) -> Outcome:
    """Run every statement of `sql` (bindings apply to a single statement); the last one's
    result is the answer. Array bindings run the statement once per row and add the counts."""
    param_rows = binds.rows(bindings)
    if bindings:  # `:1` placeholders become `?`, the parameters reordered to match
        rewritten = [binds.numeric_to_qmark(sql, params) for params in param_rows]
        sql, param_rows = rewritten[0][0], [params for _, params in rewritten]
    statements = script.split(sql)
    if not statements:
        raise SqlgateError("Empty SQL statement.")
    if bindings and len(statements) > 1:
        raise SqlgateError("Bindings apply to one statement; send the statements one by one.")
    outcome: Outcome | None = None
    for statement in statements:
        kind = statement_type(script.parse(statement, sql))
        results = [session.run(statement, sql, params or None) for params in param_rows]
        table = results[-1].table
        count = sum(max(r.rowcount, 0) for r in results)
        if len(results) > 1 and kind in (INSERT, UPDATE, DELETE, MERGE):
            table = pa.table({table.column_names[0]: pa.array([count], pa.int64())})
        outcome = Outcome(table, kind, count)
    return t.cast(Outcome, outcome)


def describe(session: Session, sql: str) -> Outcome:
    """A query's result columns without its rows (LIMIT 0, so no model is called); other
    statements describe as a status column, since running them would change things."""
    statements = script.split(sql)
    if len(statements) != 1:
        raise SqlgateError("describe takes exactly one statement")
    tree = script.parse(statements[0], sql)
    kind = statement_type(tree)
    if isinstance(tree, exp.Select):
        table = session.run_tree(tree.limit(0)).table
    else:
        table = pa.table({"status": pa.array([], pa.string())})
    return Outcome(table, kind, 0)


@dataclass(frozen=True)
class Failure:
    code: str  # six digits, as Snowflake spells error codes
    sqlstate: str
    message: str


def failure(error: BaseException) -> Failure:
    if isinstance(error, SqlgateError):
        return Failure(f"{error.errno or 2000:06d}", error.sqlstate, str(error))
    if isinstance(error, duckdb.InterruptException):
        return Failure("000604", "57014", "SQL execution canceled")
    return Failure("000603", "XX000", f"Internal error: {type(error).__name__}: {error}")

"""What every schema-level object (image repository, network rule, secret, ...) shares: living in
a schema that exists, SHOW's IN scope, and the CREATE [OR REPLACE] [IF NOT EXISTS] / DROP
[IF EXISTS] skeleton with Snowflake's status messages."""

from __future__ import annotations

import typing as t
from collections.abc import Callable
from dataclasses import dataclass

from sqlglot import exp

from sqlgate.errors import ObjectExists, ObjectInUse, ObjectNotFound
from sqlgate.executors.common import already_exists, created, dropped, skipped_drop
from sqlgate.executors.database import require_schema, scope_database
from sqlgate.executors.privilege import forget_grants
from sqlgate.gateway.names import ObjectName, qualified, schema_name, target
from sqlgate.gateway.result import Result

if t.TYPE_CHECKING:
    from sqlgate.gateway.catalog import Cursor
    from sqlgate.gateway.session import Session


@dataclass(frozen=True)
class Kind:
    label: str  # in messages: "Network rule"
    table: str  # the catalog table: "network_rules"
    securable: str  # the GRANT ... ON kind: "NETWORK RULE"


def in_schema(session: Session, name: ObjectName, node: exp.Expr, cur: Cursor) -> None:
    """Schema-level objects live in a schema that exists; the error points at the missing part."""
    try:
        require_schema(session, name.database, name.schema, cur)
    except ObjectNotFound as e:
        part = node.args.get("catalog" if e.kind == "Database" else "db")
        raise e.at(session.where(part or node)) from None


def schema_scope(session: Session, node: exp.Show) -> tuple[str | None, str | None]:
    """(database, schema) that SHOW ... [IN ACCOUNT | DATABASE [d] | SCHEMA [s] | s] covers;
    None means every one. Without IN, Snowflake shows the current database (or the account)."""
    kind, scope = node.args.get("scope_kind"), node.args.get("scope")
    if kind == "ACCOUNT":
        return None, None
    if kind == "DATABASE":
        return scope_database(session, node), None
    if kind == "SCHEMA" or scope is not None:  # sqlglot files a bare `IN s` under kind TABLE
        database, schema = schema_name(session, scope)
        try:
            require_schema(session, database, schema)
        except ObjectNotFound as e:
            raise e.at(session.where(scope)) from None
        return database, schema
    return session.database, None


def rows_in_scope(session: Session, node: exp.Show, table_name: str, columns: str) -> list[dict]:
    """Rows of a schema-level object table within the SHOW's scope, in name order."""
    database, schema = schema_scope(session, node)
    return session.catalog.rows(
        f"SELECT {columns} FROM {table_name}"
        " WHERE (? IS NULL OR database_name = ?) AND (? IS NULL OR schema_name = ?)"
        " ORDER BY name, database_name, schema_name",
        [database, database, schema, schema],
    )


def get_object(
    session: Session, table_name: str, name: ObjectName, cur: Cursor | None = None
) -> dict | None:
    return session.catalog.one(
        f"SELECT * FROM {table_name} WHERE database_name = ? AND schema_name = ? AND name = ?",
        [name.database, name.schema, name.name],
        cur,
    )


def delete_object(cur: Cursor, table_name: str, name: ObjectName) -> None:
    cur.execute(
        f"DELETE FROM {table_name} WHERE database_name = ? AND schema_name = ? AND name = ?",
        [name.database, name.schema, name.name],
    )


def insert(cur: Cursor, table_name: str, row: dict[str, t.Any]) -> None:
    marks = ", ".join("?" * len(row))
    cur.execute(f"INSERT INTO {table_name} ({', '.join(row)}) VALUES ({marks})", list(row.values()))


CursorCheck = Callable[["Cursor"], None]


def create_object(
    session: Session,
    node: exp.Expr,
    kind: Kind,
    row: dict[str, t.Any],
    *,
    before_replace: CursorCheck | None = None,
    before_insert: CursorCheck | None = None,
) -> Result:
    """CREATE [OR REPLACE] <kind> [IF NOT EXISTS] for a row whose name fields are filled in.
    The checks run inside the write transaction, so what they read cannot change under them."""
    name = ObjectName(row["database_name"], row["schema_name"], row["name"])
    with session.catalog.write() as cur:
        in_schema(session, name, node.this, cur)
        if get_object(session, kind.table, name, cur) is not None:
            if node.args.get("exists"):
                return Result.status(already_exists(name.name))
            if not node.args.get("replace"):
                raise ObjectExists(kind.label, str(name), session.where(node.this))
            if before_replace is not None:
                before_replace(cur)
            delete_object(cur, kind.table, name)
            forget_grants(cur, kind.securable, str(name))  # OR REPLACE does not copy grants
        if before_insert is not None:
            before_insert(cur)
        insert(cur, kind.table, row)
    return Result.status(created(kind.label, name.name))


def drop_object(
    session: Session,
    node: exp.Drop,
    kind: Kind,
    *,
    used_by: Callable[[Cursor, ObjectName], str | None] | None = None,
) -> Result:
    """DROP <kind> [IF EXISTS]; refused while `used_by` names something that depends on it."""
    name = qualified(session, target(node))
    with session.catalog.write() as cur:
        if get_object(session, kind.table, name, cur) is None:
            if node.args.get("exists"):
                return Result.status(skipped_drop(name.name))
            raise ObjectNotFound(kind.label, str(name), session.where(target(node)))
        users = used_by(cur, name) if used_by is not None else None
        if users:
            raise ObjectInUse(
                f"{kind.label} '{name}' cannot be dropped: it is listed by {users}",
                session.where(target(node)),
            )
        delete_object(cur, kind.table, name)
        forget_grants(cur, kind.securable, str(name))
    return Result.status(dropped(name.name))

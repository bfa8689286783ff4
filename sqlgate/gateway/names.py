"""Snowflake identifier rules: unquoted names fold to upper case, quoted names keep their case;
schema-level objects resolve against the session's current database and schema."""

from __future__ import annotations

import typing as t
from dataclasses import dataclass

from sqlglot import exp

from sqlgate.errors import InvalidValue, SqlgateError

if t.TYPE_CHECKING:
    from sqlgate.gateway.session import Session


def ident(node: exp.Expr | str | None) -> str:
    """The catalog spelling of one identifier."""
    if node is None:
        return ""
    if isinstance(node, str):
        return node.upper()
    if isinstance(node, exp.Identifier):
        return node.name if node.quoted else node.name.upper()
    if isinstance(node, exp.Literal) and node.is_string:
        return node.name  # a quoted literal ('v2') keeps its case, like a quoted identifier
    if isinstance(node, exp.Table | exp.Column):
        return ident(node.this)
    return node.name.upper()


def target(node: exp.Expr) -> exp.Expr:
    """The object a statement acts on (sqlglot's Drop keeps it in `tables`, not `this`)."""
    tables = node.args.get("tables")
    return tables[0] if tables else node.this


@dataclass(frozen=True)
class ObjectName:
    database: str
    schema: str
    name: str

    def __str__(self) -> str:
        return f"{self.database}.{self.schema}.{self.name}"


def qualified(session: Session, node: exp.Expr) -> ObjectName:
    """[db.][schema.]name -> a full name, using the session's current database and schema."""
    if not isinstance(node, exp.Table):
        return ObjectName(session.require_database(), session.require_schema(), ident(node))
    name = ident(node.this)
    schema = ident(node.args.get("db")) if node.args.get("db") else None
    database = ident(node.args.get("catalog")) if node.args.get("catalog") else None
    if database is None:
        database = session.require_database()
    if schema is None:
        schema = session.require_schema()
    return ObjectName(database, schema, name)


def account_level(node: exp.Expr, kind: str) -> str:
    """The name of an account-level object (compute pool, role, integration): never qualified."""
    if isinstance(node, exp.Table):
        if node.args.get("db") or node.args.get("catalog"):
            article = "An" if kind[0] in "aeiou" else "A"
            raise InvalidValue(
                f"{article} {kind} name cannot be qualified with a database or schema"
            )
        return ident(node.this)
    return ident(node)


def schema_name(session: Session, node: exp.Expr | None) -> tuple[str, str]:
    """[db.]schema -> (database, schema).

    sqlglot stores `db.s` as Table(this=s, db=db) in USE and SHOW, but as
    Table(db=s, catalog=db) in CREATE/DROP SCHEMA; the last part present is the schema.
    """
    if node is None:
        return session.require_database(), session.require_schema()
    if not isinstance(node, exp.Table):
        return session.require_database(), ident(node)
    parts = [node.args.get(k) for k in ("catalog", "db", "this")]
    present = [p for p in parts if p is not None and p.name]
    if not present or len(present) > 2:
        raise SqlgateError(f"Invalid schema name '{node.sql('sqlgate')}'")
    if len(present) == 1:
        return session.require_database(), ident(present[0])
    return ident(present[0]), ident(present[1])

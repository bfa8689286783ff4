"""Databases and schemas (catalog rows plus attached DuckDB files), USE, and the SHOW/DESCRIBE
statements over user tables. https://docs.snowflake.com/en/sql-reference/sql/create-database,
.../create-schema, .../use-database, .../show-databases, .../show-tables, .../desc-table."""

from __future__ import annotations

import json
import typing as t

from sqlglot import exp

from sqlgate.errors import InvalidValue, ObjectExists, ObjectInUse, ObjectNotFound, SqlgateError
from sqlgate.executors.common import (
    DONE,
    already_exists,
    created,
    dropped,
    show_filter,
    skipped_drop,
)
from sqlgate.executors.privilege import forget_grants
from sqlgate.executors.registry import executes
from sqlgate.gateway.names import ident, qualified, schema_name, target
from sqlgate.gateway.result import BOOL, INT, TEXT, TIMESTAMP, Result, table
from sqlgate.gateway.warehouse import Warehouse
from sqlgate.registry import store

if t.TYPE_CHECKING:
    from sqlgate.gateway.catalog import Cursor
    from sqlgate.gateway.session import Session

DEFAULT_SCHEMAS = ("PUBLIC",)
# Tables holding schema-level objects, which go with their schema or database.
SCHEMA_OBJECT_TABLES = (
    "model_aliases",
    "model_versions",
    "models",
    "image_repositories",
    "network_rules",
    "secrets",
)

SHOW_DATABASES_COLUMNS = [
    ("created_on", TIMESTAMP),
    ("name", TEXT),
    ("is_default", TEXT),
    ("is_current", TEXT),
    ("origin", TEXT),
    ("owner", TEXT),
    ("comment", TEXT),
    ("options", TEXT),
    ("retention_time", TEXT),
    ("kind", TEXT),
    ("owner_role_type", TEXT),
]
SHOW_SCHEMAS_COLUMNS = [
    ("created_on", TIMESTAMP),
    ("name", TEXT),
    ("is_default", TEXT),
    ("is_current", TEXT),
    ("database_name", TEXT),
    ("owner", TEXT),
    ("comment", TEXT),
    ("options", TEXT),
    ("retention_time", TEXT),
    ("owner_role_type", TEXT),
]
SHOW_TABLES_COLUMNS = [
    ("created_on", TIMESTAMP),
    ("name", TEXT),
    ("database_name", TEXT),
    ("schema_name", TEXT),
    ("kind", TEXT),
    ("comment", TEXT),
    ("cluster_by", TEXT),
    ("rows", INT),
    ("bytes", INT),
    ("owner", TEXT),
    ("retention_time", TEXT),
]
SHOW_VIEWS_COLUMNS = [
    ("created_on", TIMESTAMP),
    ("name", TEXT),
    ("reserved", TEXT),
    ("database_name", TEXT),
    ("schema_name", TEXT),
    ("owner", TEXT),
    ("comment", TEXT),
    ("text", TEXT),
    ("is_secure", BOOL),
    ("is_materialized", BOOL),
]
DESCRIBE_TABLE_COLUMNS = [
    ("name", TEXT),
    ("type", TEXT),
    ("kind", TEXT),
    ("null?", TEXT),
    ("default", TEXT),
    ("primary key", TEXT),
    ("unique key", TEXT),
    ("check", TEXT),
    ("expression", TEXT),
    ("comment", TEXT),
    ("policy name", TEXT),
    ("privacy domain", TEXT),
]


def _comment(node: exp.Expr) -> str | None:
    properties = node.args.get("properties")
    for prop in properties.expressions if properties else []:
        if isinstance(prop, exp.SchemaCommentProperty):
            return prop.this.name
    return None


def _database(session: Session, name: str, cur: Cursor | None = None) -> dict | None:
    return session.catalog.one("SELECT * FROM databases WHERE name = ?", [name], cur)


def _schema(session: Session, database: str, name: str, cur: Cursor | None = None) -> dict | None:
    return session.catalog.one(
        "SELECT * FROM schemas WHERE database_name = ? AND name = ?", [database, name], cur
    )


def require_schema(session: Session, database: str, schema: str, cur: Cursor | None = None) -> None:
    """Schema-level objects can only be created in a schema that exists."""
    if _database(session, database, cur) is None:
        raise ObjectNotFound("Database", database)
    if _schema(session, database, schema, cur) is None:
        raise ObjectNotFound("Schema", f"{database}.{schema}")


def _drop_contents(
    cur: Cursor, files: store.ArtifactChanges, database: str, schema: str | None
) -> None:
    """Remove a database's or schema's objects, their model artifacts (deleted once the
    transaction commits) and the grants on them; refuse while an integration outside would be
    left listing a network rule or secret that goes with them."""
    scope = f"{database}.{schema}." if schema else f"{database}."
    for row in cur.execute(
        "SELECT name, allowed_network_rules, allowed_authentication_secrets FROM integrations"
    ).fetchall():
        for listed in (*json.loads(row[1]), *json.loads(row[2])):
            if isinstance(listed, str) and listed.startswith(scope):
                raise ObjectInUse(
                    f"Cannot drop {scope[:-1]}: external access integration {row[0]}"
                    f" lists {listed}. Drop or alter the integration first."
                )
    _refuse_if_services(cur, scope, database, schema)
    where_models = "database_name = ?" + (" AND schema_name = ?" if schema else "")
    model_params = [database, schema] if schema else [database]
    for (artifact,) in cur.execute(
        f"SELECT artifact FROM model_versions WHERE {where_models}", model_params
    ).fetchall():
        files.drop(artifact)
    if schema:
        forget_grants(cur, "SCHEMA", f"{database}.{schema}")
    else:
        forget_grants(cur, "DATABASE", database)
    where = "database_name = ?" + (" AND schema_name = ?" if schema else "")
    params = [database, schema] if schema else [database]
    for table_name in SCHEMA_OBJECT_TABLES:
        cur.execute(f"DELETE FROM {table_name} WHERE {where}", params)


def _refuse_if_services(cur: Cursor, scope: str, database: str, schema: str | None) -> None:
    """Services live in a schema and run a model version stored in one: dropping either under
    a running service would leave replicas serving deleted artifacts, so drop services first
    (as for DROP MODEL and DROP COMPUTE POOL)."""
    inside = "database_name = ? AND schema_name = ?" if schema else "database_name = ?"
    model_inside = "model_database = ? AND model_schema = ?" if schema else "model_database = ?"
    params = [database, schema] if schema else [database]
    rows = cur.execute(
        "SELECT database_name, schema_name, name FROM services"
        f" WHERE ({inside}) OR ({model_inside}) ORDER BY 1, 2, 3",
        [*params, *params],
    ).fetchall()
    if rows:
        names = ", ".join(".".join(r) for r in rows)
        raise ObjectInUse(
            f"Cannot drop {scope[:-1]}: service{'s' if len(rows) > 1 else ''} {names}"
            f" {'are' if len(rows) > 1 else 'is'} in it or serve{'' if len(rows) > 1 else 's'}"
            " a model stored in it. Drop the service first."
        )


@executes(("CREATE", "DATABASE"))
def create_database(node: exp.Create, session: Session) -> Result:
    name = ident(node.this)
    with store.ArtifactChanges(session.engine.models_dir) as files, session.catalog.write() as cur:
        existing = _database(session, name, cur)
        if existing is not None:
            if node.args.get("exists"):
                return Result.status(already_exists(name))
            if not node.args.get("replace"):
                raise ObjectExists("Database", name, session.where(node.this))
            _drop_contents(cur, files, name, None)
            cur.execute("DELETE FROM schemas WHERE database_name = ?", [name])
            cur.execute("DELETE FROM databases WHERE name = ?", [name])
            session.warehouse.detach(name, existing["file"], delete=True)
        file = Warehouse.file_name(name)
        cur.execute(
            "INSERT INTO databases (name, file, owner, comment) VALUES (?, ?, ?, ?)",
            [name, file, session.role, _comment(node)],
        )
        for schema in DEFAULT_SCHEMAS:
            cur.execute(
                "INSERT INTO schemas (database_name, name, owner) VALUES (?, ?, ?)",
                [name, schema, session.role],
            )
        session.warehouse.attach(name, file)
        for schema in DEFAULT_SCHEMAS:
            session.warehouse.create_schema(name, schema)
    # Snowflake makes a new database (and its PUBLIC schema) current.
    session.database, session.schema = name, "PUBLIC"
    session.sync_current_schema()
    return Result.status(created("Database", name))


@executes(("CREATE", "SCHEMA"))
def create_schema(node: exp.Create, session: Session) -> Result:
    database, name = schema_name(session, node.this)
    with store.ArtifactChanges(session.engine.models_dir) as files, session.catalog.write() as cur:
        if _database(session, database, cur) is None:
            raise ObjectNotFound("Database", database, session.where(node.this))
        if _schema(session, database, name, cur) is not None:
            if node.args.get("exists"):
                return Result.status(already_exists(name))
            if not node.args.get("replace"):
                raise ObjectExists("Schema", f"{database}.{name}", session.where(node.this))
            _drop_contents(cur, files, database, name)
            cur.execute(
                "DELETE FROM schemas WHERE database_name = ? AND name = ?", [database, name]
            )
            session.warehouse.drop_schema(database, name)
        cur.execute(
            "INSERT INTO schemas (database_name, name, owner, comment) VALUES (?, ?, ?, ?)",
            [database, name, session.role, _comment(node)],
        )
        session.warehouse.create_schema(database, name)
    session.database, session.schema = database, name
    session.sync_current_schema()
    return Result.status(created("Schema", name))


@executes(("DROP", "DATABASE"))
def drop_database(node: exp.Drop, session: Session) -> Result:
    name = ident(target(node))
    with store.ArtifactChanges(session.engine.models_dir) as files, session.catalog.write() as cur:
        existing = _database(session, name, cur)
        if existing is None:
            if node.args.get("exists"):
                return Result.status(skipped_drop(name))
            raise ObjectNotFound("Database", name, session.where(target(node)))
        _drop_contents(cur, files, name, None)
        cur.execute("DELETE FROM schemas WHERE database_name = ?", [name])
        cur.execute("DELETE FROM databases WHERE name = ?", [name])
        if session.database == name:
            session.database = session.schema = None
            session.sync_current_schema()
        session.warehouse.detach(name, existing["file"], delete=True)
    return Result.status(dropped(name))


@executes(("DROP", "SCHEMA"))
def drop_schema(node: exp.Drop, session: Session) -> Result:
    database, name = schema_name(session, target(node))
    if name == "INFORMATION_SCHEMA":
        raise InvalidValue("INFORMATION_SCHEMA cannot be dropped")
    with store.ArtifactChanges(session.engine.models_dir) as files, session.catalog.write() as cur:
        if _schema(session, database, name, cur) is None:
            if node.args.get("exists"):
                return Result.status(skipped_drop(name))
            raise ObjectNotFound("Schema", f"{database}.{name}", session.where(target(node)))
        _drop_contents(cur, files, database, name)
        cur.execute("DELETE FROM schemas WHERE database_name = ? AND name = ?", [database, name])
        session.warehouse.drop_schema(database, name)
    if (session.database, session.schema) == (database, name):
        session.schema = None
        session.sync_current_schema()
    return Result.status(dropped(name))


@executes(("USE", "DATABASE"), ("USE", ""))
def use_database(node: exp.Use, session: Session) -> Result:
    target = node.this
    if isinstance(target, exp.Table) and target.args.get("db"):  # USE db.schema
        return use_schema(node, session)
    name = ident(target)
    if _database(session, name) is None:
        raise ObjectNotFound("Database", name, session.where(target))
    schema = "PUBLIC" if _schema(session, name, "PUBLIC") else None
    session.database, session.schema = name, schema
    session.sync_current_schema()
    return Result.status(DONE)


@executes(("USE", "SCHEMA"))
def use_schema(node: exp.Use, session: Session) -> Result:
    database, name = schema_name(session, node.this)
    if _schema(session, database, name) is None:
        raise ObjectNotFound("Schema", f"{database}.{name}", session.where(node.this))
    session.database, session.schema = database, name
    session.sync_current_schema()
    return Result.status(DONE)


@executes(("SHOW", "DATABASES"))
def show_databases(node: exp.Show, session: Session) -> Result:
    rows = session.catalog.rows("SELECT * FROM databases")
    for row in rows:
        row.update(
            is_default="N",
            is_current="Y" if row["name"] == session.database else "N",
            origin="",
            options="",
            retention_time="1",
            kind="STANDARD",
            owner_role_type="ROLE",
        )
    return Result(table(SHOW_DATABASES_COLUMNS, show_filter(rows, node)))


def scope_database(session: Session, node: exp.Show) -> str | None:
    """The database a SHOW ... IN DATABASE d / IN ACCOUNT names; None means all of them."""
    kind = node.args.get("scope_kind")
    scope = node.args.get("scope")
    if kind == "ACCOUNT":
        return None
    if kind == "DATABASE":
        name = ident(scope) if scope is not None else session.require_database()
        if _database(session, name) is None:
            raise ObjectNotFound("Database", name, session.where(scope))
        return name
    return session.require_database()


@executes(("SHOW", "SCHEMAS"))
def show_schemas(node: exp.Show, session: Session) -> Result:
    database = scope_database(session, node)
    rows = session.catalog.rows(
        "SELECT * FROM schemas WHERE ? IS NULL OR database_name = ?", [database, database]
    )
    # Every Snowflake database has an INFORMATION_SCHEMA; list it as Snowflake does.
    for db in {r["database_name"] for r in rows} | ({database} if database else set()):
        rows.append(
            {
                "database_name": db,
                "name": "INFORMATION_SCHEMA",
                "owner": "",
                "comment": "Views describing the contents of schemas in this database",
                "created_on": None,
            }
        )
    for row in rows:
        row.update(
            is_default="N",
            is_current="Y"
            if (row["database_name"], row["name"]) == (session.database, session.schema)
            else "N",
            options="",
            retention_time="1",
            owner_role_type="ROLE" if row["owner"] else "",
        )
    return Result(table(SHOW_SCHEMAS_COLUMNS, show_filter(rows, node)))


def _relations(session: Session, node: exp.Show, kind: str) -> list[dict]:
    scope_kind, scope = node.args.get("scope_kind"), node.args.get("scope")
    database: str | None = session.database
    schema: str | None = session.schema
    if scope_kind == "ACCOUNT":
        database = schema = None
    elif scope_kind == "DATABASE":
        database, schema = (ident(scope) if scope else session.require_database()), None
    elif scope_kind == "SCHEMA" or scope is not None:
        database, schema = schema_name(session, scope)
    if database is None and scope_kind != "ACCOUNT":
        session.require_database()
    cur = session.warehouse.cursor()
    try:
        cur.execute(
            """
            SELECT t.table_catalog, t.table_schema, t.table_name, t.table_type, v.sql,
                   coalesce(d.estimated_size, 0), coalesce(d.comment, vv.comment)
            FROM information_schema.tables t
            LEFT JOIN duckdb_tables() d ON d.database_name = t.table_catalog
                 AND d.schema_name = t.table_schema AND d.table_name = t.table_name
            LEFT JOIN duckdb_views() vv ON vv.database_name = t.table_catalog
                 AND vv.schema_name = t.table_schema AND vv.view_name = t.table_name
            LEFT JOIN (SELECT database_name, schema_name, view_name, sql FROM duckdb_views()) v
                 ON v.database_name = t.table_catalog AND v.schema_name = t.table_schema
                 AND v.view_name = t.table_name
            WHERE t.table_type = ? AND (? IS NULL OR t.table_catalog = ?)
              AND (? IS NULL OR t.table_schema = ?)
              AND t.table_catalog NOT IN ('system', 'temp', 'memory')
            """,
            [kind, database, database, schema, schema],
        )
        found = cur.fetchall()
    finally:
        cur.close()
    owners = {
        r["name"]: r["owner"] for r in session.catalog.rows("SELECT name, owner FROM databases")
    }
    return [
        {
            "created_on": None,
            "name": name,
            "database_name": db,
            "schema_name": sch,
            "kind": "TABLE",
            "comment": comment or "",
            "cluster_by": "",
            "rows": rows,
            "bytes": None,
            "owner": owners.get(db, ""),
            "retention_time": "1",
            "reserved": "",
            "text": sql,
            "is_secure": False,
            "is_materialized": False,
        }
        for db, sch, name, _, sql, rows, comment in found
    ]


@executes(("SHOW", "TABLES"))
def show_tables(node: exp.Show, session: Session) -> Result:
    return Result(
        table(SHOW_TABLES_COLUMNS, show_filter(_relations(session, node, "BASE TABLE"), node))
    )


@executes(("SHOW", "VIEWS"))
def show_views(node: exp.Show, session: Session) -> Result:
    return Result(table(SHOW_VIEWS_COLUMNS, show_filter(_relations(session, node, "VIEW"), node)))


# Snowflake's SHOW OBJECTS columns; TERSE keeps the first five. Clients (dbt-snowflake lists
# relations with it) read kind, is_dynamic and is_iceberg.
SHOW_OBJECTS_COLUMNS = [
    ("created_on", TIMESTAMP),
    ("name", TEXT),
    ("kind", TEXT),
    ("database_name", TEXT),
    ("schema_name", TEXT),
    ("comment", TEXT),
    ("cluster_by", TEXT),
    ("rows", INT),
    ("bytes", INT),
    ("owner", TEXT),
    ("retention_time", TEXT),
    ("owner_role_type", TEXT),
    ("is_hybrid", TEXT),
    ("is_dynamic", TEXT),
    ("is_iceberg", TEXT),
]


@executes(("SHOW", "OBJECTS"))
def show_objects(node: exp.Show, session: Session) -> Result:
    """Tables and views together (kind TABLE or VIEW), as SHOW TABLES and SHOW VIEWS list them."""
    rows = [
        {**row, "kind": kind, "owner_role_type": "ROLE" if row["owner"] else ""}
        | {"is_hybrid": "N", "is_dynamic": "N", "is_iceberg": "N"}
        for table_type, kind in (("BASE TABLE", "TABLE"), ("VIEW", "VIEW"))
        for row in _relations(session, node, table_type)
    ]
    columns = SHOW_OBJECTS_COLUMNS[:5] if node.args.get("terse") else SHOW_OBJECTS_COLUMNS
    return Result(table(columns, show_filter(rows, node)))


@executes(("DESCRIBE", "TABLE"), ("DESCRIBE", "VIEW"))
def describe_table(node: exp.Describe, session: Session) -> Result:
    name = qualified(session, node.this)
    cur = session.warehouse.cursor()
    try:
        cur.execute(
            """
            SELECT column_name, data_type, is_nullable, column_default, comment
            FROM duckdb_columns()
            WHERE database_name = ? AND schema_name = ? AND table_name = ?
            ORDER BY column_index
            """,
            [name.database, name.schema, name.name],
        )
        columns = cur.fetchall()
    finally:
        cur.close()
    if not columns:
        raise SqlgateError(
            f"Table '{name}' does not exist or not authorized.", session.where(node.this)
        )
    rows = [
        (
            col,
            _snowflake_type(typ),
            "COLUMN",
            "Y" if nullable else "N",
            default,
            "N",
            "N",
            None,
            None,
            comment,
            None,
            None,
        )
        for col, typ, nullable, default, comment in columns
    ]
    return Result(table(DESCRIBE_TABLE_COLUMNS, rows))


def _snowflake_type(duckdb_type: str) -> str:
    """DuckDB type names as Snowflake writes them."""
    mapping = {
        "BIGINT": "NUMBER(38,0)",
        "INTEGER": "NUMBER(38,0)",
        "SMALLINT": "NUMBER(38,0)",
        "TINYINT": "NUMBER(38,0)",
        "HUGEINT": "NUMBER(38,0)",
        "DOUBLE": "FLOAT",
        "FLOAT": "FLOAT",
        "VARCHAR": "VARCHAR(16777216)",
        "BOOLEAN": "BOOLEAN",
        "DATE": "DATE",
        "TIMESTAMP": "TIMESTAMP_NTZ(9)",
        "TIMESTAMP WITH TIME ZONE": "TIMESTAMP_TZ(9)",
        "BLOB": "BINARY(8388608)",
        "JSON": "VARIANT",
    }
    if duckdb_type.startswith("DECIMAL"):
        return duckdb_type.replace("DECIMAL", "NUMBER").replace(" ", "")
    return mapping.get(duckdb_type, duckdb_type)

"""[db.]INFORMATION_SCHEMA.MODEL_VERSIONS: the registry as a table user SQL can query.
https://docs.snowflake.com/en/sql-reference/info-schema/model_versions

User SQL runs in the warehouse, which cannot see the catalog, so a query that names the view
gets a snapshot of it: the referenced database's versions, built from the catalog as Arrow,
registered on the session's cursor under a private name for that one query, with the reference
rewritten to that name. Columns are Snowflake's, then the names seed 002's example query uses
(CATALOG_NAME, CREATED_ON, LAST_ALTERED_ON). METADATA, USERDATA and VERSION_ALIASES are JSON,
so `metadata:metric:accuracy` works as it does on Snowflake's VARIANT.
"""

from __future__ import annotations

import json
import typing as t
import uuid
from itertools import groupby

import pyarrow as pa
from sqlglot import exp

from sqlgate.errors import ObjectNotFound, UnsupportedStatement
from sqlgate.executors.model import MODEL_TYPE, all_aliases, to_json
from sqlgate.gateway import access
from sqlgate.gateway.names import ident
from sqlgate.gateway.result import TEXT, TIMESTAMP

if t.TYPE_CHECKING:
    from sqlgate.gateway.session import Session

SCHEMA = "INFORMATION_SCHEMA"
VIEW = "MODEL_VERSIONS"
PRIVATE_PREFIX = "sqlgate_information_schema_"
JSON = pa.json_(pa.string())

COLUMNS: list[tuple[str, pa.DataType]] = [
    ("DATABASE_NAME", TEXT),
    ("SCHEMA_NAME", TEXT),
    ("MODEL_NAME", TEXT),
    ("MODEL_VERSION_NAME", TEXT),
    ("VERSION_ALIASES", JSON),
    ("COMMENT", TEXT),
    ("OWNER", TEXT),
    ("CREATED", TIMESTAMP),
    ("LAST_ALTERED", TIMESTAMP),
    ("FUNCTIONS", TEXT),
    ("MODEL_TYPE", TEXT),
    ("PYTHON_VERSION", TEXT),
    ("LANGUAGE", TEXT),
    ("DEPENDENCIES", TEXT),
    ("METADATA", JSON),
    ("USERDATA", JSON),
    ("CATALOG_NAME", TEXT),
    ("CREATED_ON", TIMESTAMP),
    ("LAST_ALTERED_ON", TIMESTAMP),
]


def rewrite(tree: exp.Expr, session: Session) -> tuple[exp.Expr, dict[str, pa.Table]]:
    """`tree` reading private tables instead of the view, and those tables by name."""
    if not any(_is_model_versions(table) for table in tree.find_all(exp.Table)):
        return tree, {}
    if isinstance(tree, exp.Create) and str(tree.args.get("kind") or "").upper() == "VIEW":
        raise UnsupportedStatement(
            f"views over {SCHEMA}.{VIEW}, which is a snapshot taken for each query"
        )
    tree = tree.copy()
    tables: dict[str, pa.Table] = {}
    for table in [x for x in tree.find_all(exp.Table) if _is_model_versions(x)]:
        catalog = table.args.get("catalog")
        database = ident(catalog) if catalog else session.require_database()
        if session.catalog.one("SELECT 1 FROM databases WHERE name = ?", [database]) is None:
            raise ObjectNotFound("Database", database, session.where(table))
        name = PRIVATE_PREFIX + uuid.uuid4().hex
        tables[name] = model_versions(session, database)
        alias = table.args.get("alias") or exp.TableAlias(this=exp.to_identifier(VIEW))
        table.replace(exp.Table(this=exp.to_identifier(name, quoted=True), alias=alias))
    return tree, tables


def _is_model_versions(table: exp.Table) -> bool:
    schema = table.args.get("db")
    return schema is not None and ident(schema) == SCHEMA and ident(table.this) == VIEW


def model_versions(session: Session, database: str) -> pa.Table:
    """Every version in `database`, as the view's rows."""
    versions = session.catalog.rows(
        "SELECT v.*, m.default_version FROM model_versions v JOIN models m"
        " ON m.database_name = v.database_name AND m.schema_name = v.schema_name"
        " AND m.name = v.model_name WHERE v.database_name = ?"
        " ORDER BY v.schema_name, v.model_name, v.created_on, v.name",
        [database],
    )
    aliases = session.catalog.rows(
        "SELECT schema_name, model_name, alias, version_name FROM model_aliases"
        " WHERE database_name = ?",
        [database],
    )
    rows = []
    for (schema, model), group in groupby(versions, lambda v: (v["schema_name"], v["model_name"])):
        if not access.has_privilege(session, "MODEL", (database, schema, model), ("USAGE", "READ")):
            continue  # "only objects visible to the current role"
        in_model = list(group)
        user_aliases = {
            a["alias"]: a["version_name"]
            for a in aliases
            if (a["schema_name"], a["model_name"]) == (schema, model)
        }
        every_alias = all_aliases(in_model[0], in_model, user_aliases)
        rows.extend(
            _row(version, sorted(a for a, v in every_alias.items() if v == version["name"]))
            for version in in_model
        )
    names = [name for name, _ in COLUMNS]
    return pa.Table.from_arrays(
        [pa.array([r[n] for r in rows], type) for n, type in COLUMNS], names=names
    )


def _row(version: dict[str, t.Any], aliases: list[str]) -> dict[str, t.Any]:
    functions = json.loads(version["functions"])
    return {
        "DATABASE_NAME": version["database_name"],
        "SCHEMA_NAME": version["schema_name"],
        "MODEL_NAME": version["model_name"],
        "MODEL_VERSION_NAME": version["name"],
        "VERSION_ALIASES": to_json(aliases),
        "COMMENT": version["comment"],
        "OWNER": version["owner"],
        "CREATED": version["created_on"],
        "LAST_ALTERED": version["updated_on"],
        "FUNCTIONS": to_json([f["name"].upper() for f in functions]),
        "MODEL_TYPE": MODEL_TYPE,
        "PYTHON_VERSION": version["python_version"],
        "LANGUAGE": "PYTHON",
        "DEPENDENCIES": to_json(json.loads(version["dependencies"])),
        "METADATA": to_json(json.loads(version["metadata"])),
        "USERDATA": to_json(json.loads(version["user_data"])),
        "CATALOG_NAME": version["database_name"],
        "CREATED_ON": version["created_on"],
        "LAST_ALTERED_ON": version["updated_on"],
    }

"""Plain SQL (queries, DML, tables and views): Snowflake SQL transpiled to DuckDB.

Only statements on the allow-list reach DuckDB. sqlglot passes DuckDB-only functions straight
through when transpiling, so the dialect is no security boundary on its own; the warehouse's
lock-down is the second line (see warehouse.py).
"""

from __future__ import annotations

from sqlglot import exp
from sqlglot.errors import ErrorLevel, UnsupportedError
from sqlglot.optimizer.normalize_identifiers import normalize_identifiers

from sqlgate.errors import SqlgateError, UnsupportedStatement
from sqlgate.grammar.statements.model_call import ModelVersion

QUERY_NODES = (
    exp.Query,
    exp.Insert,
    exp.Update,
    exp.Delete,
    exp.Merge,
    exp.TruncateTable,
    exp.Transaction,
    exp.Commit,
    exp.Rollback,
)
RELATION_KINDS = {"TABLE", "VIEW"}

# DuckDB table functions that read files or the host: never reachable from user SQL.
FORBIDDEN_FUNCTIONS = {
    "READ_CSV",
    "READ_CSV_AUTO",
    "READ_JSON",
    "READ_JSON_AUTO",
    "READ_JSON_OBJECTS",
    "READ_NDJSON",
    "READ_PARQUET",
    "PARQUET_SCAN",
    "READ_TEXT",
    "READ_BLOB",
    "GLOB",
    "DUCKDB_SECRETS",
    "DUCKDB_SETTINGS",
    "GETENV",
    # runs SQL text, so it would bypass the statement allow-list
    "QUERY",
    "QUERY_TABLE",
    "JSON_EXECUTE_SERIALIZED_SQL",
    # settings, secrets and host paths of the instance
    "CURRENT_SETTING",
    "WHICH_SECRET",
    "SNIFF_CSV",
    "SQL_AUTO_COMPLETE",
}
# Whole families: file readers and scanners, and DuckDB's introspection of itself (data file
# paths, extensions, settings), none of which Snowflake SQL has.
FORBIDDEN_PREFIXES = ("READ_", "PARQUET_", "ICEBERG_", "DELTA_", "ST_READ", "DUCKDB_", "PRAGMA_")


def is_plain(tree: exp.Expr) -> bool:
    if isinstance(tree, QUERY_NODES):
        return True
    if isinstance(tree, exp.Create | exp.Drop):
        return str(tree.args.get("kind") or "").upper() in RELATION_KINDS
    if isinstance(tree, exp.Alter):
        return str(tree.args.get("kind") or "").upper() in RELATION_KINDS
    return False


# Snowflake's semi-structured types; DuckDB's JSON gives them the same `col:a.b` path semantics.
SEMI_STRUCTURED = {exp.DataType.Type.VARIANT, exp.DataType.Type.OBJECT}


def _snowflake_semantics(node: exp.Expr, role: str) -> exp.Expr | None:
    """Rewrite what DuckDB would answer differently from Snowflake."""
    if isinstance(node, exp.DataType) and not node.expressions:
        if node.this in SEMI_STRUCTURED:
            return exp.DataType.build("JSON")
        if node.this == exp.DataType.Type.ARRAY:
            # As JSON, `col[0]` would get sqlglot's shift to 1-based list indexes and silently
            # read the wrong element; refuse rather than answer wrongly.
            raise UnsupportedStatement(
                "untyped ARRAY columns; store arrays in a VARIANT column (col:items[0] works)"
            )
    if (
        isinstance(node, exp.Cast)
        and isinstance(node.this, exp.JSONExtract)
        and node.to.is_type(*exp.DataType.TEXT_TYPES)
    ):
        # Snowflake's `v:name::VARCHAR` is the string itself, not its JSON text ("x" with quotes)
        extract = node.this
        return exp.JSONExtractScalar(this=extract.this, expression=extract.expression)
    if isinstance(node, exp.TransientProperty):
        # TRANSIENT only drops Snowflake's Fail-safe period, which sqlgate never keeps: a
        # transient table is an ordinary table (dbt-snowflake creates its tables transient)
        return None
    if isinstance(node, exp.CurrentRole):
        return exp.Literal.string(role)
    if isinstance(node, exp.CurrentVersion):
        # Snowflake answers its own version (clients parse it as dotted numbers), not DuckDB's
        from sqlgate import __version__

        return exp.Literal.string(__version__)
    return node


def to_duckdb(tree: exp.Expr, role: str, *, copy: bool = True) -> str:
    """Fold unquoted identifiers to upper case (Snowflake's rule) and generate DuckDB SQL.
    Model calls must already be rewritten into UDF calls (gateway/model_calls.py). With
    copy=False the folding happens in `tree` itself (for a tree nothing else will read)."""
    for node in tree.walk():
        if isinstance(node, exp.ModelAttribute | ModelVersion):  # model_calls.rewrite's job
            raise SqlgateError("Internal error: a model call reached SQL generation unresolved")
        if isinstance(node, exp.Func):
            name = (node.name if isinstance(node, exp.Anonymous) else node.sql_name()).upper()
            if name in FORBIDDEN_FUNCTIONS or name.startswith(FORBIDDEN_PREFIXES):
                raise SqlgateError(f"Function {name} is not available in sqlgate SQL")
        if isinstance(node, exp.Table) and isinstance(node.this, exp.Literal):
            raise SqlgateError("Querying a file path is not available in sqlgate SQL")
    folded = normalize_identifiers(tree.copy() if copy else tree, dialect="snowflake")
    folded = folded.transform(_snowflake_semantics, role, copy=False)
    try:
        # RAISE: never let the generator silently drop a node it cannot render
        return folded.sql("duckdb", unsupported_level=ErrorLevel.RAISE, identify=True)
    except UnsupportedError as e:
        raise UnsupportedStatement(str(e)) from None

"""Service functions and service SYSTEM$ functions inside queries, before model calls are bound.

- `SYSTEM$GET_SERVICE_LOGS(...)` / `SYSTEM$GET_SERVICE_STATUS(...)` (constant arguments) become
  the string they return, so `SELECT SYSTEM$GET_SERVICE_LOGS('s', 0, 'model-inference')` works
  as Snowflake's does.
- `<SERVICE>_<FUNCTION>(args)` (seed 000's `MY_SERVICE_PREDICT(...)`), optionally qualified with
  the service's database and schema, becomes the model call `MODEL(m, v)!<FUNCTION>(args)`
  pinned to the version the service hosts and marked with the service, so model_calls.py binds
  it like any model call (signature checks, `:field` access, the projection path) and the UDF
  sends its batches to the service. Unaliased, such a projection keeps the name it was written
  with.
"""

from __future__ import annotations

import json
import typing as t

from sqlglot import exp
from sqlglot.optimizer.normalize_identifiers import normalize_identifiers

from sqlgate.gateway.names import ObjectName, ident

if t.TYPE_CHECKING:
    from sqlgate.gateway.session import Session

SERVICE_META = "sqlgate_service"  # meta key on a ModelAttribute: the ObjectName of its service
SYSTEM_PREFIX = "SYSTEM$GET_SERVICE_"


def _functions(session: Session) -> dict[tuple[str, str, str], tuple[dict, str]]:
    """(database, schema, FUNCTION NAME) -> (service row, model function), for every service."""
    rows = session.catalog.rows(
        "SELECT s.*, v.functions FROM services s JOIN model_versions v"
        " ON v.database_name = s.model_database AND v.schema_name = s.model_schema"
        " AND v.model_name = s.model_name AND v.name = s.version_name"
    )
    found: dict[tuple[str, str, str], tuple[dict, str]] = {}
    for row in rows:
        for function in json.loads(row["functions"]):
            name = f"{row['name']}_{function['name']}".upper()
            found[(row["database_name"], row["schema_name"], name)] = (row, function["name"])
    return found


def _qualifier(call: exp.Anonymous) -> tuple[exp.Expr, list[str]] | None:
    """The node a (possibly qualified) call occupies, and its qualifier parts."""
    parent = call.parent
    if isinstance(parent, exp.Dot) and parent.expression is call:
        parts: list[str] = []
        node: exp.Expr | None = parent.this
        while isinstance(node, exp.Dot):
            parts.insert(0, ident(node.expression))
            node = node.this
        if not isinstance(node, exp.Identifier | exp.Column):
            return None
        parts.insert(0, ident(node) if isinstance(node, exp.Identifier) else node.name)
        return parent, parts
    return call, []


def expand(tree: exp.Expr, session: Session) -> exp.Expr:
    """`tree` with service functions and service SYSTEM$ calls rewritten (a copy if any)."""
    calls = list(tree.find_all(exp.Anonymous))
    if not calls:
        return tree
    system = [f for f in calls if f.name.upper().startswith(SYSTEM_PREFIX)]
    functions = _functions(session)  # one catalog read; empty when there are no services
    if not (system or functions):
        return tree
    tree = tree.copy()
    if system:
        from sqlgate.executors.service import system_function

        for function in list(tree.find_all(exp.Anonymous)):
            if function.name.upper().startswith(SYSTEM_PREFIX):
                function.replace(exp.Literal.string(system_function(function, session)))
    if not functions:
        return tree
    for call in reversed(list(tree.find_all(exp.Anonymous))):
        placed = _qualifier(call)
        if placed is None:
            continue
        node, parts = placed
        if len(parts) > 2:
            continue
        database = parts[0] if len(parts) == 2 else session.database
        schema = parts[-1] if parts else session.schema
        hit = functions.get((str(database), str(schema), call.name.upper()))
        if hit is None:
            continue
        row, function = hit
        name = _written_name(node)
        model = exp.Table(
            this=exp.to_identifier(row["model_name"], quoted=True),
            db=exp.to_identifier(row["model_schema"], quoted=True),
            catalog=exp.to_identifier(row["model_database"], quoted=True),
        )
        version = exp.to_identifier(row["version_name"], quoted=True)
        attribute = exp.ModelAttribute(
            this=exp.Anonymous(this="MODEL", expressions=[model, version]),
            expression=exp.Anonymous(this=function, expressions=list(call.expressions)),
        )
        attribute.meta[SERVICE_META] = ObjectName(
            row["database_name"], row["schema_name"], row["name"]
        )
        attribute.meta.update({k: v for k, v in call.meta.items() if k != SERVICE_META})
        node.replace(attribute)
        if name is not None:
            item = t.cast(exp.Expr, _projection(attribute))
            item.replace(exp.alias_(item.copy(), exp.to_identifier(name, quoted=True)))
    return tree


def _projection(node: exp.Expr) -> exp.Expr | None:
    """The select-list item `node` is part of, if it is in a select list."""
    item: exp.Expr | None = node
    while item is not None and not isinstance(item.parent, exp.Select):
        item = item.parent
    if item is None or item.arg_key != "expressions":
        return None
    return item


def _written_name(node: exp.Expr) -> str | None:
    """The name an unaliased projection calling a service function keeps (MY_SERVICE_PREDICT(A,
    B), as Snowflake would show it) rather than the model call's; None if it has an alias."""
    item = _projection(node)
    if item is None or isinstance(item, exp.Alias):
        return None
    return normalize_identifiers(item.copy(), dialect="snowflake").sql("snowflake")

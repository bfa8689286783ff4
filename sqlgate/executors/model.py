"""Models, versions and aliases in the catalog, with each version's files in the artifact store.
https://docs.snowflake.com/en/sql-reference/sql/create-model, .../alter-model (and its ADD, DROP
and MODIFY VERSION pages), .../drop-model, .../show-models, .../show-versions-in-model and
.../show-functions-in-model.

A version comes from a version directory (FROM '<directory>', see registry/manifest.py; a
relative path is relative to the gateway's working directory) or from another model's version
(FROM MODEL m [VERSION v], which also copies the version's comment, metadata and user data).
Snowflake's FROM @stage has no stages to read here, so it is refused with a pointer to
FROM '<directory>'. CREATE MODEL without WITH VERSION names the version V1.

The gateway keeps the registry's invariants inside one catalog transaction per statement: a
model always has a default version, an alias names one version per model, and version names,
alias names and the system aliases DEFAULT, FIRST and LAST never collide (so `VERSION x` always
means one thing). Names compare exactly as the catalog spells them: unquoted names are upper
case, quoted names and string literals keep their case.
"""

from __future__ import annotations

import json
import re
import typing as t
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from sqlglot import exp

from sqlgate.errors import InvalidValue, ObjectExists, ObjectNotFound, Position, SqlgateError
from sqlgate.executors.common import (
    DONE,
    already_exists,
    created,
    dropped,
    show_filter,
    skipped_drop,
    tags_after,
)
from sqlgate.executors.database import require_schema
from sqlgate.executors.privilege import forget_grants
from sqlgate.executors.registry import executes
from sqlgate.executors.schema_objects import rows_in_scope
from sqlgate.gateway.names import ObjectName, ident, qualified, target
from sqlgate.gateway.result import BOOL, INT, TEXT, TIMESTAMP, Result, now, table
from sqlgate.grammar import options as opt
from sqlgate.grammar.statements.model import AlterModel, CreateModel, ShowModelFunctions
from sqlgate.registry import store
from sqlgate.registry.manifest import TYPES, Manifest

if t.TYPE_CHECKING:
    from sqlgate.gateway.catalog import Cursor
    from sqlgate.gateway.session import Session

KIND = "Model"
SYSTEM_ALIASES = ("DEFAULT", "FIRST", "LAST")
MODEL_TYPE = "USER_MODEL"  # SHOW MODELS' model_type for models logged by users
RUNNABLE_IN = ["WAREHOUSE"]  # in the gateway process; services add where they run later

SHOW_MODELS_COLUMNS = [
    ("created_on", TIMESTAMP),
    ("name", TEXT),
    ("model_type", TEXT),
    ("database_name", TEXT),
    ("schema_name", TEXT),
    ("comment", TEXT),
    ("owner", TEXT),
    ("default_version_name", TEXT),
    ("versions", TEXT),
    ("aliases", TEXT),
]
SHOW_VERSIONS_COLUMNS = [
    ("created_on", TIMESTAMP),
    ("name", TEXT),
    ("aliases", TEXT),
    ("comment", TEXT),
    ("database_name", TEXT),
    ("schema_name", TEXT),
    ("model_name", TEXT),
    ("is_default_version", BOOL),
    ("functions", TEXT),
    ("metadata", TEXT),
    ("user_data", TEXT),
    ("model_attributes", TEXT),
    ("size", INT),
    ("environment", TEXT),
    ("runnable_in", TEXT),
    ("inference_services", TEXT),
]
SHOW_FUNCTIONS_COLUMNS = [
    ("created_on", TIMESTAMP),
    ("name", TEXT),
    ("version_name", TEXT),
    ("min_num_arguments", INT),
    ("max_num_arguments", INT),
    ("arguments", TEXT),
    ("return_type", TEXT),
    ("description", TEXT),
    ("language", TEXT),
    ("is_table_function", BOOL),
]

_UNQUOTED = re.compile(r"[A-Z_][A-Z0-9_$]*")


def to_json(value: t.Any) -> str:
    """JSON text as SHOW prints it: compact, keys sorted."""
    return json.dumps(value, separators=(",", ":"), sort_keys=True)


# --- catalog reads ---------------------------------------------------------------------------


def _key(name: ObjectName) -> list[str]:
    return [name.database, name.schema, name.name]


def get_model(session: Session, name: ObjectName, cur: Cursor | None = None) -> dict | None:
    return session.catalog.one(
        "SELECT * FROM models WHERE database_name = ? AND schema_name = ? AND name = ?",
        _key(name),
        cur,
    )


def _require_model(
    session: Session, node: exp.Expr, cur: Cursor | None = None
) -> tuple[ObjectName, dict]:
    name = qualified(session, node)
    model = get_model(session, name, cur)
    if model is None:
        raise ObjectNotFound(KIND, str(name), session.where(node))
    return name, model


def _versions(session: Session, name: ObjectName, cur: Cursor | None = None) -> list[dict]:
    """A model's versions, oldest first (FIRST and LAST are by creation time)."""
    return session.catalog.rows(
        "SELECT * FROM model_versions WHERE database_name = ? AND schema_name = ?"
        " AND model_name = ? ORDER BY created_on, name",
        _key(name),
        cur,
    )


def _aliases(session: Session, name: ObjectName, cur: Cursor | None = None) -> dict[str, str]:
    """alias -> version name, for the aliases users set."""
    rows = session.catalog.rows(
        "SELECT alias, version_name FROM model_aliases WHERE database_name = ?"
        " AND schema_name = ? AND model_name = ?",
        _key(name),
        cur,
    )
    return {r["alias"]: r["version_name"] for r in rows}


def all_aliases(model: dict, versions: list[dict], aliases: dict[str, str]) -> dict[str, str]:
    """User aliases plus the system aliases DEFAULT, FIRST and LAST."""
    if not versions:
        return dict(aliases)
    system = {
        "DEFAULT": model["default_version"],
        "FIRST": versions[0]["name"],
        "LAST": versions[-1]["name"],
    }
    return {**aliases, **system}


E = t.TypeVar("E", bound=SqlgateError)


def _about_version(error: E, message: str) -> E:
    """Name the model in an error about one of its versions (the shared classes cannot)."""
    error.message = message
    error.args = (message,)
    return error


def _version_missing(
    name: ObjectName, wanted: str, known: Iterable[str], position: Position | None
) -> ObjectNotFound:
    message = f"Version '{wanted}' of model '{name}' does not exist or not authorized."
    near = [k for k in known if k.upper() == wanted.upper()]
    if near:  # 'v2' (a literal keeps its case) when the version is V2
        message += f" Did you mean {near[0]}? Quoted names are case-sensitive."
    return _about_version(ObjectNotFound("Version", wanted, position), message)


def resolve_version(
    session: Session,
    name: ObjectName,
    model: dict,
    wanted: exp.Expr | None,
    cur: Cursor | None = None,
    *,
    aliases: bool = True,
) -> dict:
    """The version `wanted` names: a version name, or (if `aliases`) an alias or system alias;
    None means the default version."""
    versions = _versions(session, name, cur)
    label = ident(wanted) if wanted is not None else model["default_version"]
    known = {v["name"]: v["name"] for v in versions}
    if aliases:
        known.update(all_aliases(model, versions, _aliases(session, name, cur)))
    for version in versions:
        if version["name"] == known.get(label):
            return version
    raise _version_missing(name, label, known, session.where(wanted))


def _refuse_if_served(
    session: Session, cur: Cursor, name: ObjectName, version: str | None, at: Position | None
) -> None:
    from sqlgate.executors.service import refuse_if_served  # service.py imports this module

    refuse_if_served(session, cur, name, version, at)


# --- names ------------------------------------------------------------------------------------


def _generated_version_name(existing: t.Collection[str]) -> str:
    """CREATE MODEL without WITH VERSION: the first of V1, V2, ... the model does not use
    (Snowflake generates a random name; a predictable one is easier to type)."""
    number = 1
    while f"V{number}" in existing:
        number += 1
    return f"V{number}"


def _check_version_name(session: Session, version: str, node: exp.Expr | None) -> None:
    if version.upper() in SYSTEM_ALIASES:
        raise InvalidValue(
            f"'{version}' cannot name a version: DEFAULT, FIRST and LAST are system aliases",
            session.where(node),
        )


def _check_new_version(
    session: Session, name: ObjectName, version: str, node: exp.Expr | None, cur: Cursor
) -> None:
    """A version added to an existing model must not reuse a version, alias or system alias."""
    _check_version_name(session, version, node)
    where = session.where(node)
    if any(v["name"] == version for v in _versions(session, name, cur)):
        message = f"Version '{version}' of model '{name}' already exists."
        raise _about_version(ObjectExists("Version", version, where), message)
    if version in _aliases(session, name, cur):
        raise InvalidValue(f"'{version}' is already an alias of model {name}", where)


# --- writes -----------------------------------------------------------------------------------


def _reject_stage(session: Session, node: exp.Expr) -> None:
    location = node.args.get("location")
    if isinstance(location, exp.Var):  # FROM @stage/path
        raise SqlgateError(
            f"Stages are not available in sqlgate ({location.name}); save the model version to a "
            "directory and use FROM '<directory>', or copy a registered version with FROM MODEL",
            session.where(node),
        )


def _require_schema(session: Session, name: ObjectName, node: exp.Expr, cur: Cursor) -> None:
    try:
        require_schema(session, name.database, name.schema, cur)
    except SqlgateError as e:
        raise e.at(session.where(node)) from None


def _copy_source(
    session: Session,
    node: exp.Expr,
    files: store.ArtifactChanges,
    name: ObjectName,
    version: str,
    cur: Cursor,
) -> tuple[Manifest, str, dict[str, t.Any]]:
    """Copy the version `node` says to come FROM; returns its manifest, artifact path and the
    catalog values it carries over (FROM MODEL keeps comment, metadata and user data)."""
    artifact = store.artifact_path(name.database, name.schema, name.name, version)
    source_model = node.args.get("source_model")
    models_dir = session.engine.models_dir
    if source_model is not None:
        source_name, source = _require_model(session, source_model, cur)
        row = resolve_version(session, source_name, source, node.args.get("source_version"), cur)
        try:
            manifest = files.copy(store.resolve(models_dir, row["artifact"]), artifact)
        except SqlgateError as e:
            raise e.at(session.where(source_model)) from None
        carried = {k: row[k] for k in ("comment", "metadata", "user_data")}
        return manifest, artifact, carried
    location = node.args["location"]
    forbidden = [models_dir] + ([session.engine.home] if session.engine.home else [])
    try:
        directory = store.check_source(Path(location.name), forbidden)
        manifest = files.copy(directory, artifact)
    except SqlgateError as e:
        raise e.at(session.where(node)) from None
    return manifest, artifact, {}


def _insert_version(
    session: Session,
    cur: Cursor,
    name: ObjectName,
    version: str,
    copied: tuple[Manifest, str, dict[str, t.Any]],
) -> None:
    manifest, artifact, carried = copied
    row = {
        "database_name": name.database,
        "schema_name": name.schema,
        "model_name": name.name,
        "name": version,
        "comment": carried.get("comment"),
        "metadata": carried.get("metadata") or "{}",
        "user_data": carried.get("user_data") or "{}",
        "functions": json.dumps(manifest.functions_json()),
        "model_type": manifest.flavor,
        "python_version": manifest.python_version,
        "dependencies": json.dumps(list(manifest.requirements)),
        "artifact": artifact,
        "owner": session.role,
        "created_on": now(),
        "updated_on": now(),
    }
    _insert(cur, "model_versions", row)


def _insert(cur: Cursor, table_name: str, row: dict[str, t.Any]) -> None:
    columns = ", ".join(row)
    cur.execute(
        f"INSERT INTO {table_name} ({columns}) VALUES ({', '.join('?' * len(row))})",
        list(row.values()),
    )


def _delete_model(
    session: Session, cur: Cursor, name: ObjectName, files: store.ArtifactChanges
) -> None:
    for version in _versions(session, name, cur):
        files.drop(version["artifact"])
    where = "database_name = ? AND schema_name = ?"
    cur.execute(f"DELETE FROM model_aliases WHERE {where} AND model_name = ?", _key(name))
    cur.execute(f"DELETE FROM model_versions WHERE {where} AND model_name = ?", _key(name))
    cur.execute(f"DELETE FROM models WHERE {where} AND name = ?", _key(name))
    forget_grants(cur, "MODEL", str(name))


def _touch(cur: Cursor, name: ObjectName, **changes: t.Any) -> None:
    """Update a model's row (and its updated_on)."""
    changes["updated_on"] = now()
    assignments = ", ".join(f"{column} = ?" for column in changes)
    cur.execute(
        f"UPDATE models SET {assignments} WHERE database_name = ? AND schema_name = ? AND name = ?",
        [*changes.values(), *_key(name)],
    )


# --- CREATE / DROP ----------------------------------------------------------------------------


@executes(CreateModel)
def create(node: CreateModel, session: Session) -> Result:
    _reject_stage(session, node)
    name = qualified(session, node.this)
    given = node.args.get("version")
    with store.ArtifactChanges(session.engine.models_dir) as files, session.catalog.write() as cur:
        _require_schema(session, name, node.this, cur)
        existing = get_model(session, name, cur)
        if existing is not None:
            if node.args.get("exists"):
                return Result.status(already_exists(name.name))
            if not node.args.get("replace"):
                raise ObjectExists(KIND, str(name), session.where(node.this))
        version = ident(given) if given is not None else _generated_version_name(())
        _check_version_name(session, version, given)
        # Copy first: OR REPLACE may copy from the very model it replaces.
        copied = _copy_source(session, node, files, name, version, cur)
        if existing is not None:
            _delete_model(session, cur, name, files)
        model = {
            "database_name": name.database,
            "schema_name": name.schema,
            "name": name.name,
            "default_version": version,
            "owner": session.role,
            "created_on": now(),
            "updated_on": now(),
        }
        _insert(cur, "models", model)
        _insert_version(session, cur, name, version, copied)
    return Result.status(created(KIND, name.name))


@executes(("DROP", "MODEL"))
def drop(node: exp.Drop, session: Session) -> Result:
    name = qualified(session, target(node))
    with store.ArtifactChanges(session.engine.models_dir) as files, session.catalog.write() as cur:
        if get_model(session, name, cur) is None:
            if node.args.get("exists"):
                return Result.status(skipped_drop(name.name))
            raise ObjectNotFound(KIND, str(name), session.where(target(node)))
        _refuse_if_served(session, cur, name, None, session.where(target(node)))
        _delete_model(session, cur, name, files)
    return Result.status(dropped(name.name))


# --- ALTER ------------------------------------------------------------------------------------


@dataclass
class _Alter:
    """One ALTER MODEL statement on an existing model, inside its catalog transaction."""

    node: AlterModel
    session: Session
    cur: Cursor
    files: store.ArtifactChanges
    name: ObjectName
    model: dict

    def where(self, key: str) -> Position | None:
        return self.session.where(self.node.args.get(key))

    def version(self, *, aliases: bool = True) -> dict:
        wanted = self.node.args["version"]
        return resolve_version(
            self.session, self.name, self.model, wanted, self.cur, aliases=aliases
        )


@executes(AlterModel)
def alter(node: AlterModel, session: Session) -> Result:
    _reject_stage(session, node)
    action = node.args["action"]
    handler = _ALTER_ACTIONS.get(action)
    if handler is None:  # the grammar produces no other action; guard against drift
        raise InvalidValue(f"Unsupported ALTER MODEL action {action}", session.where(node))
    with store.ArtifactChanges(session.engine.models_dir) as files, session.catalog.write() as cur:
        name = qualified(session, node.this)
        model = get_model(session, name, cur)
        if model is None:
            if node.args.get("exists"):
                return Result.status(DONE)
            raise ObjectNotFound(KIND, str(name), session.where(node.this))
        handler(_Alter(node, session, cur, files, name, model))
    return Result.status(DONE)


def _set(a: _Alter) -> None:
    if a.node.args.get("tags") is not None:
        _touch(a.cur, a.name, tags=tags_after(a.model["tags"], a.node))
        return
    given = opt.option_dict(a.node.expressions)
    changes: dict[str, t.Any] = {}
    if "COMMENT" in given:
        changes["comment"] = opt.to_py(given["COMMENT"])
    if "DEFAULT_VERSION" in given:  # a version name, quoted or bare (not an alias)
        value = given["DEFAULT_VERSION"]
        version = resolve_version(a.session, a.name, a.model, value, a.cur, aliases=False)
        changes["default_version"] = version["name"]
    _touch(a.cur, a.name, **changes)


def _unset(a: _Alter) -> None:
    if a.node.args.get("tags") is not None:
        _touch(a.cur, a.name, tags=tags_after(a.model["tags"], a.node))
        return
    _touch(a.cur, a.name, **{u.name.lower(): None for u in a.node.args["unset"]})


def _rename(a: _Alter) -> None:
    rename = a.node.args["rename"]
    new = qualified(a.session, rename)
    _require_schema(a.session, new, rename, a.cur)
    if get_model(a.session, new, a.cur) is not None:
        raise ObjectExists(KIND, str(new), a.where("rename"))
    where = "database_name = ? AND schema_name = ?"
    moved = [new.database, new.schema, new.name]
    a.cur.execute(
        f"UPDATE model_aliases SET database_name = ?, schema_name = ?, model_name = ?"
        f" WHERE {where} AND model_name = ?",
        [*moved, *_key(a.name)],
    )
    a.cur.execute(
        f"UPDATE model_versions SET database_name = ?, schema_name = ?, model_name = ?"
        f" WHERE {where} AND model_name = ?",
        [*moved, *_key(a.name)],
    )
    a.cur.execute(
        f"UPDATE models SET database_name = ?, schema_name = ?, name = ?, updated_on = ?"
        f" WHERE {where} AND name = ?",
        [*moved, now(), *_key(a.name)],
    )
    # grants follow the model to its new name, as Snowflake's RENAME keeps them
    a.cur.execute(
        "UPDATE grants SET object_name = ? WHERE object_kind = 'MODEL' AND object_name = ?",
        [str(new), str(a.name)],
    )


def _add_version(a: _Alter) -> None:
    given = a.node.args["version"]
    version = ident(given)
    _check_new_version(a.session, a.name, version, given, a.cur)
    copied = _copy_source(a.session, a.node, a.files, a.name, version, a.cur)
    _insert_version(a.session, a.cur, a.name, version, copied)
    _touch(a.cur, a.name)


def _drop_version(a: _Alter) -> None:
    version = a.version(aliases=False)
    _refuse_if_served(a.session, a.cur, a.name, version["name"], a.where("version"))
    if version["name"] == a.model["default_version"]:
        raise InvalidValue(
            f"Version {version['name']} is the default version of model {a.name} and cannot be "
            "dropped; SET DEFAULT_VERSION to another version first",
            a.where("version"),
        )
    params = [*_key(a.name), version["name"]]
    where = "database_name = ? AND schema_name = ? AND model_name = ?"
    a.cur.execute(f"DELETE FROM model_aliases WHERE {where} AND version_name = ?", params)
    a.cur.execute(f"DELETE FROM model_versions WHERE {where} AND name = ?", params)
    a.files.drop(version["artifact"])
    _touch(a.cur, a.name)


def _modify_version(a: _Alter) -> None:
    version = a.version()
    changes: dict[str, t.Any] = {}
    if a.node.args["action"].endswith("UNSET"):
        for unset in a.node.args["unset"]:
            changes[unset.name.lower()] = "{}" if unset.name == "METADATA" else None
    else:
        given = opt.option_dict(a.node.expressions)
        if "COMMENT" in given:
            changes["comment"] = opt.to_py(given["COMMENT"])
        if "METADATA" in given:
            changes["metadata"] = _metadata(a, opt.to_py(given["METADATA"]))
    changes["updated_on"] = now()
    assignments = ", ".join(f"{column} = ?" for column in changes)
    a.cur.execute(
        f"UPDATE model_versions SET {assignments} WHERE database_name = ? AND schema_name = ?"
        " AND model_name = ? AND name = ?",
        [*changes.values(), *_key(a.name), version["name"]],
    )
    _touch(a.cur, a.name)


def _metadata(a: _Alter, text: str) -> str:
    try:
        value = json.loads(text)
    except json.JSONDecodeError as e:
        raise InvalidValue(
            f"METADATA must be a JSON object: {e}", a.session.where(a.node)
        ) from None
    if not isinstance(value, dict):
        raise InvalidValue(
            f"METADATA must be a JSON object, got {type(value).__name__} {text!r}",
            a.session.where(a.node),
        )
    return json.dumps(value)


def _set_alias(a: _Alter) -> None:
    version = a.version()
    alias_node = a.node.args["alias"]
    alias = ident(alias_node)
    where = a.where("alias")
    if alias.upper() in SYSTEM_ALIASES:
        raise InvalidValue(f"{alias} is a system alias and cannot be set", where)
    if any(v["name"] == alias for v in _versions(a.session, a.name, a.cur)):
        raise InvalidValue(f"{alias} is the name of a version of model {a.name}", where)
    current = _aliases(a.session, a.name, a.cur).get(alias)
    if current == version["name"]:
        return
    if current is not None:
        raise InvalidValue(
            f"Alias {alias} is already set on version {current} of model {a.name}; UNSET it first",
            where,
        )
    _insert(
        a.cur,
        "model_aliases",
        {
            "database_name": a.name.database,
            "schema_name": a.name.schema,
            "model_name": a.name.name,
            "alias": alias,
            "version_name": version["name"],
        },
    )
    _touch(a.cur, a.name)


def _unset_alias(a: _Alter) -> None:
    """VERSION x UNSET ALIAS: x an alias removes it; x a version removes all of its aliases."""
    label = ident(a.node.args["version"])
    if label.upper() in SYSTEM_ALIASES:
        raise InvalidValue(f"{label} is a system alias and cannot be unset", a.where("version"))
    where = "database_name = ? AND schema_name = ? AND model_name = ?"
    if label in _aliases(a.session, a.name, a.cur):
        a.cur.execute(
            f"DELETE FROM model_aliases WHERE {where} AND alias = ?", [*_key(a.name), label]
        )
    else:
        version = a.version()  # not an alias, so a version name (the lookup gives better hints)
        a.cur.execute(
            f"DELETE FROM model_aliases WHERE {where} AND version_name = ?",
            [*_key(a.name), version["name"]],
        )
    _touch(a.cur, a.name)


_ALTER_ACTIONS: dict[str, Callable[[_Alter], None]] = {
    "SET": _set,
    "UNSET": _unset,
    "RENAME": _rename,
    "ADD VERSION": _add_version,
    "DROP VERSION": _drop_version,
    "MODIFY VERSION SET": _modify_version,
    "MODIFY VERSION UNSET": _modify_version,
    "SET ALIAS": _set_alias,
    "UNSET ALIAS": _unset_alias,
}


# --- SHOW -------------------------------------------------------------------------------------


@executes(("SHOW", "MODELS"))
def show_models(node: exp.Show, session: Session) -> Result:
    models = rows_in_scope(session, node, "models", "*")
    rows = []
    for model in models:
        name = ObjectName(model["database_name"], model["schema_name"], model["name"])
        versions = _versions(session, name)
        aliases = all_aliases(model, versions, _aliases(session, name))
        rows.append(
            {
                **model,
                "model_type": MODEL_TYPE,
                "default_version_name": model["default_version"],
                "versions": to_json([v["name"] for v in versions]),
                "aliases": to_json(aliases),
            }
        )
    return Result(table(SHOW_MODELS_COLUMNS, show_filter(rows, node)))


def _version_row(session: Session, model: dict, version: dict, aliases: dict[str, str]) -> dict:
    functions = json.loads(version["functions"])
    return {
        **version,
        "aliases": to_json(sorted(a for a, v in aliases.items() if v == version["name"])),
        "is_default_version": version["name"] == model["default_version"],
        "functions": to_json([f["name"].upper() for f in functions]),
        "metadata": to_json(json.loads(version["metadata"])),
        "user_data": to_json(json.loads(version["user_data"])),
        "model_attributes": to_json({"framework": version["model_type"]}),
        "size": store.size(session.engine.models_dir, version["artifact"]),
        "environment": to_json(
            {
                "python_version": version["python_version"],
                "requirements": json.loads(version["dependencies"]),
            }
        ),
        "runnable_in": to_json(RUNNABLE_IN),
        "inference_services": "[]",
    }


@executes(("SHOW", "VERSIONS"))
def show_versions(node: exp.Show, session: Session) -> Result:
    name, model = _require_model(session, node.args["scope"])
    versions = _versions(session, name)
    aliases = all_aliases(model, versions, _aliases(session, name))
    rows = [_version_row(session, model, v, aliases) for v in versions]
    return Result(table(SHOW_VERSIONS_COLUMNS, show_filter(rows, node)))


def _sql_name(name: str) -> str:
    """A signature column as SQL writes it: upper case when that is how it would be typed."""
    return (
        name.upper() if _UNQUOTED.fullmatch(name.upper()) else '"' + name.replace('"', '""') + '"'
    )


def function_row(version: dict, function: dict) -> dict:
    name = function["name"].upper()
    arguments = ", ".join(
        f"{_sql_name(c['name'])} {TYPES[c['type']][1]}" for c in function["inputs"]
    )
    count = len(function["inputs"])
    return {
        "created_on": version["created_on"],
        "name": name,
        "version_name": version["name"],
        "min_num_arguments": count,
        "max_num_arguments": count,
        "arguments": f"{name}({arguments}) RETURN OBJECT",
        "return_type": "OBJECT",  # the outputs, as one OBJECT (a STRUCT in DuckDB)
        "description": "user-defined function",
        "language": "PYTHON",
        "is_table_function": False,
    }


@executes(ShowModelFunctions)
def show_functions(node: ShowModelFunctions, session: Session) -> Result:
    name, model = _require_model(session, node.this)
    version = resolve_version(session, name, model, node.args.get("version"))
    rows = [function_row(version, f) for f in json.loads(version["functions"])]
    return Result(table(SHOW_FUNCTIONS_COLUMNS, show_filter(rows, node)))

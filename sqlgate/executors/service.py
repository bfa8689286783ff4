"""Services in the catalog (desired state); gateway/services.py brings Ray Serve to it after
every statement here. Output columns follow Snowflake's SHOW SERVICES, DESCRIBE SERVICE,
SHOW SERVICE CONTAINERS / INSTANCES IN SERVICE and SHOW ENDPOINTS IN SERVICE pages."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import time
import typing as t

from sqlglot import exp

from sqlgate.errors import InvalidValue, ObjectExists, ObjectInUse, ObjectNotFound, Position
from sqlgate.executors.common import (
    DONE,
    already_exists,
    created,
    dropped,
    options,
    show_filter,
    skipped_drop,
)
from sqlgate.executors.docker_build import build_log, usable_integration
from sqlgate.executors.model import get_model, resolve_version
from sqlgate.executors.privilege import forget_grants
from sqlgate.executors.registry import executes
from sqlgate.executors.schema_objects import in_schema, schema_scope
from sqlgate.gateway import access
from sqlgate.gateway.names import ObjectName, account_level, ident, qualified, target
from sqlgate.gateway.result import BOOL, INT, TEXT, TIMESTAMP, Result, now, table
from sqlgate.gateway.services import CONTAINER, Services, service_name, spec_json
from sqlgate.grammar import options as opt
from sqlgate.grammar.statements.service import (
    AlterService,
    CallSystemFunction,
    CreateService,
    ShowServiceObjects,
    ShowServices,
)
from sqlgate.images import environment
from sqlgate.registry import manifest as manifests
from sqlgate.registry import store

if t.TYPE_CHECKING:
    from sqlgate.gateway.catalog import Cursor
    from sqlgate.gateway.session import Session

KIND = "Service"
HTTP_ADDRESS_ENV = "SQLGATE_HTTP_ADDRESS"
DEFAULT_HTTP_ADDRESS = "127.0.0.1:8000"  # `sqlgate serve`'s default
# flavors whose libraries run on CPU only: GPU_REQUESTS for them is an error (seed 000)
CPU_ONLY_FLAVORS = ("sklearn",)
DEFAULTS: dict[str, t.Any] = {
    "MIN_INSTANCES": 1,
    "AUTO_RESUME": True,
    "AUTO_SUSPEND_SECS": 0,
    "COMMENT": None,
}

# https://docs.snowflake.com/en/sql-reference/sql/show-services
SHOW_COLUMNS = [
    ("name", TEXT),
    ("status", TEXT),
    ("database_name", TEXT),
    ("schema_name", TEXT),
    ("owner", TEXT),
    ("compute_pool", TEXT),
    ("dns_name", TEXT),
    ("current_instances", INT),
    ("target_instances", INT),
    ("min_ready_instances", INT),
    ("min_instances", INT),
    ("max_instances", INT),
    ("auto_resume", BOOL),
    ("external_access_integrations", TEXT),
    ("created_on", TIMESTAMP),
    ("updated_on", TIMESTAMP),
    ("resumed_on", TIMESTAMP),
    ("suspended_on", TIMESTAMP),
    ("auto_suspend_secs", INT),
    ("comment", TEXT),
    ("owner_role_type", TEXT),
    ("query_warehouse", TEXT),
    ("is_job", BOOL),
    ("is_async_job", BOOL),
    ("spec_digest", TEXT),
    ("is_upgrading", BOOL),
    ("managing_object_domain", TEXT),
    ("managing_object_name", TEXT),
]
# https://docs.snowflake.com/en/sql-reference/sql/desc-service: SHOW's, with spec after the pool
DESCRIBE_COLUMNS = [*SHOW_COLUMNS[:6], ("spec", TEXT), *SHOW_COLUMNS[6:]]
CONTAINER_COLUMNS = [
    ("database_name", TEXT),
    ("schema_name", TEXT),
    ("service_name", TEXT),
    ("service_status", TEXT),
    ("instance_id", TEXT),
    ("instance_status", TEXT),
    ("container_name", TEXT),
    ("status", TEXT),
    ("message", TEXT),
    ("image_name", TEXT),
    ("image_digest", TEXT),
    ("restart_count", INT),
    ("start_time", TEXT),
    ("last_exit_code", INT),
    ("last_restart_time", TEXT),
]
INSTANCE_COLUMNS = [
    ("database_name", TEXT),
    ("schema_name", TEXT),
    ("service_name", TEXT),
    ("service_status", TEXT),
    ("instance_id", TEXT),
    ("status", TEXT),
    ("spec_digest", TEXT),
    ("creation_time", TEXT),
    ("start_time", TEXT),
    ("ip_address", TEXT),
]
ENDPOINT_COLUMNS = [
    ("name", TEXT),
    ("port", INT),
    ("port_range", TEXT),
    ("protocol", TEXT),
    ("is_public", BOOL),
    ("ingress_url", TEXT),
    ("privatelink_ingress_url", TEXT),
]
ENDPOINT = "inference"


def _services(session: Session) -> Services:
    return session.engine.services


def _get(session: Session, name: ObjectName, cur: Cursor | None = None) -> dict | None:
    return _services(session).row(name, cur)


def _require(session: Session, node: exp.Expr, cur: Cursor | None = None) -> dict:
    name = qualified(session, node)
    row = _get(session, name, cur)
    if row is None:
        raise ObjectNotFound(KIND, str(name), session.where(node))
    return row


def services_using(
    session: Session, cur: Cursor, model: ObjectName, version: str | None = None
) -> list[str]:
    """The services hosting `model` (or one version of it): such a model or version cannot be
    dropped (seed 000: "drop the service first")."""
    rows = session.catalog.rows(
        "SELECT database_name, schema_name, name FROM services WHERE model_database = ?"
        " AND model_schema = ? AND model_name = ? AND (? IS NULL OR version_name = ?)"
        " ORDER BY 1, 2, 3",
        [model.database, model.schema, model.name, version, version],
        cur,
    )
    return [str(service_name(r)) for r in rows]


def refuse_if_served(
    session: Session,
    cur: Cursor,
    model: ObjectName,
    version: str | None,
    position: Position | None,
) -> None:
    using = services_using(session, cur, model, version)
    if using:
        what = f"Version {version} of model {model}" if version else f"Model {model}"
        raise ObjectInUse(
            f"{what} cannot be dropped: service{'s' if len(using) > 1 else ''}"
            f" {', '.join(using)} use{'' if len(using) > 1 else 's'} it. Drop the service first",
            position,
        )


# --- CREATE ---------------------------------------------------------------------------------


def _at(session: Session, node: exp.Expr, option: str) -> Position | None:
    given = [o for o in node.expressions or [] if o.name.upper() == option]
    return session.where(given[0]) if given else session.where(node)


def _validate(session: Session, node: exp.Expr, row: dict, cur: Cursor) -> None:
    """Check the service as it would be after the statement; errors point at the option."""
    for option in ("MIN_INSTANCES", "MAX_INSTANCES", "NUM_WORKERS", "MAX_BATCH_ROWS"):
        value = row.get(option.lower())
        if value is not None and value < 1:
            raise InvalidValue(
                f"{option} must be at least 1, got {value}", _at(session, node, option)
            )
    if row["max_instances"] < row["min_instances"]:
        raise InvalidValue(
            f"MAX_INSTANCES ({row['max_instances']}) must be greater than or equal to"
            f" MIN_INSTANCES ({row['min_instances']})",
            _at(session, node, "MAX_INSTANCES"),
        )
    if row["auto_suspend_secs"] < 0:
        raise InvalidValue(
            "AUTO_SUSPEND_SECS must not be negative", _at(session, node, "AUTO_SUSPEND_SECS")
        )
    pool = session.catalog.one(
        "SELECT p.name, p.max_nodes, p.instance_family, f.gpus FROM compute_pools p"
        " JOIN instance_families f ON f.name = p.instance_family WHERE p.name = ?",
        [row["compute_pool"]],
        cur,
    )
    if pool is not None and row["max_instances"] > pool["max_nodes"]:
        raise InvalidValue(
            f"MAX_INSTANCES ({row['max_instances']}) exceeds MAX_NODES ({pool['max_nodes']}) of"
            f" compute pool {pool['name']}: each instance takes a node",
            _at(session, node, "MAX_INSTANCES"),
        )
    gpus = row["gpu_requests"] or 0
    if gpus < 0:
        raise InvalidValue("GPU_REQUESTS must not be negative", _at(session, node, "GPU_REQUESTS"))
    if gpus and pool is not None and gpus > pool["gpus"]:
        raise InvalidValue(
            f"GPU_REQUESTS = {gpus} but instance family {pool['instance_family']} of compute pool"
            f" {pool['name']} has {pool['gpus']} GPUs per node",
            _at(session, node, "GPU_REQUESTS"),
        )


def _image_choice(
    session: Session, node: CreateService, model: ObjectName, version: dict, cur: Cursor
) -> tuple[bool, ObjectName | None]:
    """(whether the replicas run in the version's image, the repository it is built in). In the
    image when RUN_IN_IMAGE = TRUE, or when the gateway's environment lacks a requirement of the
    model (it could not load it in process); a repository is then needed to build the image."""
    given = options(node)
    asked = given.get("RUN_IN_IMAGE")
    repository = None
    repository_node = opt.option_dict(node.expressions).get("IMAGE_REPOSITORY")
    if repository_node is not None:
        repository = qualified(session, repository_node)
        found = session.catalog.one(
            "SELECT 1 FROM image_repositories WHERE database_name = ? AND schema_name = ?"
            " AND name = ?",
            [repository.database, repository.schema, repository.name],
            cur,
        )
        if found is None:
            raise ObjectNotFound(
                "Image repository", str(repository), session.where(repository_node)
            )
    manifest, _ = manifests.load(store.resolve(session.engine.models_dir, version["artifact"]))
    unmet = environment.unmet(manifest.requirements)
    label = f"Model {model} version {version['name']}"
    if asked is False and unmet:
        raise InvalidValue(
            f"RUN_IN_IMAGE = FALSE, but {label} needs {', '.join(unmet)}: the gateway's"
            " environment cannot load it; let it run in its image"
            " (IMAGE_REPOSITORY = <repository>)",
            _at(session, node, "RUN_IN_IMAGE"),
        )
    if not asked and not unmet:
        return False, repository
    if repository is None:
        why = (
            "RUN_IN_IMAGE = TRUE"
            if asked
            else f"{label} needs {', '.join(unmet)}, which the gateway's environment does not have"
        )
        raise InvalidValue(
            f"Service {qualified(session, node.this)} must run its replicas in the model's own"
            " image"
            f" ({why}), and no image repository was named to build it in: add IMAGE_REPOSITORY ="
            " <repository> (mv.create_service(image_repo=...); CREATE IMAGE REPOSITORY first)"
            + ("" if asked else ", or install the requirement in the gateway's environment"),
            _at(session, node, "RUN_IN_IMAGE" if asked else "IMAGE_REPOSITORY"),
        )
    # the service builds its image into the repository and its containers run from it
    key = (repository.database, repository.schema, repository.name)
    access.require_action(session, "service pushes image", key, repository_node)
    access.require_action(session, "service pulls image", key, repository_node)
    return True, repository


def _integrations(session: Session, node: CreateService, cur: Cursor) -> list[str]:
    """EXTERNAL_ACCESS_INTEGRATIONS = (i, ...): the integrations whose network rules decide which
    of this machine's package indexes the build of the service's image may use. Each must exist
    and be enabled, and the role needs USAGE on it."""
    value = opt.option_dict(node.expressions).get("EXTERNAL_ACCESS_INTEGRATIONS")
    names: list[str] = []
    for item in value.expressions if value is not None else []:
        name = account_level(item, "integration")
        usable_integration(session, name, item, cur)
        if name not in names:
            names.append(name)
    return names


@executes(CreateService)
def create(node: CreateService, session: Session) -> Result:
    name = qualified(session, node.this)
    given = options(node)
    pool_name = account_level(node.args["pool"], "compute pool")
    model = qualified(session, node.args["model"])
    version_ref = ident(node.args["version"])
    with session.catalog.write() as cur:
        in_schema(session, name, node.this, cur)
        if _get(session, name, cur) is not None:
            if node.args.get("exists"):
                return Result.status(already_exists(name.name))
            raise ObjectExists(KIND, str(name), session.where(node.this))
        pool = session.catalog.one("SELECT * FROM compute_pools WHERE name = ?", [pool_name], cur)
        if pool is None:
            raise ObjectNotFound("Compute pool", pool_name, session.where(node.args["pool"]))
        if pool["state"] == "SUSPENDED":
            if not pool["auto_resume"]:
                raise InvalidValue(
                    f"Compute pool {pool_name} is suspended and AUTO_RESUME = FALSE;"
                    f" ALTER COMPUTE POOL {pool_name} RESUME first",
                    session.where(node.args["pool"]),
                )
            cur.execute(
                "UPDATE compute_pools SET state = 'IDLE', resumed_on = ? WHERE name = ?",
                [now(), pool_name],
            )
        model_row = get_model(session, model, cur)
        if model_row is None:
            raise ObjectNotFound("Model", str(model), session.where(node.args["model"]))
        version = resolve_version(session, model, model_row, node.args["version"], cur)
        if not json.loads(version["functions"]):
            raise InvalidValue(
                f"Model {model} version {version['name']} has no functions to serve",
                session.where(node.args["version"]),
            )
        gpus = given.get("GPU_REQUESTS")
        if gpus and version["model_type"] in CPU_ONLY_FLAVORS:
            raise InvalidValue(
                f"GPU_REQUESTS = {gpus}, but model {model} version {version['name']} is a"
                f" {version['model_type']} model, which runs on CPU only",
                _at(session, node, "GPU_REQUESTS"),
            )
        run_in_image, repository = _image_choice(session, node, model, version, cur)
        integrations = _integrations(session, node, cur)
        minimum = given.get("MIN_INSTANCES", DEFAULTS["MIN_INSTANCES"])
        row = {
            "database_name": name.database,
            "schema_name": name.schema,
            "name": name.name,
            "compute_pool": pool_name,
            "model_database": model.database,
            "model_schema": model.schema,
            "model_name": model.name,
            "version_ref": version_ref,
            "version_name": version["name"],
            "state": "RUNNING",
            "min_instances": minimum,
            "max_instances": given.get("MAX_INSTANCES", minimum),
            "gpu_requests": gpus,
            "num_workers": given.get("NUM_WORKERS"),
            "max_batch_rows": given.get("MAX_BATCH_ROWS"),
            "ingress_enabled": given.get("INGRESS_ENABLED", False),
            "auto_resume": given.get("AUTO_RESUME", DEFAULTS["AUTO_RESUME"]),
            "auto_suspend_secs": given.get("AUTO_SUSPEND_SECS", DEFAULTS["AUTO_SUSPEND_SECS"]),
            "owner": session.role,
            "comment": given.get("COMMENT"),
            "resumed_on": now(),
            "run_in_image": run_in_image,
            "image_repository": str(repository) if repository else None,
            "external_access_integrations": json.dumps(integrations) if integrations else None,
        }
        _validate(session, node, row, cur)
        cur.execute(
            f"INSERT INTO services ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
            list(row.values()),
        )
    _services(session).reconcile()
    return Result.status(created(KIND, name.name))


# --- ALTER / DROP ---------------------------------------------------------------------------


@executes(AlterService)
def alter(node: AlterService, session: Session) -> Result:
    action = node.args["action"]
    with session.catalog.write() as cur:
        name = qualified(session, node.this)
        row = _get(session, name, cur)
        if row is None:
            if node.args.get("exists"):
                return Result.status(DONE)
            raise ObjectNotFound(KIND, str(name), session.where(node.this))
        changes: dict[str, t.Any] = {}
        if action == "SUSPEND":
            if row["state"] != "SUSPENDED":
                changes = {"state": "SUSPENDED", "suspended_on": now()}
        elif action == "RESUME":
            if row["state"] != "RUNNING":
                pool = session.catalog.one(
                    "SELECT * FROM compute_pools WHERE name = ?", [row["compute_pool"]], cur
                )
                if pool is not None and pool["state"] == "SUSPENDED":
                    if not pool["auto_resume"]:
                        raise InvalidValue(
                            f"Compute pool {pool['name']} is suspended and AUTO_RESUME = FALSE;"
                            f" ALTER COMPUTE POOL {pool['name']} RESUME first",
                            session.where(node),
                        )
                    cur.execute(
                        "UPDATE compute_pools SET state = 'IDLE', resumed_on = ? WHERE name = ?",
                        [now(), pool["name"]],
                    )
                changes = {"state": "RUNNING", "resumed_on": now()}
        elif action == "SET":
            changes = {k.lower(): v for k, v in options(node).items()}
            minimum = changes.get("min_instances")
            fixed = row["max_instances"] == row["min_instances"]
            if (
                minimum is not None
                and "max_instances" not in changes
                and (fixed or minimum > row["max_instances"])
            ):
                # seed 000's ALTER SERVICE s MIN_INSTANCES = n: a fixed-size service stays fixed
                changes["max_instances"] = minimum
        else:  # UNSET
            for unset in node.args["unset"]:
                key = unset.name
                changes[key.lower()] = (
                    changes.get("min_instances", row["min_instances"])
                    if key == "MAX_INSTANCES"
                    else DEFAULTS[key]
                )
        if changes:
            _validate(session, node, {**row, **changes}, cur)
            changes["updated_on"] = now()
            assignments = ", ".join(f"{column} = ?" for column in changes)
            cur.execute(
                f"UPDATE services SET {assignments} WHERE database_name = ? AND schema_name = ?"
                " AND name = ?",
                [*changes.values(), name.database, name.schema, name.name],
            )
    if changes:
        _services(session).reconcile()
    return Result.status(DONE)


@executes(("DROP", "SERVICE"))
def drop(node: exp.Drop, session: Session) -> Result:
    name = qualified(session, target(node))
    with session.catalog.write() as cur:
        row = _get(session, name, cur)
        if row is None:
            if node.args.get("exists"):
                return Result.status(skipped_drop(name.name))
            raise ObjectNotFound(KIND, str(name), session.where(target(node)))
        cur.execute(
            "DELETE FROM services WHERE database_name = ? AND schema_name = ? AND name = ?",
            [name.database, name.schema, name.name],
        )
        forget_grants(cur, "SERVICE", str(name))  # a new service of that name starts bare
    _services(session).forget(row)
    return Result.status(dropped(name.name))


# --- SHOW / DESCRIBE --------------------------------------------------------------------------


def _digest(spec: str) -> str:
    return hashlib.sha256(spec.encode()).hexdigest()[:16]


def _service_rows(session: Session, rows: list[dict]) -> list[dict]:
    services = _services(session)
    plans = services.plans()
    from sqlgate.executors import ray_serve

    states = ray_serve.states()
    out = []
    for row in rows:
        status, _, running = services.status(row, plans, states)
        spec = spec_json(row, services.resources_note(row))
        out.append(
            {
                **row,
                "status": status,
                "owner": row["owner"],
                "dns_name": services.app(row),
                "current_instances": running,
                "target_instances": 0 if status == "SUSPENDED" else row["min_instances"],
                "min_ready_instances": row["min_instances"],
                "external_access_integrations": row.get("external_access_integrations"),
                "owner_role_type": "ROLE",
                "query_warehouse": None,
                "is_job": False,
                "is_async_job": False,
                "spec": spec,
                "spec_digest": _digest(spec),
                "is_upgrading": services.is_upgrading(row, states),
                "managing_object_domain": None,
                "managing_object_name": None,
            }
        )
    return out


@executes(ShowServices)
def show(node: ShowServices, session: Session) -> Result:
    rows = _services(session).rows()
    if node.args.get("scope_kind") == "COMPUTE POOL":
        pool = account_level(node.args["scope"], "compute pool")
        if session.catalog.one("SELECT 1 FROM compute_pools WHERE name = ?", [pool]) is None:
            raise ObjectNotFound("Compute pool", pool, session.where(node.args["scope"]))
        rows = [r for r in rows if r["compute_pool"] == pool]
    else:
        database, schema = schema_scope(session, t.cast(exp.Show, node))
        rows = [
            r
            for r in rows
            if (database is None or r["database_name"] == database)
            and (schema is None or r["schema_name"] == schema)
        ]
    return Result(table(SHOW_COLUMNS, show_filter(_service_rows(session, rows), node)))


@executes(("DESCRIBE", "SERVICE"))
def describe(node: exp.Describe, session: Session) -> Result:
    row = _require(session, node.this)
    return Result(table(DESCRIBE_COLUMNS, _service_rows(session, [row])))


def _iso(seconds: float) -> str:
    return dt.datetime.fromtimestamp(seconds, dt.UTC).isoformat(timespec="seconds")


@executes(ShowServiceObjects)
def show_objects(node: ShowServiceObjects, session: Session) -> Result:
    row = _require(session, node.this)
    kind = node.args["kind"]
    if kind == "ENDPOINTS":
        # the public address when set (behind a proxy), else where this gateway serves
        address = (
            os.environ.get(HTTP_ADDRESS_ENV) or session.engine.http_address or DEFAULT_HTTP_ADDRESS
        ).rstrip("/")
        port = int(address.rsplit(":", 1)[1]) if ":" in address else 80
        url = f"{address}/endpoints/{service_name(row)}" if row["ingress_enabled"] else None
        endpoint = {
            "name": ENDPOINT,
            "port": port,
            "port_range": None,
            "protocol": "HTTP",
            "is_public": bool(row["ingress_enabled"]),
            "ingress_url": url,
            "privatelink_ingress_url": None,
        }
        return Result(table(ENDPOINT_COLUMNS, [endpoint]))
    described = _service_rows(session, [row])[0]
    base = {
        "database_name": row["database_name"],
        "schema_name": row["schema_name"],
        "service_name": row["name"],
        "service_status": described["status"],
    }
    if kind == "SERVICE CONTAINERS" and row["run_in_image"]:
        return Result(table(CONTAINER_COLUMNS, _image_containers(session, row, base)))
    instances = _services(session).instances(row) if described["current_instances"] else []
    rows = []
    for number, (replica, started) in enumerate(instances):
        if kind == "SERVICE CONTAINERS":
            rows.append(
                {
                    **base,
                    "instance_id": str(number),
                    "instance_status": "READY",
                    "container_name": CONTAINER,
                    "status": "READY",
                    "message": "Running",
                    "image_name": None,  # replicas run in Ray workers, not an image (yet)
                    "image_digest": None,
                    "restart_count": 0,
                    "start_time": _iso(started),
                    "last_exit_code": None,
                    "last_restart_time": None,
                }
            )
        else:
            rows.append(
                {
                    **base,
                    "instance_id": str(number),
                    "status": "READY",
                    "spec_digest": described["spec_digest"],
                    "creation_time": _iso(started),
                    "start_time": _iso(started),
                    "ip_address": _services(session).node_ip(row, replica) or "127.0.0.1",
                }
            )
    if not rows:  # Snowflake: a suspended or pending service shows NULL instance fields
        rows.append(base)
    columns = CONTAINER_COLUMNS if kind == "SERVICE CONTAINERS" else INSTANCE_COLUMNS
    return Result(table(columns, rows))


# Docker's container states as Snowflake's container statuses
CONTAINER_STATUS = {"running": "READY", "created": "PENDING", "restarting": "PENDING"}


def _image_containers(session: Session, row: dict, base: dict) -> list[dict]:
    """The Docker containers of a service in its model's image, with their real state."""
    containers, history = _services(session).containers(row)
    rows = []
    for number, c in enumerate(containers):
        rows.append(
            {
                **base,
                "instance_id": str(number),
                "instance_status": CONTAINER_STATUS.get(c.status, "FAILED"),
                "container_name": CONTAINER,
                "status": CONTAINER_STATUS.get(c.status, "FAILED"),
                "message": f"Docker container {c.name} is {c.status}"
                + (f" (exit code {c.exit_code})" if c.exit_code is not None else ""),
                "image_name": c.image,
                "image_digest": c.image_id,
                "restart_count": history.restarts,
                "start_time": c.started_at,
                "last_exit_code": history.last_exit_code,
                "last_restart_time": history.last_restart,
            }
        )
    return rows or [base]


# --- SYSTEM$ functions ------------------------------------------------------------------------


def _constant(session: Session, argument: exp.Expr, what: str) -> t.Any:
    if isinstance(argument, exp.Literal):
        return argument.to_py()
    if isinstance(argument, exp.Boolean):
        return argument.this
    if isinstance(argument, exp.Neg) and isinstance(argument.this, exp.Literal):
        return -argument.this.to_py()
    raise InvalidValue(f"{what} must be a constant", session.where(argument))


def _named_service(session: Session, argument: exp.Expr) -> dict:
    text = str(_constant(session, argument, "The service name"))
    tree = exp.to_table(text, dialect="snowflake")
    name = qualified(session, tree)
    row = _get(session, name)
    if row is None:
        raise ObjectNotFound(KIND, str(name), session.where(argument))
    return row


BUILD_CONTAINER = "model-build"  # the one container of a MODEL_BUILD_<id> job


def _build_logs(session: Session, function: exp.Anonymous) -> str | None:
    """SYSTEM$GET_SERVICE_LOGS('MODEL_BUILD_<id>', 0, 'model-build'): an image build's output,
    for whoever may monitor the model it built (None: not a build's name)."""
    args = function.expressions
    if function.name.upper() != "SYSTEM$GET_SERVICE_LOGS" or len(args) < 3:
        return None
    text = str(_constant(session, args[0], "The service name"))
    if not text.upper().startswith("MODEL_BUILD_"):
        return None
    build = session.catalog.one("SELECT * FROM model_builds WHERE id = ?", [text.upper()])
    if build is None:
        raise ObjectNotFound("Image build", text, session.where(args[0]))
    container = str(_constant(session, args[2], "The container name"))
    if container.lower() != BUILD_CONTAINER:
        raise InvalidValue(
            f"{text.upper()} has one container, {BUILD_CONTAINER}; got '{container}'",
            session.where(args[2]),
        )
    model = ObjectName(build["database_name"], build["schema_name"], build["model_name"])
    if get_model(session, model) is None:
        raise ObjectNotFound("Image build", text, session.where(args[0]))
    key = (model.database, model.schema, model.name)
    access.require_action(session, "read model artifacts", key, args[0])
    text = build_log(session, build["id"])
    if len(args) > 3:
        lines = int(_constant(session, args[3], "The number of lines"))
        kept = text.splitlines()
        text = "\n".join(kept[-lines:] if lines > 0 else kept if lines < 0 else [])
    return text


def system_function(function: exp.Anonymous, session: Session) -> str:
    """SYSTEM$GET_SERVICE_LOGS / SYSTEM$GET_SERVICE_STATUS, as CALL or inside a SELECT."""
    name = function.name.upper()
    args = function.expressions
    if not args:
        raise InvalidValue(f"{name} needs a service name", session.where(function))
    build = _build_logs(session, function)
    if build is not None:
        return build
    row = _named_service(session, args[0])
    # inside a query as much as in CALL (where access.RULES checked it already)
    key = (row["database_name"], row["schema_name"], row["name"])
    access.require_action(session, "monitor service", key, args[0])
    services = _services(session)
    if name == "SYSTEM$GET_SERVICE_LOGS":
        if len(args) < 3 or len(args) > 5:
            raise InvalidValue(
                "SYSTEM$GET_SERVICE_LOGS(service_name, instance_id, container_name"
                " [, number_of_most_recent_lines] [, retrieve_previous_logs])",
                session.where(function),
            )
        instance = str(_constant(session, args[1], "The instance id"))
        container = str(_constant(session, args[2], "The container name"))
        if container.lower() != CONTAINER:
            raise InvalidValue(
                f"Service {service_name(row)} has one container, {CONTAINER}; got '{container}'",
                session.where(args[2]),
            )
        lines = int(_constant(session, args[3], "The number of lines")) if len(args) > 3 else None
        return services.logs(row, instance, lines)
    timeout = float(_constant(session, args[1], "timeout_secs")) if len(args) > 1 else 0.0
    deadline = time.monotonic() + timeout
    while True:
        status, message, _ = services.status(row)
        if status != "PENDING" or time.monotonic() >= deadline:
            break
        time.sleep(0.2)
    entries = []
    image = services.image(row)
    for number, (replica, started) in enumerate(services.instances(row)):
        entries.append(
            {
                "status": "READY",
                "message": "Running",
                "containerName": CONTAINER,
                "instanceId": str(number),
                "serviceName": row["name"],
                "image": image,
                "restartCount": 0,
                "startTime": _iso(started),
                "replica": replica,
            }
        )
    if not entries:
        entries.append(
            {
                "status": status,
                "message": message,
                "containerName": CONTAINER,
                "instanceId": None,
                "serviceName": row["name"],
                "image": image,
                "restartCount": 0,
                "startTime": None,
            }
        )
    return json.dumps(entries)


@executes(CallSystemFunction)
def call(node: CallSystemFunction, session: Session) -> Result:
    function = node.this
    value = system_function(function, session)
    return Result(table([(function.name.upper(), TEXT)], [{function.name.upper(): value}]))

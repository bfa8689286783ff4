"""Compute pools in the catalog, as capacity for services (gateway/services.py): a service
instance takes one node of its pool, so active_nodes counts the instances running on Ray,
num_services the pool's services and target_nodes what they want (within MIN/MAX_NODES). No
idle nodes are ever kept: locally, Ray's node is the only node. SUSPEND suspends the pool's
services and STOP ALL drops them; a pool with services cannot be dropped."""

from __future__ import annotations

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
    tags_after,
)
from sqlgate.executors.privilege import forget_grants
from sqlgate.executors.registry import executes
from sqlgate.gateway.names import account_level, target
from sqlgate.gateway.result import BOOL, INT, TEXT, TIMESTAMP, Result, now, table
from sqlgate.grammar.statements.compute_pool import AlterComputePool, CreateComputePool

if t.TYPE_CHECKING:
    from sqlgate.gateway.catalog import Cursor
    from sqlgate.gateway.session import Session

KIND = "Compute pool"
DEFAULTS = {
    "AUTO_RESUME": True,
    "AUTO_SUSPEND_SECS": 3600,
    "PLACEMENT_GROUP": None,
    "COMMENT": None,
}

# https://docs.snowflake.com/en/sql-reference/sql/show-compute-pools
SHOW_COLUMNS = [
    ("name", TEXT),
    ("state", TEXT),
    ("min_nodes", INT),
    ("max_nodes", INT),
    ("instance_family", TEXT),
    ("num_services", INT),
    ("num_jobs", INT),
    ("auto_suspend_secs", INT),
    ("auto_resume", BOOL),
    ("active_nodes", INT),
    ("idle_nodes", INT),
    ("target_nodes", INT),
    ("created_on", TIMESTAMP),
    ("resumed_on", TIMESTAMP),
    ("updated_on", TIMESTAMP),
    ("owner", TEXT),
    ("comment", TEXT),
    ("is_exclusive", BOOL),
    ("application", TEXT),
    ("backup_instance_families", TEXT),
]
# https://docs.snowflake.com/en/sql-reference/sql/desc-compute-pool
DESCRIBE_COLUMNS = [
    *SHOW_COLUMNS[:12],
    ("placement_group", TEXT),
    *SHOW_COLUMNS[12:19],
    ("budget", TEXT),
    ("error_code", TEXT),
    ("status_message", TEXT),
]
FAMILY_COLUMNS = [
    ("name", TEXT),
    ("vcpu", INT),
    ("memory_gib", INT),
    ("storage_gb", INT),
    ("gpus", INT),
    ("gpu_type", TEXT),
    ("gpu_memory_gb", INT),
    ("node_limit", INT),
    ("note", TEXT),
]


def _get(session: Session, name: str, cur: Cursor | None = None) -> dict | None:
    return session.catalog.one("SELECT * FROM compute_pools WHERE name = ?", [name], cur)


def _require(session: Session, node: exp.Expr, cur: Cursor | None = None) -> dict:
    name = account_level(node.this, "compute pool")
    pool = _get(session, name, cur)
    if pool is None:
        raise ObjectNotFound(KIND, name, session.where(node.this))
    return pool


def _validate(session: Session, pool: dict, cur: Cursor, node: exp.Expr) -> None:
    """Check the pool as it would be after the statement; errors point at the option."""

    def at(option: str) -> Position | None:
        given = [o for o in node.expressions or [] if o.name.upper() == option]
        return session.where(given[0]) if given else None

    family = session.catalog.one(
        "SELECT * FROM instance_families WHERE name = ?", [pool["instance_family"]], cur
    )
    if family is None:
        known = [
            r["name"]
            for r in session.catalog.rows("SELECT name FROM instance_families ORDER BY 1", (), cur)
        ]
        family_name = pool["instance_family"]
        raise InvalidValue(
            f"Unknown INSTANCE_FAMILY '{family_name}'; known families: {', '.join(known)}",
            at("INSTANCE_FAMILY"),
        )
    if pool["min_nodes"] < 1:
        raise InvalidValue(
            f"MIN_NODES must be at least 1, got {pool['min_nodes']}", at("MIN_NODES")
        )
    if pool["max_nodes"] < pool["min_nodes"]:
        raise InvalidValue(
            f"MAX_NODES ({pool['max_nodes']}) must be greater than or equal to"
            f" MIN_NODES ({pool['min_nodes']})",
            at("MAX_NODES"),
        )
    if family["node_limit"] is not None and pool["max_nodes"] > family["node_limit"]:
        raise InvalidValue(
            f"MAX_NODES ({pool['max_nodes']}) exceeds the node limit of"
            f" {family['name']} ({family['node_limit']})",
            at("MAX_NODES"),
        )
    if pool["auto_suspend_secs"] < 0:
        raise InvalidValue("AUTO_SUSPEND_SECS must not be negative", at("AUTO_SUSPEND_SECS"))


@executes(CreateComputePool)
def create(node: CreateComputePool, session: Session) -> Result:
    name = account_level(node.this, "compute pool")
    given = options(node)
    for required in ("MIN_NODES", "MAX_NODES", "INSTANCE_FAMILY"):
        if required not in given:
            raise InvalidValue(f"CREATE COMPUTE POOL requires {required}", session.where(node))
    suspended = bool(given.get("INITIALLY_SUSPENDED", False))
    pool = {
        "name": name,
        "state": "SUSPENDED" if suspended else "IDLE",
        "min_nodes": given["MIN_NODES"],
        "max_nodes": given["MAX_NODES"],
        "instance_family": str(given["INSTANCE_FAMILY"]).upper(),
        "auto_resume": given.get("AUTO_RESUME", DEFAULTS["AUTO_RESUME"]),
        "auto_suspend_secs": given.get("AUTO_SUSPEND_SECS", DEFAULTS["AUTO_SUSPEND_SECS"]),
        "placement_group": given.get("PLACEMENT_GROUP"),
        "tags": tags_after(None, node),
        "owner": session.role,
        "comment": given.get("COMMENT"),
        "resumed_on": None if suspended else now(),
    }
    with session.catalog.write() as cur:
        if _get(session, name, cur) is not None:
            if node.args.get("exists"):
                return Result.status(already_exists(name))
            if not node.args.get("replace"):
                raise ObjectExists(KIND, name, session.where(node.this))
            cur.execute("DELETE FROM compute_pools WHERE name = ?", [name])
        _validate(session, pool, cur, node)
        columns = ", ".join(pool)
        cur.execute(
            f"INSERT INTO compute_pools ({columns}) VALUES ({', '.join('?' * len(pool))})",
            list(pool.values()),
        )
    return Result.status(created("Compute pool", name))


@executes(AlterComputePool)
def alter(node: AlterComputePool, session: Session) -> Result:
    action = node.args["action"]
    with session.catalog.write() as cur:
        name = account_level(node.this, "compute pool")
        pool = _get(session, name, cur)
        if pool is None:
            if node.args.get("exists"):
                return Result.status(DONE)
            raise ObjectNotFound(KIND, name, session.where(node.this))
        changes: dict[str, t.Any] = {}
        if action == "SUSPEND":  # suspends the pool's services too
            changes = {"state": "SUSPENDED"}
            cur.execute(
                "UPDATE services SET state = 'SUSPENDED', suspended_on = ? WHERE compute_pool = ?"
                " AND state <> 'SUSPENDED'",
                [now(), name],
            )
        elif action == "RESUME":
            if pool["state"] == "SUSPENDED":
                changes = {"state": "IDLE", "resumed_on": now()}
        elif action == "STOP ALL":  # drops the pool's services (reconciled below)
            cur.execute("DELETE FROM services WHERE compute_pool = ?", [name])
        elif node.args.get("tags") is not None:
            changes = {"tags": tags_after(pool["tags"], node)}
        elif action == "SET":
            changes = {k.lower(): v for k, v in options(node).items()}
            if "instance_family" in changes:
                changes["instance_family"] = str(changes["instance_family"]).upper()
        else:  # UNSET
            changes = {u.name.lower(): DEFAULTS[u.name] for u in node.args["unset"]}
        if changes:
            _validate(session, {**pool, **changes}, cur, node)
            changes["updated_on"] = now()
            assignments = ", ".join(f"{column} = ?" for column in changes)
            cur.execute(
                f"UPDATE compute_pools SET {assignments} WHERE name = ?", [*changes.values(), name]
            )
    if action in ("SUSPEND", "STOP ALL") or "max_nodes" in changes:
        session.engine.services.reconcile()  # Ray Serve follows the catalog
    return Result.status(DONE)


@executes(("DROP", "COMPUTE POOL"))
def drop(node: exp.Drop, session: Session) -> Result:
    name = account_level(target(node), "compute pool")
    with session.catalog.write() as cur:
        if _get(session, name, cur) is None:
            if node.args.get("exists"):
                return Result.status(skipped_drop(name))
            raise ObjectNotFound(KIND, name, session.where(target(node)))
        using = session.catalog.rows(
            "SELECT name FROM services WHERE compute_pool = ? ORDER BY name", [name], cur
        )
        if using:
            raise ObjectInUse(
                f"Compute pool {name} has services ({', '.join(r['name'] for r in using)});"
                f" ALTER COMPUTE POOL {name} STOP ALL, or drop them, first",
                session.where(target(node)),
            )
        cur.execute("DELETE FROM compute_pools WHERE name = ?", [name])
        forget_grants(cur, "COMPUTE POOL", name)
    return Result.status(dropped(name))


def _usage(session: Session) -> dict[str, tuple[int, int, int]]:
    """pool -> (services, instances running, instances wanted): an instance takes a node."""
    services = session.engine.services
    rows = services.rows()
    if not rows:
        return {}
    from sqlgate.executors import ray_serve

    plans, states = services.plans(), ray_serve.states()
    usage: dict[str, tuple[int, int, int]] = {}
    for row in rows:
        count, running, wanted = usage.get(row["compute_pool"], (0, 0, 0))
        _, _, instances = services.status(row, plans, states)
        target = row["min_instances"] if row["state"] == "RUNNING" else 0
        usage[row["compute_pool"]] = (count + 1, running + instances, wanted + target)
    return usage


def _rows(session: Session) -> list[dict]:
    pools = session.catalog.rows("SELECT * FROM compute_pools")
    usage = _usage(session)
    for pool in pools:
        suspended = pool["state"] == "SUSPENDED"
        count, running, wanted = usage.get(pool["name"], (0, 0, 0))
        if not suspended:
            pool["state"] = "ACTIVE" if running else "IDLE"
        pool.update(
            num_services=count,
            num_jobs=0,
            active_nodes=running,
            idle_nodes=0,
            target_nodes=0 if suspended else min(pool["max_nodes"], max(pool["min_nodes"], wanted)),
            is_exclusive=False,
            application=None,
            backup_instance_families=None,
            budget=None,
            error_code=None,
            status_message=(
                "Compute pool is suspended"
                if suspended
                else f"{running} service instances running"
                if running
                else "Compute pool is waiting for services"
            ),
        )
    return pools


@executes(("SHOW", "COMPUTE POOLS"))
def show(node: exp.Show, session: Session) -> Result:
    return Result(table(SHOW_COLUMNS, show_filter(_rows(session), node)))


@executes(("DESCRIBE", "COMPUTE POOL"))
def describe(node: exp.Describe, session: Session) -> Result:
    pool = _require(session, node)
    rows = [r for r in _rows(session) if r["name"] == pool["name"]]
    return Result(table(DESCRIBE_COLUMNS, rows))


@executes(("SHOW", "COMPUTE POOL INSTANCE FAMILIES"))
def show_families(node: exp.Show, session: Session) -> Result:
    rows = session.catalog.rows("SELECT * FROM instance_families")
    return Result(table(FAMILY_COLUMNS, show_filter(rows, node)))

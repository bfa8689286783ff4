"""Roles and the role hierarchy in the catalog.
https://docs.snowflake.com/en/sql-reference/sql/create-role, .../drop-role, .../use-role,
.../show-roles, .../grant-role. Privileges on objects are in privilege.py.
"""

from __future__ import annotations

import typing as t
from collections import deque

from sqlglot import exp

from sqlgate.errors import InvalidValue, ObjectExists, ObjectInUse, ObjectNotFound, SqlgateError
from sqlgate.executors.common import (
    DONE,
    already_exists,
    created,
    dropped,
    options,
    show_filter,
    skipped_drop,
)
from sqlgate.executors.registry import executes
from sqlgate.gateway import access
from sqlgate.gateway.engine import SYSTEM_ROLES
from sqlgate.gateway.names import account_level, target
from sqlgate.gateway.result import INT, TEXT, TIMESTAMP, Result, table
from sqlgate.grammar.statements.role import CreateRole, GrantRole, RevokeRole

if t.TYPE_CHECKING:
    from sqlgate.gateway.catalog import Cursor
    from sqlgate.gateway.session import Session

SHOW_ROLES_COLUMNS = [
    ("created_on", TIMESTAMP),
    ("name", TEXT),
    ("is_default", TEXT),
    ("is_current", TEXT),
    ("is_inherited", TEXT),
    ("assigned_to_users", INT),
    ("granted_to_roles", INT),
    ("granted_roles", INT),
    ("owner", TEXT),
    ("comment", TEXT),
    ("owner_role_type", TEXT),
]
# --- roles ------------------------------------------------------------------------------------


def _role(session: Session, name: str, cur: Cursor | None = None) -> dict | None:
    return session.catalog.one("SELECT * FROM roles WHERE name = ?", [name], cur)


def require_role(session: Session, node: exp.Expr, cur: Cursor | None = None) -> str:
    name = account_level(node, "role")
    if _role(session, name, cur) is None:
        raise ObjectNotFound("Role", name, session.where(node))
    return name


def require_grantee(session: Session, kind: str, node: exp.Expr, cur: Cursor | None = None) -> str:
    if kind == "USER":
        name = account_level(node, "user")
        if session.catalog.one("SELECT 1 AS found FROM users WHERE name = ?", [name], cur) is None:
            raise ObjectNotFound("User", name, session.where(node))
        return name
    return require_role(session, node, cur)


def _granted_roles(session: Session, cur: Cursor | None = None) -> dict[str, set[str]]:
    """role -> the roles granted directly to it."""
    edges: dict[str, set[str]] = {}
    rows = session.catalog.rows(
        "SELECT role_name, grantee FROM role_grants WHERE grantee_kind = 'ROLE'", (), cur
    )
    for row in rows:
        edges.setdefault(row["grantee"], set()).add(row["role_name"])
    return edges


def _path(edges: dict[str, set[str]], start: str, goal: str) -> list[str] | None:
    """The roles from `start` down to `goal` through granted roles, or None."""
    parents: dict[str, str | None] = {start: None}
    queue = deque([start])
    while queue:
        role = queue.popleft()
        if role == goal:
            path: list[str] = []
            node: str | None = role
            while node is not None:
                path.append(node)
                node = parents[node]
            return path[::-1]
        for granted in sorted(edges.get(role, ())):
            if granted not in parents:
                parents[granted] = role
                queue.append(granted)
    return None


def inherited_roles(session: Session, role: str) -> set[str]:
    """Every role `role` holds through the hierarchy, itself included."""
    edges = _granted_roles(session)
    seen, queue = {role}, deque([role])
    while queue:
        for granted in edges.get(queue.popleft(), ()):
            if granted not in seen:
                seen.add(granted)
                queue.append(granted)
    return seen


def _check_removable(session: Session, name: str, node: exp.Expr, verb: str) -> None:
    if name in SYSTEM_ROLES:
        raise InvalidValue(
            f"System role {name} cannot be dropped or replaced.", session.where(node)
        )
    if name == session.role:
        raise ObjectInUse(
            f"Cannot {verb} role {name} as it is the current primary role.", session.where(node)
        )


def _catalog_tables_with(cur: Cursor, column: str) -> list[str]:
    """Catalog tables having `column`, found rather than listed so later tables are covered."""
    rows = cur.execute(
        """
        SELECT c.table_name FROM duckdb_columns() c
        JOIN duckdb_tables() t ON t.database_name = c.database_name
             AND t.schema_name = c.schema_name AND t.table_name = c.table_name
        WHERE c.column_name = ? AND c.database_name = current_database()
              AND c.schema_name = current_schema()
        ORDER BY 1
        """,
        [column],
    ).fetchall()
    return [row[0] for row in rows]


def _remove_role(cur: Cursor, name: str, heir: str) -> None:
    """DROP ROLE's effects: grants naming the role as grantor or grantee go, and whatever it
    owned passes to `heir`, the role running the DROP (Snowflake's documented behaviour)."""
    cur.execute(
        "DELETE FROM role_grants WHERE role_name = ? OR granted_by = ?"
        " OR (grantee_kind = 'ROLE' AND grantee = ?)",
        [name, name, name],
    )
    cur.execute("DELETE FROM grants WHERE grantee = ? OR granted_by = ?", [name, name])
    cur.execute("DELETE FROM roles WHERE name = ?", [name])
    for table_name in _catalog_tables_with(cur, "owner"):
        cur.execute(f"UPDATE {table_name} SET owner = ? WHERE owner = ?", [heir, name])


@executes(CreateRole)
def create_role(node: CreateRole, session: Session) -> Result:
    name = account_level(node.this, "role")
    given = options(node)
    if "TAG" in given:
        # roles have no tags column; refusing beats accepting tags SHOW could never show
        raise InvalidValue("CREATE ROLE does not support TAG: sqlgate keeps no tags on roles")
    if node.args.get("exists") and node.args.get("replace"):
        raise InvalidValue("OR REPLACE and IF NOT EXISTS are incompatible.", session.where(node))
    with session.catalog.write() as cur:
        if _role(session, name, cur) is not None:
            if node.args.get("exists"):
                return Result.status(already_exists(name))
            if not node.args.get("replace"):
                raise ObjectExists("Role", name, session.where(node.this))
            _check_removable(session, name, node.this, "replace")
            _remove_role(cur, name, session.role)
        cur.execute(
            "INSERT INTO roles (name, owner, comment) VALUES (?, ?, ?)",
            [name, session.role, given.get("COMMENT")],
        )
    return Result.status(created("Role", name))


@executes(("DROP", "ROLE"))
def drop_role(node: exp.Drop, session: Session) -> Result:
    name = account_level(target(node), "role")
    with session.catalog.write() as cur:
        if _role(session, name, cur) is None:
            if node.args.get("exists"):
                return Result.status(skipped_drop(name))
            raise ObjectNotFound("Role", name, session.where(target(node)))
        _check_removable(session, name, target(node), "drop")
        _remove_role(cur, name, session.role)
    return Result.status(dropped(name))


@executes(("USE", "ROLE"))
def use_role(node: exp.Use, session: Session) -> Result:
    role = require_role(session, node.this)
    if not access.may_use_role(session, role):
        raise access.InsufficientPrivileges(
            f"Requested role '{role}' is not assigned to the executing user. Specify another"
            " role to activate.",
            session.where(node.this),
        )
    session.role = role
    return Result.status(DONE)


@executes(("USE", "SECONDARY ROLES"))
def use_secondary_roles(node: exp.Use, session: Session) -> Result:
    raise SqlgateError(
        "USE SECONDARY ROLES is not supported: a sqlgate session has one role at a time",
        session.where(node),
    )


@executes(("SHOW", "ROLES"))
def show_roles(node: exp.Show, session: Session) -> Result:
    roles = session.catalog.rows("SELECT * FROM roles")
    grants = session.catalog.rows("SELECT role_name, grantee_kind, grantee FROM role_grants")
    inherited = inherited_roles(session, session.role) - {session.role}
    user = session.catalog.one("SELECT default_role FROM users WHERE name = ?", [session.user])
    default = user["default_role"] if user else None
    for role in roles:
        name = role["name"]
        role.update(
            is_default="Y" if name == default else "N",  # the current user's default role
            is_current="Y" if name == session.role else "N",
            is_inherited="Y" if name in inherited else "N",
            assigned_to_users=sum(
                g["role_name"] == name and g["grantee_kind"] == "USER" for g in grants
            ),
            granted_to_roles=sum(
                g["role_name"] == name and g["grantee_kind"] == "ROLE" for g in grants
            ),
            granted_roles=sum(g["grantee"] == name and g["grantee_kind"] == "ROLE" for g in grants),
            owner_role_type="ROLE",
        )
    return Result(table(SHOW_ROLES_COLUMNS, show_filter(roles, node)))


@executes(GrantRole)
def grant_role(node: GrantRole, session: Session) -> Result:
    with session.catalog.write() as cur:
        role = require_role(session, node.this, cur)
        kind = node.args["kind"]
        grantee = require_grantee(session, kind, node.args["grantee"], cur)
        # Granting `role` to `grantee` makes a cycle if `role` already holds `grantee`.
        cycle = _path(_granted_roles(session, cur), role, grantee)
        if cycle is not None:
            chain = " -> ".join([*reversed(cycle), grantee])
            raise InvalidValue(
                f"Granting role {role} to role {grantee} would create a cycle: {chain}"
                " (each role granted to the next)",
                session.where(node.args["grantee"]),
            )
        cur.execute(
            "INSERT INTO role_grants (role_name, grantee_kind, grantee, granted_by)"
            " VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
            [role, kind, grantee, session.role],
        )
    return Result.status(DONE)


@executes(RevokeRole)
def revoke_role(node: RevokeRole, session: Session) -> Result:
    with session.catalog.write() as cur:
        role = require_role(session, node.this, cur)
        kind = node.args["kind"]
        grantee = require_grantee(session, kind, node.args["grantee"], cur)
        cur.execute(
            "DELETE FROM role_grants WHERE role_name = ? AND grantee_kind = ? AND grantee = ?",
            [role, kind, grantee],
        )
    return Result.status(DONE)

"""Roles, role hierarchy and privilege grants in the catalog.
https://docs.snowflake.com/en/sql-reference/sql/create-role, .../drop-role, .../use-role,
.../show-roles, .../grant-role, .../grant-privilege, .../grant-ownership, .../show-grants.

Privileges are stored, not yet enforced. Ownership is never a row of `grants`: it lives in the
owner column of the object's own table, so an object always has exactly one owner. GRANT
OWNERSHIP therefore transfers that column and REVOKE OWNERSHIP is refused, as in Snowflake.
"""

from __future__ import annotations

import datetime as dt
import typing as t
from collections import deque
from dataclasses import dataclass, field

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
from sqlgate.gateway.engine import SYSTEM_ROLES
from sqlgate.gateway.names import account_level, qualified, schema_name, target
from sqlgate.gateway.result import BOOL, INT, TEXT, TIMESTAMP, Result, table
from sqlgate.grammar.statements.role import CreateRole, GrantRole, RevokeRole, ShowGrants

if t.TYPE_CHECKING:
    from sqlgate.gateway.catalog import Cursor
    from sqlgate.gateway.session import Session

# There is no account name locally; grants ON ACCOUNT are filed under this one.
ACCOUNT_NAME = "ACCOUNT"

# https://docs.snowflake.com/en/sql-reference/sql/show-roles
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
# https://docs.snowflake.com/en/sql-reference/sql/show-grants
SHOW_GRANTS_COLUMNS = [
    ("created_on", TIMESTAMP),
    ("privilege", TEXT),
    ("granted_on", TEXT),
    ("name", TEXT),
    ("granted_to", TEXT),
    ("grantee_name", TEXT),
    ("grant_option", BOOL),
    ("granted_by", TEXT),
]
SHOW_GRANTS_OF_COLUMNS = [
    ("created_on", TIMESTAMP),
    ("role", TEXT),
    ("granted_to", TEXT),
    ("grantee_name", TEXT),
    ("granted_by", TEXT),
]

# --- where each kind of securable object lives ----------------------------------------------

# How an object's name is written, which decides its key (the parts of its stored name).
ACCOUNT_OBJECT = "account object"  # name
SCHEMA = "schema"  # database.name
SCHEMA_OBJECT = "schema object"  # database.schema.name
WHOLE_ACCOUNT = "account"  # no name

KEY_COLUMNS: dict[str, tuple[str, ...]] = {
    ACCOUNT_OBJECT: ("name",),
    SCHEMA: ("database_name", "name"),
    SCHEMA_OBJECT: ("database_name", "schema_name", "name"),
    WHOLE_ACCOUNT: (),
}

Key = tuple[str, ...]


@dataclass(frozen=True)
class Found:
    owner: str | None  # None: the object has no owner (the account)
    created_on: dt.datetime | None


@dataclass(frozen=True)
class InCatalog:
    """A catalog table with an owner column, keyed by the scope's key columns."""

    table: str
    # Tables whose rows belong to the object and repeat its owner: (table, parent-name column).
    children: tuple[tuple[str, str], ...] = ()

    def _where(self, scope: str) -> str:
        return " AND ".join(f"{column} = ?" for column in KEY_COLUMNS[scope])

    def find(self, session: Session, scope: str, key: Key, cur: Cursor | None) -> Found | None:
        row = session.catalog.one(
            f"SELECT owner, created_on FROM {self.table} WHERE {self._where(scope)}", key, cur
        )
        return Found(row["owner"], row["created_on"]) if row else None

    def owned_by(self, session: Session, scope: str, role: str) -> list[tuple[Key, Found]]:
        columns = ", ".join(KEY_COLUMNS[scope])
        rows = session.catalog.rows(
            f"SELECT {columns}, owner, created_on FROM {self.table} WHERE owner = ?", [role]
        )
        return [
            (tuple(r[c] for c in KEY_COLUMNS[scope]), Found(r["owner"], r["created_on"]))
            for r in rows
        ]

    def transfer(self, cur: Cursor, scope: str, key: Key, role: str) -> None:
        cur.execute(f"UPDATE {self.table} SET owner = ? WHERE {self._where(scope)}", [role, *key])
        parent = KEY_COLUMNS[scope][:-1]
        for child, name_column in self.children:
            where = " AND ".join(f"{column} = ?" for column in (*parent, name_column))
            cur.execute(f"UPDATE {child} SET owner = ? WHERE {where}", [role, *key])


@dataclass(frozen=True)
class InWarehouse:
    """Tables and views live in the user-data warehouse; their owner is the database's owner
    (as SHOW TABLES reports it), so their ownership cannot move on its own."""

    table_type: str  # information_schema.tables.table_type

    def find(self, session: Session, scope: str, key: Key, cur: Cursor | None) -> Found | None:
        database, schema, name = key
        warehouse = session.warehouse.cursor()
        try:
            found = warehouse.execute(
                "SELECT 1 FROM information_schema.tables WHERE table_catalog = ?"
                " AND table_schema = ? AND table_name = ? AND table_type = ?",
                [database, schema, name, self.table_type],
            ).fetchall()
        finally:
            warehouse.close()
        if not found:
            return None
        db = session.catalog.one("SELECT owner FROM databases WHERE name = ?", [database], cur)
        return Found(db["owner"] if db else None, None)


@dataclass(frozen=True)
class NotYetKnown:
    """A kind whose objects arrive with a later issue: no object of it exists yet."""

    def find(self, session: Session, scope: str, key: Key, cur: Cursor | None) -> Found | None:
        return None


@dataclass(frozen=True)
class TheAccount:
    def find(self, session: Session, scope: str, key: Key, cur: Cursor | None) -> Found | None:
        return Found(None, None)


Locator = InCatalog | InWarehouse | NotYetKnown | TheAccount


@dataclass(frozen=True)
class Securable:
    kind: str  # as stored in grants.object_kind (two spellings of one kind share it)
    label: str  # as errors name an object of this kind
    scope: str
    privileges: tuple[str, ...]
    locator: Locator = field(default_factory=NotYetKnown)

    @property
    def granted_on(self) -> str:
        """SHOW GRANTS spells kinds with underscores (COMPUTE_POOL)."""
        return self.kind.replace(" ", "_")


_INTEGRATION = Securable(
    "INTEGRATION",
    "Integration",
    ACCOUNT_OBJECT,
    ("OWNERSHIP", "USAGE", "ALL"),
    InCatalog("integrations"),
)
_SCHEMA_CREATES = tuple(
    f"CREATE {kind}"
    for kind in ("MODEL", "SERVICE", "IMAGE REPOSITORY", "NETWORK RULE", "SECRET", "TABLE", "VIEW")
)
_RELATION_PRIVILEGES = ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "OWNERSHIP", "ALL")
# Every kind GRANT ... ON accepts: its privileges and where its objects are found. A kind that
# gains a catalog table (SERVICE) changes only its locator here.
SECURABLES: dict[str, Securable] = {
    "MODEL": Securable(
        "MODEL",
        "Model",
        SCHEMA_OBJECT,
        ("OWNERSHIP", "USAGE", "READ", "ALL"),
        InCatalog("models", children=(("model_versions", "model_name"),)),
    ),
    "COMPUTE POOL": Securable(
        "COMPUTE POOL",
        "Compute pool",
        ACCOUNT_OBJECT,
        ("OWNERSHIP", "USAGE", "OPERATE", "MONITOR", "MODIFY", "ALL"),
        InCatalog("compute_pools"),
    ),
    "IMAGE REPOSITORY": Securable(
        "IMAGE REPOSITORY",
        "Image repository",
        SCHEMA_OBJECT,
        ("OWNERSHIP", "READ", "WRITE", "SERVICE READ", "SERVICE WRITE", "ALL"),
        InCatalog("image_repositories"),
    ),
    "INTEGRATION": _INTEGRATION,
    "EXTERNAL ACCESS INTEGRATION": _INTEGRATION,
    "SERVICE": Securable(
        "SERVICE", "Service", SCHEMA_OBJECT, ("OWNERSHIP", "USAGE", "MONITOR", "OPERATE", "ALL")
    ),
    "DATABASE": Securable(
        "DATABASE",
        "Database",
        ACCOUNT_OBJECT,
        ("OWNERSHIP", "USAGE", "MONITOR", "CREATE SCHEMA", "ALL"),
        InCatalog("databases"),
    ),
    "SCHEMA": Securable(
        "SCHEMA",
        "Schema",
        SCHEMA,
        ("OWNERSHIP", "USAGE", "MONITOR", *_SCHEMA_CREATES, "ALL"),
        InCatalog("schemas"),
    ),
    "NETWORK RULE": Securable(
        "NETWORK RULE",
        "Network rule",
        SCHEMA_OBJECT,
        ("OWNERSHIP", "USAGE", "READ", "ALL"),
        InCatalog("network_rules"),
    ),
    "SECRET": Securable(
        "SECRET",
        "Secret",
        SCHEMA_OBJECT,
        ("OWNERSHIP", "USAGE", "READ", "ALL"),
        InCatalog("secrets"),
    ),
    "TABLE": Securable(
        "TABLE", "Table", SCHEMA_OBJECT, _RELATION_PRIVILEGES, InWarehouse("BASE TABLE")
    ),
    "VIEW": Securable("VIEW", "View", SCHEMA_OBJECT, _RELATION_PRIVILEGES, InWarehouse("VIEW")),
    # A role's only object privilege is its ownership; roles are granted with GRANT ROLE.
    "ROLE": Securable("ROLE", "Role", ACCOUNT_OBJECT, ("OWNERSHIP",), InCatalog("roles")),
    "ACCOUNT": Securable(
        "ACCOUNT",
        "Account",
        WHOLE_ACCOUNT,
        (
            "CREATE COMPUTE POOL",
            "CREATE DATABASE",
            "CREATE ROLE",
            "CREATE INTEGRATION",
            "BIND SERVICE ENDPOINT",
            "MANAGE GRANTS",
            "ALL",
        ),
        TheAccount(),
    ),
}


def _securable(kind: str) -> Securable:
    securable = SECURABLES.get(" ".join(kind.upper().replace("_", " ").split()))
    if securable is None:
        raise InvalidValue(f"Unknown object kind {kind}; expected one of {', '.join(SECURABLES)}")
    return securable


def _key(session: Session, securable: Securable, node: exp.Expr | None) -> Key:
    """The written name of an object -> the parts of its stored name."""
    if securable.scope == WHOLE_ACCOUNT or node is None:
        return (ACCOUNT_NAME,)
    if securable.scope == ACCOUNT_OBJECT:
        return (account_level(node, securable.label.lower()),)
    if securable.scope == SCHEMA:
        return schema_name(session, node)
    name = qualified(session, node)
    return (name.database, name.schema, name.name)


def _require_object(
    session: Session, securable: Securable, node: exp.Expr | None, cur: Cursor | None
) -> tuple[Key, Found]:
    key = _key(session, securable, node)
    found = securable.locator.find(session, securable.scope, key, cur)
    if found is None:
        raise ObjectNotFound(securable.label, ".".join(key), session.where(node))
    return key, found


# --- roles ------------------------------------------------------------------------------------


def _role(session: Session, name: str, cur: Cursor | None = None) -> dict | None:
    return session.catalog.one("SELECT * FROM roles WHERE name = ?", [name], cur)


def _require_role(session: Session, node: exp.Expr, cur: Cursor | None = None) -> str:
    name = account_level(node, "role")
    if _role(session, name, cur) is None:
        raise ObjectNotFound("Role", name, session.where(node))
    return name


def _require_grantee(session: Session, kind: str, node: exp.Expr, cur: Cursor | None = None) -> str:
    if kind == "USER":
        # Users arrive with the HTTP server; until then no user exists.
        raise ObjectNotFound("User", account_level(node, "user"), session.where(node))
    return _require_role(session, node, cur)


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
    session.role = _require_role(session, node.this)
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
    for role in roles:
        name = role["name"]
        role.update(
            is_default="N",  # a default role belongs to a user, and there are no users yet
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
        role = _require_role(session, node.this, cur)
        kind = node.args["kind"]
        grantee = _require_grantee(session, kind, node.args["grantee"], cur)
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
        role = _require_role(session, node.this, cur)
        kind = node.args["kind"]
        grantee = _require_grantee(session, kind, node.args["grantee"], cur)
        cur.execute(
            "DELETE FROM role_grants WHERE role_name = ? AND grantee_kind = ? AND grantee = ?",
            [role, kind, grantee],
        )
    return Result.status(DONE)


# --- privileges -------------------------------------------------------------------------------


def _privileges(session: Session, node: exp.Grant | exp.Revoke, securable: Securable) -> list[str]:
    names: list[str] = []
    for privilege in node.args["privileges"]:
        if privilege.expressions:
            raise InvalidValue(
                "Column-level privileges are not supported", session.where(privilege)
            )
        name = " ".join(privilege.name.upper().split())
        name = "ALL" if name == "ALL PRIVILEGES" else name
        if name not in securable.privileges:
            raise InvalidValue(
                f"Invalid privilege {name} on {securable.kind}; valid privileges are "
                + ", ".join(securable.privileges)
            )
        if name not in names:
            names.append(name)
    return names


@dataclass(frozen=True)
class _Target:
    securable: Securable
    key: Key
    found: Found
    grantee: str
    privileges: list[str]

    @property
    def name(self) -> str:
        return ".".join(self.key)


def _target(session: Session, node: exp.Grant | exp.Revoke, cur: Cursor) -> _Target:
    securable = _securable(node.args["kind"])
    privileges = _privileges(session, node, securable)
    securable_node = None if securable.scope == WHOLE_ACCOUNT else node.args.get("securable")
    key, found = _require_object(session, securable, securable_node, cur)
    principal = node.args["principals"][0]
    grantee = _require_grantee(session, principal.args["kind"], principal.this, cur)
    return _Target(securable, key, found, grantee, privileges)


def _transfer_ownership(session: Session, node: exp.Grant, target: _Target, cur: Cursor) -> None:
    securable = target.securable
    if len(target.privileges) > 1:
        raise InvalidValue("OWNERSHIP cannot be granted together with other privileges")
    if node.args.get("grant_option"):
        raise InvalidValue("WITH GRANT OPTION does not apply to OWNERSHIP")
    if not isinstance(securable.locator, InCatalog):
        raise InvalidValue(
            f"Ownership of a {securable.label.lower()} cannot be transferred: it belongs to the"
            " owner of its database"
        )
    if target.found.owner == target.grantee:
        return
    # Without REVOKE | COPY CURRENT GRANTS (not supported yet), Snowflake refuses to transfer
    # an object that others hold privileges on.
    dependent = session.catalog.one(
        "SELECT privilege, grantee FROM grants WHERE object_kind = ? AND object_name = ?"
        " ORDER BY grantee, privilege LIMIT 1",
        [securable.kind, target.name],
        cur,
    )
    if dependent is not None:
        raise ObjectInUse(
            f"Dependent grant of privilege '{dependent['privilege']}' on securable"
            f" '{target.name}' to role '{dependent['grantee']}' exists. It must be revoked first."
        )
    securable.locator.transfer(cur, securable.scope, target.key, target.grantee)


def _held(session: Session, target: _Target, cur: Cursor) -> dict[str, dict]:
    rows = session.catalog.rows(
        "SELECT * FROM grants WHERE object_kind = ? AND object_name = ? AND grantee = ?",
        [target.securable.kind, target.name, target.grantee],
        cur,
    )
    return {row["privilege"]: row for row in rows}


@executes(exp.Grant)
def grant_privileges(node: exp.Grant, session: Session) -> Result:
    with session.catalog.write() as cur:
        target = _target(session, node, cur)
        if "OWNERSHIP" in target.privileges:
            _transfer_ownership(session, node, target, cur)
            return Result.status(DONE)
        option = bool(node.args.get("grant_option"))
        held = _held(session, target, cur)
        for privilege in target.privileges:
            if privilege not in held:
                cur.execute(
                    "INSERT INTO grants (privilege, object_kind, object_name, grantee,"
                    " grant_option, granted_by) VALUES (?, ?, ?, ?, ?, ?)",
                    [
                        privilege,
                        target.securable.kind,
                        target.name,
                        target.grantee,
                        option,
                        session.role,
                    ],
                )
            elif option and not held[privilege]["grant_option"]:
                _set_grant_option(cur, target, privilege, True)
    return Result.status(DONE)


def _set_grant_option(cur: Cursor, target: _Target, privilege: str, value: bool) -> None:
    cur.execute(
        "UPDATE grants SET grant_option = ? WHERE privilege = ? AND object_kind = ?"
        " AND object_name = ? AND grantee = ?",
        [value, privilege, target.securable.kind, target.name, target.grantee],
    )


def _expand_all(session: Session, target: _Target, cur: Cursor) -> dict[str, dict]:
    """Replace a held ALL by the privileges it stands for, so that some can be revoked."""
    held = _held(session, target, cur)
    whole = held.pop("ALL", None)
    if whole is None:
        return held
    cur.execute(
        "DELETE FROM grants WHERE privilege = 'ALL' AND object_kind = ? AND object_name = ?"
        " AND grantee = ?",
        [target.securable.kind, target.name, target.grantee],
    )
    for privilege in target.securable.privileges:
        if privilege in ("ALL", "OWNERSHIP"):
            continue
        if privilege in held:
            if whole["grant_option"] and not held[privilege]["grant_option"]:
                _set_grant_option(cur, target, privilege, True)
            continue
        cur.execute(
            "INSERT INTO grants (privilege, object_kind, object_name, grantee, grant_option,"
            " granted_by, created_on) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                privilege,
                target.securable.kind,
                target.name,
                target.grantee,
                whole["grant_option"],
                whole["granted_by"],
                whole["created_on"],
            ],
        )
    return _held(session, target, cur)


@executes(exp.Revoke)
def revoke_privileges(node: exp.Revoke, session: Session) -> Result:
    with session.catalog.write() as cur:
        target = _target(session, node, cur)
        if "OWNERSHIP" in target.privileges:
            raise InvalidValue(
                "OWNERSHIP cannot be revoked; transfer it with GRANT OWNERSHIP ON"
                f" {target.securable.kind} {target.name} TO ROLE <role>"
            )
        if "ALL" in target.privileges:
            revoked = list(_held(session, target, cur))
        else:
            held = _expand_all(session, target, cur)
            revoked = [p for p in target.privileges if p in held]
        for privilege in revoked:
            if node.args.get("grant_option"):  # REVOKE GRANT OPTION FOR keeps the privilege
                _set_grant_option(cur, target, privilege, False)
            else:
                cur.execute(
                    "DELETE FROM grants WHERE privilege = ? AND object_kind = ?"
                    " AND object_name = ? AND grantee = ?",
                    [privilege, target.securable.kind, target.name, target.grantee],
                )
    return Result.status(DONE)


def forget_grants(cur: Cursor, object_kind: str, object_name: str) -> None:
    """Delete the grants on an object being dropped (`object_name` as stored: DB.SCHEMA.NAME
    for schema-level kinds). A database or schema takes the grants on its contents with it."""
    securable = _securable(object_kind)
    cur.execute(
        "DELETE FROM grants WHERE object_kind = ? AND object_name = ?",
        [securable.kind, object_name],
    )
    inside = {"DATABASE": (SCHEMA, SCHEMA_OBJECT), "SCHEMA": (SCHEMA_OBJECT,)}
    scopes = inside.get(securable.kind, ())
    kinds = sorted({s.kind for s in SECURABLES.values() if s.scope in scopes})
    if kinds:
        cur.execute(
            f"DELETE FROM grants WHERE object_kind IN ({', '.join('?' * len(kinds))})"
            " AND starts_with(object_name, ?)",
            [*kinds, f"{object_name}."],
        )


# --- SHOW GRANTS ------------------------------------------------------------------------------


def _grant_row(row: dict) -> dict:
    securable = _securable(row["object_kind"])
    return {
        "created_on": row["created_on"],
        "privilege": row["privilege"],
        "granted_on": securable.granted_on,
        "name": row["object_name"],
        "granted_to": "ROLE",
        "grantee_name": row["grantee"],
        "grant_option": row["grant_option"],
        "granted_by": row["granted_by"],
    }


def _ownership_row(securable: Securable, name: str, found: Found) -> dict:
    return {
        "created_on": found.created_on,
        "privilege": "OWNERSHIP",
        "granted_on": securable.granted_on,
        "name": name,
        "granted_to": "ROLE",
        "grantee_name": found.owner,
        "grant_option": True,
        "granted_by": found.owner,
    }


def _sorted(rows: list[dict]) -> list[dict]:
    return sorted(
        rows,
        key=lambda r: (r["granted_on"], r["name"], r["privilege"], r.get("grantee_name") or ""),
    )


def _grants_on(session: Session, node: ShowGrants) -> list[dict]:
    securable = _securable(node.args["kind"])
    key, found = _require_object(session, securable, node.this, None)
    name = ".".join(key)
    rows = [
        _grant_row(r)
        for r in session.catalog.rows(
            "SELECT * FROM grants WHERE object_kind = ? AND object_name = ?",
            [securable.kind, name],
        )
    ]
    if found.owner is not None:
        rows.append(_ownership_row(securable, name, found))
    return rows


def _grants_to(session: Session, role: str) -> list[dict]:
    rows = [
        _grant_row(r)
        for r in session.catalog.rows("SELECT * FROM grants WHERE grantee = ?", [role])
    ]
    seen: set[str] = set()
    for securable in SECURABLES.values():
        if not isinstance(securable.locator, InCatalog) or securable.kind in seen:
            continue
        seen.add(securable.kind)
        for key, found in securable.locator.owned_by(session, securable.scope, role):
            rows.append(_ownership_row(securable, ".".join(key), found))
    granted_roles = session.catalog.rows(
        "SELECT * FROM role_grants WHERE grantee_kind = 'ROLE' AND grantee = ?", [role]
    )
    rows.extend(
        {
            "created_on": granted["created_on"],
            "privilege": "USAGE",
            "granted_on": "ROLE",
            "name": granted["role_name"],
            "granted_to": "ROLE",
            "grantee_name": role,
            "grant_option": False,
            "granted_by": granted["granted_by"],
        }
        for granted in granted_roles
    )
    return rows


@executes(ShowGrants)
def show_grants(node: ShowGrants, session: Session) -> Result:
    preposition = node.args.get("preposition")
    if preposition == "OF":
        role = _require_role(session, node.this)
        rows = session.catalog.rows(
            "SELECT created_on, role_name AS role, grantee_kind AS granted_to, grantee AS"
            " grantee_name, granted_by FROM role_grants WHERE role_name = ?"
            " ORDER BY granted_to, grantee_name",
            [role],
        )
        return Result(table(SHOW_GRANTS_OF_COLUMNS, rows))
    if preposition == "ON":
        rows = _grants_on(session, node)
    elif preposition == "TO":
        role = _require_grantee(session, node.args["kind"], node.this)
        rows = _grants_to(session, role)
    else:
        rows = _grants_to(session, session.role)
    return Result(table(SHOW_GRANTS_COLUMNS, _sorted(rows)))

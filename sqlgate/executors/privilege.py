"""Privilege grants on objects, stored in the catalog (enforced with the HTTP server issue).
https://docs.snowflake.com/en/sql-reference/sql/grant-privilege, .../grant-ownership,
.../show-grants.

Ownership is never a row of `grants`: it lives in the owner column of the object's own table,
so an object always has exactly one owner. GRANT OWNERSHIP therefore transfers that column and
REVOKE OWNERSHIP is refused, as in Snowflake.
"""

from __future__ import annotations

import datetime as dt
import typing as t
from dataclasses import dataclass, field

from sqlglot import exp

from sqlgate.errors import InvalidValue, ObjectInUse, ObjectNotFound
from sqlgate.executors.common import (
    DONE,
)
from sqlgate.executors.registry import executes
from sqlgate.executors.role import require_grantee, require_role
from sqlgate.gateway.names import account_level, qualified, schema_name
from sqlgate.gateway.result import BOOL, TEXT, TIMESTAMP, Result, table
from sqlgate.grammar.statements.role import ShowGrants

if t.TYPE_CHECKING:
    from sqlgate.gateway.catalog import Cursor
    from sqlgate.gateway.session import Session

# There is no account name locally; grants ON ACCOUNT are filed under this one.
ACCOUNT_NAME = "ACCOUNT"

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
class InCatalogOnceMigrated(InCatalog):
    """A catalog table another branch's migration adds (services): until it exists, no object
    of the kind does; once it does, grants and privilege checks apply with no further change."""

    def _present(self, session: Session, cur: Cursor | None) -> bool:
        return bool(
            session.catalog.rows(
                "SELECT 1 AS x FROM duckdb_tables() WHERE table_name = ?", [self.table], cur
            )
        )

    def find(self, session: Session, scope: str, key: Key, cur: Cursor | None) -> Found | None:
        return super().find(session, scope, key, cur) if self._present(session, cur) else None

    def owned_by(self, session: Session, scope: str, role: str) -> list[tuple[Key, Found]]:
        return super().owned_by(session, scope, role) if self._present(session, None) else []


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


Locator = InCatalog | InCatalogOnceMigrated | InWarehouse | NotYetKnown | TheAccount


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
        "SERVICE",
        "Service",
        SCHEMA_OBJECT,
        ("OWNERSHIP", "USAGE", "MONITOR", "OPERATE", "ALL"),
        InCatalogOnceMigrated("services"),
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
            "CREATE USER",
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
    grantee = require_grantee(session, principal.args["kind"], principal.this, cur)
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
        role = require_role(session, node.this)
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
        role = require_grantee(session, node.args["kind"], node.this)
        rows = _grants_to(session, role)
    else:
        rows = _grants_to(session, session.role)
    return Result(table(SHOW_GRANTS_COLUMNS, _sorted(rows)))

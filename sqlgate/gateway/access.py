"""Privilege enforcement: the one table of which statement needs which privilege on what, and the
checks every front-end goes through (Session runs `check` before each statement's executor).

Snowflake's rules, as documented per object kind (grant-privilege, "Access control privileges"):
- the owner role (OWNERSHIP) may do everything to an object; a role holds what is granted to it
  and to every role granted to it, and every role holds PUBLIC;
- USAGE on a MODEL may call it and SHOW it, never read its artifacts (OWNERSHIP or READ do);
- a role that holds no privilege at all on an object is told it does not exist.
ACCOUNTADMIN passes every check here (the embedded REPL runs as it); that, and letting a user who
holds ACCOUNTADMIN assume any role, are sqlgate's simplifications of Snowflake's model.

Each RULE names a statement (node class name, or (verb, kind) as the executor registry keys
them), the object kind the privilege is on, where the object's name is in the statement, and
the privileges of which one suffices. tests/test_rbac.py's matrix is generated from RULES (the
service rows: tests/services/test_service_privileges.py, against a real Ray).
"""

from __future__ import annotations

import typing as t
from collections import deque
from collections.abc import Callable, Hashable
from dataclasses import dataclass

from sqlglot import exp

from sqlgate.errors import ObjectNotFound, Position, SqlgateError
from sqlgate.gateway.names import account_level, qualified, schema_name, target

if t.TYPE_CHECKING:
    from sqlgate.gateway.catalog import Cursor
    from sqlgate.gateway.session import Session

ADMIN_ROLE = "ACCOUNTADMIN"
PUBLIC_ROLE = "PUBLIC"


class InsufficientPrivileges(SqlgateError):
    sqlstate = "42501"
    errno = 3001


def denied(what: str, position: Position | None = None) -> InsufficientPrivileges:
    return InsufficientPrivileges(f"Insufficient privileges to {what}.", position)


# --- who holds what ------------------------------------------------------------------------------


def _closure(session: Session, start: set[str], cur: Cursor | None = None) -> set[str]:
    edges: dict[str, set[str]] = {}
    for row in session.catalog.rows(
        "SELECT role_name, grantee FROM role_grants WHERE grantee_kind = 'ROLE'", (), cur
    ):
        edges.setdefault(row["grantee"], set()).add(row["role_name"])
    seen, queue = set(start), deque(start)
    while queue:
        for granted in edges.get(queue.popleft(), ()):
            if granted not in seen:
                seen.add(granted)
                queue.append(granted)
    return seen | {PUBLIC_ROLE}


def roles(session: Session) -> set[str]:
    """Every role the session's current role holds, PUBLIC included."""
    return _closure(session, {session.role})


def user_roles(session: Session, user: str, cur: Cursor | None = None) -> set[str]:
    """Every role a user may use: granted to it, inherited through those, and PUBLIC."""
    granted = session.catalog.rows(
        "SELECT role_name FROM role_grants WHERE grantee_kind = 'USER' AND grantee = ?",
        [user],
        cur,
    )
    return _closure(session, {r["role_name"] for r in granted}, cur)


def is_admin(session: Session) -> bool:
    return ADMIN_ROLE in roles(session)


def may_use_role(session: Session, role: str) -> bool:
    """USE ROLE: only roles granted to the session's user (a token's role restriction narrows
    that to one role); a user holding ACCOUNTADMIN may assume any role."""
    restriction = getattr(session, "role_restriction", None)
    if restriction is not None:
        return role in _closure(session, {restriction})
    held = user_roles(session, session.user)
    return role in held or ADMIN_ROLE in held


# --- privileges on objects ------------------------------------------------------------------------


def _securable(kind: str) -> t.Any:
    from sqlgate.executors.privilege import SECURABLES  # executors import this module

    return SECURABLES[kind]


def object_key(session: Session, kind: str, node: exp.Expr | None) -> tuple[str, ...]:
    """A written name -> the stored key of an object of `kind` (as grants.object_name parts)."""
    securable = _securable(kind)
    if node is None and kind == "DATABASE":
        return (session.require_database(),)
    if node is None and kind == "SCHEMA":
        return (session.require_database(), session.require_schema())
    if securable.scope == "account" or node is None:
        return ("ACCOUNT",)
    if securable.scope == "account object":
        return (account_level(node, securable.label.lower()),)
    if securable.scope == "schema":
        return schema_name(session, node)
    name = qualified(session, node)
    return (name.database, name.schema, name.name)


def held_privileges(session: Session, kind: str, key: tuple[str, ...]) -> set[str] | None:
    """The privileges the session's role holds on an object (OWNERSHIP if it owns it, ALL
    expanded); None when the object does not exist."""
    securable = _securable(kind)
    found = securable.locator.find(session, securable.scope, key, None)
    if found is None:
        return None
    held_roles = roles(session)
    held: set[str] = set()
    if found.owner is not None and found.owner in held_roles:
        held.add("OWNERSHIP")
    if kind == "ROLE" and key[0] in held_roles:
        held.add("USAGE")  # a role one holds is visible, as SHOW GRANTS TO ROLE shows it
    marks = ", ".join("?" * len(held_roles))
    for row in session.catalog.rows(
        f"SELECT privilege FROM grants WHERE object_kind = ? AND object_name = ?"
        f" AND grantee IN ({marks})",
        [securable.kind, ".".join(key), *sorted(held_roles)],
    ):
        held.add(row["privilege"])
    if "OWNERSHIP" in held or "ALL" in held:
        held |= {p for p in securable.privileges if p != "OWNERSHIP"}
    return held


def has_privilege(
    session: Session, kind: str, key: tuple[str, ...], privileges: t.Collection[str]
) -> bool:
    if is_admin(session):
        return True
    held = held_privileges(session, kind, key)
    return bool(held) and bool(held & ({"OWNERSHIP", *privileges}))


def require(
    session: Session,
    kind: str,
    key: tuple[str, ...],
    privileges: t.Collection[str],
    what: str,
    node: exp.Expr | None = None,
) -> None:
    """Refuse unless the role holds OWNERSHIP or one of `privileges` on the object. A role that
    holds nothing on it learns nothing about it: 'does not exist or not authorized'. A
    schema-level object also needs USAGE on its database and schema, as in Snowflake."""
    if is_admin(session):
        return
    securable = _securable(kind)
    position = session.where(node)
    if securable.scope in ("schema object", "schema"):
        _require_containers(session, key, position)
    held = held_privileges(session, kind, key)
    if held is None:
        return  # the executor reports a missing object in its own words
    if not held:
        raise ObjectNotFound(securable.label, ".".join(key), position)
    if not held & {"OWNERSHIP", *privileges}:
        raise denied(f"{what} {securable.label.lower()} '{'.'.join(key)}'", position)


def _require_containers(session: Session, key: tuple[str, ...], position: Position | None) -> None:
    database = key[0]
    if not has_privilege(session, "DATABASE", (database,), ("USAGE",)):
        if held_privileges(session, "DATABASE", (database,)) is None:
            return
        raise ObjectNotFound("Database", database, position)
    if len(key) >= 3 and not has_privilege(session, "SCHEMA", key[:2], ("USAGE",)):
        if held_privileges(session, "SCHEMA", key[:2]) is None:
            return
        raise ObjectNotFound("Schema", ".".join(key[:2]), position)


def require_account_privilege(session: Session, privilege: str, node: exp.Expr | None) -> None:
    if not has_privilege(session, "ACCOUNT", ("ACCOUNT",), (privilege,)):
        raise denied(f"perform {privilege} on the account", session.where(node))


def require_model(
    session: Session, key: tuple[str, ...], what: str, node: exp.Expr | None = None
) -> None:
    """What the Python registry and model calls use: `what` is 'call' (USAGE) or 'read' the
    artifacts (OWNERSHIP or READ only)."""
    privileges = ("USAGE", "READ") if what == "call" else ("READ",)
    require(
        session,
        "MODEL",
        key,
        privileges,
        f"{what} model artifacts of" if what == "read" else what,
        node,
    )


# --- the table ------------------------------------------------------------------------------------

Names = Callable[[exp.Expr], exp.Expr | None]


def _this(node: exp.Expr) -> exp.Expr | None:
    return node.this if isinstance(node.this, exp.Expr) else None


def _target(node: exp.Expr) -> exp.Expr | None:
    return target(node)


def _scope(node: exp.Expr) -> exp.Expr | None:
    return node.args.get("scope")


def _schema_of(node: exp.Expr) -> exp.Expr | None:
    """The schema a new schema-level object goes into: its name minus the last part."""
    name = node.this
    if not isinstance(name, exp.Table):
        return None
    parts = [name.args.get("catalog"), name.args.get("db")]
    present = [p for p in parts if p is not None]
    if not present:
        return None
    if len(present) == 1:
        return exp.Table(this=present[0])
    return exp.Table(this=present[1], db=present[0])


def _database_of_schema(node: exp.Expr) -> exp.Expr | None:
    name = node.this
    if isinstance(name, exp.Table) and name.args.get("catalog") is not None:
        return exp.Table(this=name.args["catalog"])
    return None


def _source_model(node: exp.Expr) -> exp.Expr | None:
    return node.args.get("source_model")


def _arg(key: str) -> Names:
    return lambda node: node.args.get(key)


def _named_by_string(node: exp.Expr) -> exp.Expr | None:
    """CALL SYSTEM$...('db.schema.service', ...): the service named by the first argument."""
    function = node.this
    arguments = function.expressions if isinstance(function, exp.Expr) else []
    first = arguments[0] if arguments else None
    if not (isinstance(first, exp.Literal) and first.is_string):
        return None
    name = exp.to_table(first.this, dialect="snowflake")
    name.meta.update(first.meta)  # errors point at the string
    return name


def _calls(function: str) -> Callable[[exp.Expr], bool]:
    def check(node: exp.Expr) -> bool:
        called = node.this
        return (
            isinstance(called, exp.Expr)
            and called.name.upper() == function
            and (_named_by_string(node) is not None)
        )

    return check


def _kind_in(*kinds: str) -> Callable[[exp.Expr], bool]:
    return lambda node: str(node.args.get("kind") or "").upper() in kinds


def _always(node: exp.Expr) -> bool:
    return True


def _action_in(*actions: str) -> Callable[[exp.Expr], bool]:
    return lambda node: str(node.args.get("action") or "").upper() in actions


def _has(key: str) -> Callable[[exp.Expr], bool]:
    return lambda node: node.args.get(key) is not None


@dataclass(frozen=True)
class Rule:
    statement: Hashable  # node class name, or (verb, kind) as executors/registry.py keys them
    kind: str  # the securable kind the privilege is on (privilege.py's SECURABLES)
    privileges: tuple[str, ...]  # any one suffices; OWNERSHIP always does
    name: Names  # where the object's name is in the statement (None: the current schema)
    what: str  # how the refusal names the action
    when: Callable[[exp.Expr], bool] = _always


RULES: tuple[Rule, ...] = (
    # models
    Rule("CreateModel", "SCHEMA", ("CREATE MODEL",), _schema_of, "create a model in"),
    Rule(
        "CreateModel",
        "MODEL",
        ("READ",),
        _source_model,
        "copy the artifacts of",
        _has("source_model"),
    ),
    Rule("AlterModel", "MODEL", (), _this, "alter"),
    Rule(
        "AlterModel",
        "MODEL",
        ("READ",),
        _source_model,
        "copy the artifacts of",
        _has("source_model"),
    ),
    Rule(("DROP", "MODEL"), "MODEL", (), _target, "drop"),
    Rule(("SHOW", "VERSIONS"), "MODEL", ("USAGE", "READ"), _scope, "show versions of"),
    Rule("ShowModelFunctions", "MODEL", ("USAGE", "READ"), _this, "show functions of"),
    # compute pools
    Rule(
        "CreateComputePool",
        "ACCOUNT",
        ("CREATE COMPUTE POOL",),
        lambda n: None,
        "create a compute pool on",
    ),
    Rule(
        "AlterComputePool",
        "COMPUTE POOL",
        ("OPERATE",),
        _this,
        "operate",
        _action_in("SUSPEND", "RESUME", "STOP ALL"),
    ),
    Rule(
        "AlterComputePool", "COMPUTE POOL", ("MODIFY",), _this, "modify", _action_in("SET", "UNSET")
    ),
    Rule(("DROP", "COMPUTE POOL"), "COMPUTE POOL", (), _target, "drop"),
    Rule(
        ("DESCRIBE", "COMPUTE POOL"),
        "COMPUTE POOL",
        ("MONITOR", "USAGE", "OPERATE", "MODIFY"),
        _this,
        "describe",
    ),
    # image repositories
    Rule(
        "CreateImageRepository",
        "SCHEMA",
        ("CREATE IMAGE REPOSITORY",),
        _schema_of,
        "create an image repository in",
    ),
    Rule(
        "ShowImages",
        "IMAGE REPOSITORY",
        ("READ", "WRITE", "SERVICE READ", "SERVICE WRITE"),
        _this,
        "list images in",
    ),
    Rule(("DROP", "IMAGE REPOSITORY"), "IMAGE REPOSITORY", (), _target, "drop"),
    # integrations, network rules, secrets
    Rule(
        "CreateExternalAccessIntegration",
        "ACCOUNT",
        ("CREATE INTEGRATION",),
        lambda n: None,
        "create an integration on",
    ),
    Rule(("DESCRIBE", "INTEGRATION"), "INTEGRATION", ("USAGE",), _this, "describe"),
    Rule(("DESCRIBE", "EXTERNAL ACCESS INTEGRATION"), "INTEGRATION", ("USAGE",), _this, "describe"),
    Rule(("DROP", "INTEGRATION"), "INTEGRATION", (), _target, "drop"),
    Rule(("DROP", "EXTERNAL ACCESS INTEGRATION"), "INTEGRATION", (), _target, "drop"),
    Rule(
        "CreateNetworkRule",
        "SCHEMA",
        ("CREATE NETWORK RULE",),
        _schema_of,
        "create a network rule in",
    ),
    Rule(("DESCRIBE", "NETWORK RULE"), "NETWORK RULE", ("USAGE", "READ"), _this, "describe"),
    Rule(("DROP", "NETWORK RULE"), "NETWORK RULE", (), _target, "drop"),
    Rule("CreateSecret", "SCHEMA", ("CREATE SECRET",), _schema_of, "create a secret in"),
    Rule(("DESCRIBE", "SECRET"), "SECRET", ("USAGE", "READ"), _this, "describe"),
    Rule(("DROP", "SECRET"), "SECRET", (), _target, "drop"),
    # databases and schemas
    Rule(
        ("CREATE", "DATABASE"),
        "ACCOUNT",
        ("CREATE DATABASE",),
        lambda n: None,
        "create a database on",
    ),
    Rule(
        ("CREATE", "SCHEMA"),
        "DATABASE",
        ("CREATE SCHEMA",),
        _database_of_schema,
        "create a schema in",
    ),
    Rule(("DROP", "DATABASE"), "DATABASE", (), _target, "drop"),
    Rule(("DROP", "SCHEMA"), "SCHEMA", (), _target, "drop"),
    Rule(("USE", "DATABASE"), "DATABASE", ("USAGE",), _this, "use"),
    Rule(("USE", ""), "DATABASE", ("USAGE",), _this, "use"),
    Rule(("USE", "SCHEMA"), "SCHEMA", ("USAGE",), _this, "use"),
    # roles
    Rule("CreateRole", "ACCOUNT", ("CREATE ROLE",), lambda n: None, "create a role on"),
    Rule(("DROP", "ROLE"), "ROLE", (), _target, "drop"),
    # services (CREATE SERVICE also needs USAGE on its pool and on the model it serves; Ray is
    # started only after these checks pass). tests/services/test_service_privileges.py runs
    # these rows against one deployed service; tests/test_rbac.py only parses them.
    Rule("CreateService", "SCHEMA", ("CREATE SERVICE",), _schema_of, "create a service in"),
    Rule("CreateService", "COMPUTE POOL", ("USAGE",), _arg("pool"), "create a service in"),
    Rule("CreateService", "MODEL", ("USAGE", "READ"), _arg("model"), "serve"),
    Rule(
        "AlterService", "SERVICE", ("OPERATE",), _this, "operate", _action_in("SUSPEND", "RESUME")
    ),
    Rule(
        "AlterService",
        "SERVICE",
        (),
        _this,
        "alter",
        lambda n: not _action_in("SUSPEND", "RESUME")(n),
    ),
    Rule(("DROP", "SERVICE"), "SERVICE", (), _target, "drop"),
    Rule(("DESCRIBE", "SERVICE"), "SERVICE", ("USAGE", "MONITOR", "OPERATE"), _this, "describe"),
    Rule(
        "ShowServiceObjects",
        "SERVICE",
        ("MONITOR",),
        _this,
        "list the instances of",
        _kind_in("SERVICE CONTAINERS", "SERVICE INSTANCES"),
    ),
    Rule(
        "ShowServiceObjects",
        "SERVICE",
        ("USAGE", "MONITOR"),
        _this,
        "show endpoints of",
        _kind_in("ENDPOINTS"),
    ),
    Rule(
        "CallSystemFunction",
        "SERVICE",
        ("MONITOR",),
        _named_by_string,
        "read the logs of",
        _calls("SYSTEM$GET_SERVICE_LOGS"),
    ),
    Rule(
        "CallSystemFunction",
        "SERVICE",
        ("MONITOR",),
        _named_by_string,
        "get the status of",
        _calls("SYSTEM$GET_SERVICE_STATUS"),
    ),
)

# Things done outside one statement (ingress, image pushes, service functions), checked with
# `require_action` by the code that does them; the RBAC matrix covers these names too.
ACTIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "call model": ("MODEL", ("USAGE", "READ")),
    "read model artifacts": ("MODEL", ("READ",)),
    "call service": ("SERVICE", ("USAGE",)),
    "monitor service": ("SERVICE", ("MONITOR",)),  # SYSTEM$GET_SERVICE_* inside a query
    "push image": ("IMAGE REPOSITORY", ("WRITE",)),
    "pull image": ("IMAGE REPOSITORY", ("READ",)),
    "service pulls image": ("IMAGE REPOSITORY", ("SERVICE READ", "READ")),
    "service pushes image": ("IMAGE REPOSITORY", ("SERVICE WRITE", "WRITE")),
    "use integration": ("INTEGRATION", ("USAGE",)),
    "use compute pool": ("COMPUTE POOL", ("USAGE",)),
}


def require_action(
    session: Session, action: str, key: tuple[str, ...], node: exp.Expr | None = None
) -> None:
    kind, privileges = ACTIONS[action]
    require(session, kind, key, privileges, action.split(" ")[0], node)


def _statement_keys(tree: exp.Expr) -> set[Hashable]:
    from sqlgate.executors.registry import key_of

    key = key_of(tree)
    return {key, type(tree).__name__}


def _check_grant(tree: exp.Grant | exp.Revoke, session: Session) -> None:
    """GRANT/REVOKE <privilege> ON <object>: its owner, a holder WITH GRANT OPTION, or MANAGE
    GRANTS on the account."""
    if has_privilege(session, "ACCOUNT", ("ACCOUNT",), ("MANAGE GRANTS",)):
        return
    kind = " ".join(str(tree.args["kind"]).upper().replace("_", " ").split())
    kind = "INTEGRATION" if kind == "EXTERNAL ACCESS INTEGRATION" else kind
    if kind == "ACCOUNT":
        raise denied("grant privileges on the account", session.where(tree))
    securable = tree.args.get("securable")
    key = object_key(session, kind, securable)
    held = held_privileges(session, kind, key)
    if held is None or "OWNERSHIP" in held:
        return  # a missing object is reported by the executor
    wanted = {" ".join(p.name.upper().split()) for p in tree.args["privileges"]}
    marks = ", ".join("?" * len(roles(session)))
    with_option = {
        row["privilege"]
        for row in session.catalog.rows(
            f"SELECT privilege FROM grants WHERE object_kind = ? AND object_name = ?"
            f" AND grant_option AND grantee IN ({marks})",
            [_securable(kind).kind, ".".join(key), *sorted(roles(session))],
        )
    }
    if not wanted <= with_option:
        if not held:
            raise ObjectNotFound(_securable(kind).label, ".".join(key), session.where(securable))
        raise denied(
            f"grant privileges on {_securable(kind).label.lower()} '{'.'.join(key)}'",
            session.where(securable),
        )


def _check_grant_role(tree: exp.Expr, session: Session) -> None:
    """GRANT/REVOKE ROLE r: r's owner, a role holding r (seed 002 grants model_owner while
    using model_owner), or MANAGE GRANTS."""
    role = account_level(tree.this, "role")
    if role in roles(session):
        return
    if has_privilege(session, "ACCOUNT", ("ACCOUNT",), ("MANAGE GRANTS",)):
        return
    held = held_privileges(session, "ROLE", (role,))
    if held is None or "OWNERSHIP" in held:
        return
    raise denied(f"grant role {role}", session.where(tree.this))


def check(tree: exp.Expr, session: Session) -> None:
    """Refuse the statement unless the session's role holds what RULES ask for."""
    if is_admin(session):
        return
    if isinstance(tree, exp.Grant | exp.Revoke):
        _check_grant(tree, session)
        return
    keys = _statement_keys(tree)
    if keys & {"CreateModel", "AlterModel"} and isinstance(tree.args.get("location"), exp.Expr):
        # FROM '<path>' copies host files into the store: only the administrator may do that
        raise denied(
            "create a model version from a path on the server (only ACCOUNTADMIN may; log"
            " models through the Registry API or copy one with FROM MODEL)",
            session.where(tree.args["location"]),
        )
    if keys & {"GrantRole", "RevokeRole"}:
        _check_grant_role(tree, session)
        return
    for rule in RULES:
        if rule.statement not in keys or not rule.when(tree):
            continue
        if rule.kind == "ACCOUNT":
            if not has_privilege(session, "ACCOUNT", ("ACCOUNT",), rule.privileges):
                raise denied(f"{rule.what} the account", session.where(tree))
            continue
        name = rule.name(tree)
        key = object_key(session, rule.kind, name)
        require(
            session, rule.kind, key, rule.privileges, rule.what, name if name is not None else tree
        )


# --- SHOW output: only what the role can see -----------------------------------------------------

# SHOW kind -> (securable kind, the columns that spell an object's key, in key order)
SHOW_VISIBILITY: dict[str, tuple[str, tuple[str, ...]]] = {
    "MODELS": ("MODEL", ("database_name", "schema_name", "name")),
    "COMPUTE POOLS": ("COMPUTE POOL", ("name",)),
    "IMAGE REPOSITORIES": ("IMAGE REPOSITORY", ("database_name", "schema_name", "name")),
    "INTEGRATIONS": ("INTEGRATION", ("name",)),
    "EXTERNAL ACCESS INTEGRATIONS": ("INTEGRATION", ("name",)),
    "NETWORK RULES": ("NETWORK RULE", ("database_name", "schema_name", "name")),
    "SECRETS": ("SECRET", ("database_name", "schema_name", "name")),
    "DATABASES": ("DATABASE", ("name",)),
    "SCHEMAS": ("SCHEMA", ("database_name", "name")),
    "SERVICES": ("SERVICE", ("database_name", "schema_name", "name")),
    "TABLES": ("TABLE", ("database_name", "schema_name", "name")),
    "VIEWS": ("VIEW", ("database_name", "schema_name", "name")),
    # tables and views together: each row's own `kind` column says which
    "OBJECTS": ("", ("database_name", "schema_name", "name")),
}


# SHOW statements parsed into nodes of their own -> their SHOW kind
SHOW_NODES: dict[str, str] = {"ShowServices": "SERVICES"}


def visible_rows(tree: exp.Expr, session: Session, table: t.Any) -> t.Any:
    """Drop the rows of a SHOW result naming objects the role holds no privilege on."""
    if isinstance(tree, exp.Show):
        shown = tree.name.upper()
    else:
        shown = SHOW_NODES.get(type(tree).__name__, "")
    if not shown or is_admin(session):
        return table
    spec = SHOW_VISIBILITY.get(shown)
    if spec is None:
        return table
    kind, columns = spec
    if not set(columns) <= set(table.column_names):
        return table
    keys = zip(*(table.column(c).to_pylist() for c in columns), strict=True)
    kinds = table.column("kind").to_pylist() if not kind else [kind] * table.num_rows
    keep = [
        bool(held_privileges(session, k, tuple(key))) for k, key in zip(kinds, keys, strict=True)
    ]
    import pyarrow as pa

    return table.filter(pa.array(keep, pa.bool_()))


# --- plain SQL: privileges on tables and views ------------------------------------------------


def _relation_kind(session: Session, key: tuple[str, ...]) -> str | None:
    for kind in ("TABLE", "VIEW"):
        securable = _securable(kind)
        if securable.locator.find(session, securable.scope, key, None) is not None:
            return kind
    return None


def _targets(tree: exp.Expr) -> dict[int, str]:
    """id(table node) -> the privilege the statement needs on it (reads need SELECT)."""
    needs: dict[int, str] = {}
    target = tree.this
    if isinstance(target, exp.Schema):  # INSERT INTO t (cols) / CREATE TABLE t (cols)
        target = target.this
    if isinstance(tree, exp.Insert | exp.Update | exp.Delete | exp.Merge | exp.TruncateTable):
        verb = {
            exp.Insert: "INSERT",
            exp.Update: "UPDATE",
            exp.Delete: "DELETE",
            exp.Merge: "UPDATE",
            exp.TruncateTable: "TRUNCATE",
        }[type(tree)]
        for node in [target, *(tree.expressions if isinstance(tree, exp.TruncateTable) else [])]:
            if isinstance(node, exp.Table):
                needs[id(node)] = verb
    if isinstance(tree, exp.Drop | exp.Alter):
        for node in tree.args.get("tables") or [tree.this]:
            if isinstance(node, exp.Table):
                needs[id(node)] = "OWNERSHIP"
    return needs


_VERBS = {
    "SELECT": "select from",
    "INSERT": "insert into",
    "UPDATE": "update",
    "DELETE": "delete from",
    "TRUNCATE": "truncate",
    "OWNERSHIP": "drop or alter",
}


def check_plain(tree: exp.Expr, session: Session) -> None:
    """Plain SQL: SELECT on what a statement reads, INSERT/UPDATE/DELETE/TRUNCATE on what it
    writes, OWNERSHIP to drop or alter, CREATE TABLE / CREATE VIEW on the schema to create.
    Tables and views belong to their database's owner (as SHOW TABLES reports them)."""
    if is_admin(session):
        return
    if isinstance(tree, exp.Create):
        kind = str(tree.args.get("kind") or "").upper()
        target = tree.this.this if isinstance(tree.this, exp.Schema) else tree.this
        if kind in ("TABLE", "VIEW") and isinstance(target, exp.Table):
            schema = _schema_of(exp.Create(this=target))
            key = object_key(session, "SCHEMA", schema)
            require(session, "SCHEMA", key, (f"CREATE {kind}",), f"create a {kind.lower()} in")
    needs = _targets(tree)
    ctes = {cte.alias_or_name.upper() for cte in tree.find_all(exp.CTE)}
    created = None
    if isinstance(tree, exp.Create):
        created = tree.this.this if isinstance(tree.this, exp.Schema) else tree.this
    for table in tree.find_all(exp.Table):
        if table is created or not isinstance(table.this, exp.Identifier):
            continue  # the table being created, or a table function (checked elsewhere)
        if not table.args.get("db") and table.name.upper() in ctes:
            continue
        try:
            name = qualified(session, table)
        except SqlgateError:
            continue
        key = (name.database, name.schema, name.name)
        kind = _relation_kind(session, key)
        if kind is None:
            continue  # unknown names are DuckDB's to report
        privilege = needs.get(id(table), "SELECT")
        verb = _VERBS[privilege]
        require(session, kind, key, (privilege,), verb, table)

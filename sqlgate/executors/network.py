"""Egress objects in the catalog: network rules, external access integrations and secrets.

sqlgate's image builds need no network (wheels are resolved on the host, see DESIGN §7), so these
objects are desired state that the Docker and Ray executors will consult; what matters now is
that they are validated and related as Snowflake relates them: an integration names existing
EGRESS rules and secrets, and neither can be dropped while an integration lists it.
https://docs.snowflake.com/en/sql-reference/sql/create-network-rule,
.../create-external-access-integration and .../create-secret
"""

from __future__ import annotations

import ipaddress
import json
import re
import typing as t

from sqlglot import exp
from sqlglot.errors import ParseError

from sqlgate.errors import InvalidValue, ObjectExists, ObjectInUse, ObjectNotFound
from sqlgate.executors.common import (
    already_exists,
    created,
    dropped,
    show_filter,
    skipped_drop,
)
from sqlgate.executors.registry import executes
from sqlgate.executors.schema_objects import (
    Kind,
    create_object,
    drop_object,
    get_object,
    insert,
    rows_in_scope,
)
from sqlgate.gateway.names import account_level, qualified, target
from sqlgate.gateway.result import BOOL, INT, TEXT, TIMESTAMP, Result, table
from sqlgate.grammar import options as opt
from sqlgate.grammar.statements.network import (
    CreateExternalAccessIntegration,
    CreateNetworkRule,
    CreateSecret,
)

if t.TYPE_CHECKING:
    from sqlgate.gateway.catalog import Cursor
    from sqlgate.gateway.session import Session

RULE = "Network rule"
INTEGRATION = "Integration"
SECRET = "Secret"
RULES = Kind(RULE, "network_rules", "NETWORK RULE")
SECRETS = Kind(SECRET, "secrets", "SECRET")

RULE_TYPES = ("IPV4", "AWSVPCEID", "AZURELINKID", "GCPPSCID", "HOST_PORT", "PRIVATE_HOST_PORT")
RULE_MODES = ("INGRESS", "INTERNAL_STAGE", "EGRESS")
EGRESS_ONLY_TYPES = ("HOST_PORT", "PRIVATE_HOST_PORT")
DEFAULT_MODE = "INGRESS"
# The options each secret type takes besides TYPE and COMMENT, all of them required.
SECRET_FIELDS = {"GENERIC_STRING": ("SECRET_STRING",), "PASSWORD": ("USERNAME", "PASSWORD")}

# https://docs.snowflake.com/en/sql-reference/sql/show-network-rules
SHOW_RULE_COLUMNS = [
    ("created_on", TIMESTAMP),
    ("name", TEXT),
    ("database_name", TEXT),
    ("schema_name", TEXT),
    ("owner", TEXT),
    ("comment", TEXT),
    ("type", TEXT),
    ("mode", TEXT),
    ("entries_in_valuelist", INT),
    ("owner_role_type", TEXT),
]
# https://docs.snowflake.com/en/sql-reference/sql/desc-network-rule
DESCRIBE_RULE_COLUMNS = [*SHOW_RULE_COLUMNS[:8], ("value_list", TEXT)]
# https://docs.snowflake.com/en/sql-reference/sql/show-integrations
SHOW_INTEGRATION_COLUMNS = [
    ("name", TEXT),
    ("type", TEXT),
    ("category", TEXT),
    ("enabled", BOOL),
    ("comment", TEXT),
    ("created_on", TIMESTAMP),
]
# https://docs.snowflake.com/en/sql-reference/sql/desc-integration
DESCRIBE_INTEGRATION_COLUMNS = [
    ("property", TEXT),
    ("property_type", TEXT),
    ("property_value", TEXT),
    ("property_default", TEXT),
]
# https://docs.snowflake.com/en/sql-reference/sql/show-secrets
SHOW_SECRET_COLUMNS = [
    ("created_on", TIMESTAMP),
    ("name", TEXT),
    ("schema_name", TEXT),
    ("database_name", TEXT),
    ("owner", TEXT),
    ("comment", TEXT),
    ("secret_type", TEXT),
    ("oauth_scopes", TEXT),
    ("owner_role_type", TEXT),
]
# https://docs.snowflake.com/en/sql-reference/sql/desc-secret
DESCRIBE_SECRET_COLUMNS = [
    ("created_on", TIMESTAMP),
    ("name", TEXT),
    ("schema_name", TEXT),
    ("database_name", TEXT),
    ("owner", TEXT),
    ("comment", TEXT),
    ("secret_type", TEXT),
    ("username", TEXT),
    ("oauth_access_token_expiry_time", TIMESTAMP),
    ("oauth_refresh_token_expiry_time", TIMESTAMP),
    ("oauth_scopes", TEXT),
    ("integration_name", TEXT),
]
# Secret columns that may leave the catalog: never secret_string or password.
SECRET_PUBLIC_COLUMNS = (
    "database_name, schema_name, name, type, username, owner, comment, created_on"
)


# --- shared ---------------------------------------------------------------------------------------
def _word(session: Session, node: exp.Expr, key: str, kinds: t.Sequence[str]) -> str:
    """A keyword-valued option (TYPE = host_port or = 'HOST_PORT'), upper-cased and checked."""
    value = opt.option_dict(node.expressions)[key]
    word = str(opt.to_py(value)).upper()
    if word not in kinds:
        raise InvalidValue(
            f"Unknown {key} '{opt.to_py(value)}'; expected one of {', '.join(kinds)}",
            session.where(value),
        )
    return word


def _list(node: exp.Expr, key: str) -> list[exp.Expr] | None:
    value = opt.option_dict(node.expressions).get(key)
    return None if value is None else list(value.expressions)


def _keyword(item: exp.Expr, words: t.Sequence[str]) -> str | None:
    """ALL / NONE written as a bare word in a name list (a quoted "ALL" is an object's name)."""
    if isinstance(item, exp.Table) and not item.args.get("db") and not item.args.get("catalog"):
        this = item.this
        if isinstance(this, exp.Identifier) and not this.quoted and this.name.upper() in words:
            return this.name.upper()
    return None


def _start(item: exp.Expr) -> exp.Expr:
    """The first-written part of a name (session.where would point at its last part)."""
    parts = [i for i in item.find_all(exp.Identifier) if i.meta.get("start") is not None]
    return min(parts, key=lambda i: i.meta["start"], default=item)


def _as_name(session: Session, item: exp.Expr) -> exp.Expr:
    """Name lists take names or strings ('db.s.rule'); a string is read as a name."""
    node = item
    if isinstance(item, exp.Literal) and item.is_string:
        try:
            node = exp.to_table(item.name, dialect="sqlgate")
        except ParseError:
            node = None
    if node is None or (isinstance(node, exp.Table) and isinstance(node.this, exp.Dot)):
        shown = item.name if isinstance(item, exp.Literal) else item.sql("sqlgate")
        raise InvalidValue(f"'{shown}' is not a valid object name", session.where(_start(item)))
    return node


def _listed_by(session: Session, column: str, name: str, cur: Cursor) -> str | None:
    """'integration X' or 'integrations X, Y' whose `column` list names `name`; None if none."""
    rows = session.catalog.rows(f"SELECT name, {column} AS listed FROM integrations", (), cur)
    users = sorted(r["name"] for r in rows if name in json.loads(r["listed"]))
    if not users:
        return None
    return ("integration " if len(users) == 1 else "integrations ") + ", ".join(users)


# --- network rules --------------------------------------------------------------------------------
_HOST_LABEL = re.compile(r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)")


def _host_port_problem(value: str) -> str | None:
    """Why `value` is not host or host:port (a leading `*.` wildcard allowed), or None."""
    host, colon, port = value.partition(":")
    port_ok = port.isascii() and port.isdigit() and 1 <= int(port) <= 65535
    if colon and not port_ok:
        return "the port must be a number from 1 to 65535"
    labels = host.removeprefix("*.").split(".")
    if len(host) > 253 or not all(_HOST_LABEL.fullmatch(label) for label in labels):
        return "expected host or host:port"
    return None


def _ipv4_problem(value: str) -> str | None:
    _, slash, prefix = value.partition("/")
    if slash and not (prefix.isascii() and prefix.isdigit()):
        return "expected an IPv4 address or a CIDR range such as 10.0.0.0/8"
    try:
        ipaddress.IPv4Network(value, strict=False)
    except ValueError:
        return "expected an IPv4 address or a CIDR range such as 10.0.0.0/8"
    return None


def _value_list(session: Session, node: CreateNetworkRule, rule_type: str) -> list[str]:
    items = _list(node, "VALUE_LIST")
    if items is None:
        raise InvalidValue("CREATE NETWORK RULE requires VALUE_LIST", session.where(node.this))
    values: list[str] = []
    for item in items:
        if not (isinstance(item, exp.Literal) and item.is_string):
            raise InvalidValue(
                f"VALUE_LIST entries must be strings, got {item.sql('sqlgate')}",
                session.where(item),
            )
        value = item.name
        problem = "an entry must not be empty" if not value.strip() else None
        if problem is None and rule_type in ("HOST_PORT", "PRIVATE_HOST_PORT"):
            problem = _host_port_problem(value)
        elif problem is None and rule_type == "IPV4":
            problem = _ipv4_problem(value)
        if problem:
            raise InvalidValue(
                f"Invalid VALUE_LIST entry '{value}' for TYPE = {rule_type}: {problem}",
                session.where(item),
            )
        values.append(value)
    return values


@executes(CreateNetworkRule)
def create_rule(node: CreateNetworkRule, session: Session) -> Result:
    name = qualified(session, node.this)
    given = opt.option_dict(node.expressions)
    if "TYPE" not in given:
        raise InvalidValue("CREATE NETWORK RULE requires TYPE", session.where(node.this))
    rule_type = _word(session, node, "TYPE", RULE_TYPES)
    mode = _word(session, node, "MODE", RULE_MODES) if "MODE" in given else DEFAULT_MODE
    if rule_type in EGRESS_ONLY_TYPES and mode != "EGRESS":
        raise InvalidValue(
            f"TYPE = {rule_type} requires MODE = EGRESS, got MODE = {mode}"
            + ("" if "MODE" in given else " (the default)"),
            session.where(given.get("MODE", node.this)),
        )
    rule = {
        "database_name": name.database,
        "schema_name": name.schema,
        "name": name.name,
        "type": rule_type,
        "mode": mode,
        "value_list": json.dumps(_value_list(session, node, rule_type)),
        "owner": session.role,
        "comment": opt.to_py(given.get("COMMENT")),
    }

    def still_egress(cur: Cursor) -> None:
        # integrations refer to rules by name: the replacement must still be one they allow
        users = _listed_by(session, "allowed_network_rules", str(name), cur)
        if users and mode != "EGRESS":
            raise ObjectInUse(
                f"Network rule '{name}' must stay MODE = EGRESS: it is listed by {users}",
                session.where(given.get("MODE", node.this)),
            )

    return create_object(session, node, RULES, rule, before_replace=still_egress)


def _require_rule(session: Session, node: exp.Expr) -> dict:
    name = qualified(session, node)
    rule = get_object(session, "network_rules", name)
    if rule is None:
        raise ObjectNotFound(RULE, str(name), session.where(node))
    return rule


def _rule_rows(rows: list[dict]) -> list[dict]:
    for row in rows:
        values = json.loads(row["value_list"])
        row.update(
            entries_in_valuelist=len(values),
            value_list=",".join(values),
            owner_role_type="ROLE",
        )
    return rows


@executes(("SHOW", "NETWORK RULES"))
def show_rules(node: exp.Show, session: Session) -> Result:
    rows = _rule_rows(rows_in_scope(session, node, "network_rules", "*"))
    return Result(table(SHOW_RULE_COLUMNS, show_filter(rows, node)))


@executes(("DESCRIBE", "NETWORK RULE"))
def describe_rule(node: exp.Describe, session: Session) -> Result:
    rule = _require_rule(session, node.this)
    return Result(table(DESCRIBE_RULE_COLUMNS, _rule_rows([rule])))


@executes(("DROP", "NETWORK RULE"))
def drop_rule(node: exp.Drop, session: Session) -> Result:
    return drop_object(
        session,
        node,
        RULES,
        used_by=lambda cur, name: _listed_by(session, "allowed_network_rules", str(name), cur),
    )


# --- external access integrations -----------------------------------------------------------------
def _allowed_rules(
    session: Session, node: CreateExternalAccessIntegration, cur: Cursor
) -> list[str]:
    items = _list(node, "ALLOWED_NETWORK_RULES")
    if items is None:
        raise InvalidValue(
            "CREATE EXTERNAL ACCESS INTEGRATION requires ALLOWED_NETWORK_RULES",
            session.where(node.this),
        )
    if not items:
        raise InvalidValue(
            "ALLOWED_NETWORK_RULES must name at least one network rule", session.where(node.this)
        )
    names: list[str] = []
    for item in items:
        name = qualified(session, _as_name(session, item))
        rule = get_object(session, "network_rules", name, cur)
        if rule is None:
            raise ObjectNotFound(RULE, str(name), session.where(item))
        if rule["mode"] != "EGRESS":
            raise InvalidValue(
                f"Network rule '{name}' has MODE = {rule['mode']}; an external access"
                " integration allows only MODE = EGRESS rules",
                session.where(item),
            )
        if str(name) not in names:
            names.append(str(name))
    return names


def _sole_keyword(
    session: Session, items: list[exp.Expr], key: str, keywords: tuple[str, ...]
) -> str | None:
    """ALL / NONE must stand alone in a list option; the word given, or None for names."""
    words = [_keyword(item, keywords) for item in items]
    if not any(words):
        return None
    if len(items) > 1:
        raise InvalidValue(
            f"{' or '.join(keywords)} must be the only entry of {key}",
            session.where(next(i for i, w in zip(items, words, strict=True) if w)),
        )
    return words[0]


def _allowed_secrets(
    session: Session, node: CreateExternalAccessIntegration, cur: Cursor
) -> list[str]:
    """Fully qualified secret names, or ["ALL"]: a one-part name cannot clash with them."""
    items = _list(node, "ALLOWED_AUTHENTICATION_SECRETS") or []
    word = _sole_keyword(session, items, "ALLOWED_AUTHENTICATION_SECRETS", ("ALL", "NONE"))
    if word is not None:
        return ["ALL"] if word == "ALL" else []
    names: list[str] = []
    for item in items:
        name = qualified(session, _as_name(session, item))
        if get_object(session, "secrets", name, cur) is None:
            raise ObjectNotFound(SECRET, str(name), session.where(item))
        if str(name) not in names:
            names.append(str(name))
    return names


def _allowed_api_integrations(
    session: Session, node: CreateExternalAccessIntegration, cur: Cursor
) -> list[str]:
    items = _list(node, "ALLOWED_API_AUTHENTICATION_INTEGRATIONS") or []
    if _sole_keyword(session, items, "ALLOWED_API_AUTHENTICATION_INTEGRATIONS", ("NONE",)):
        return []
    names: list[str] = []
    for item in items:
        ref = _as_name(session, item)
        if isinstance(ref, exp.Table) and (ref.args.get("db") or ref.args.get("catalog")):
            raise InvalidValue(
                f"Integrations are account-level objects; '{ref.sql('sqlgate')}' cannot be"
                " qualified with a database or schema",
                session.where(_start(item)),
            )
        name = account_level(ref, "integration")
        if _get_integration(session, name, cur) is None:
            raise ObjectNotFound(INTEGRATION, name, session.where(item))
        if name not in names:
            names.append(name)
    return names


def _get_integration(session: Session, name: str, cur: Cursor | None = None) -> dict | None:
    return session.catalog.one("SELECT * FROM integrations WHERE name = ?", [name], cur)


@executes(CreateExternalAccessIntegration)
def create_integration(node: CreateExternalAccessIntegration, session: Session) -> Result:
    name = account_level(node.this, "integration")
    given = opt.option_dict(node.expressions)
    if "ENABLED" not in given:
        raise InvalidValue(
            "CREATE EXTERNAL ACCESS INTEGRATION requires ENABLED", session.where(node.this)
        )
    with session.catalog.write() as cur:
        if _get_integration(session, name, cur) is not None:
            if node.args.get("exists"):
                return Result.status(already_exists(name))
            if not node.args.get("replace"):
                raise ObjectExists(INTEGRATION, name, session.where(node.this))
            # deleted first, so the replacement cannot list the integration it replaces
            cur.execute("DELETE FROM integrations WHERE name = ?", [name])
        integration = {
            "name": name,
            "type": "EXTERNAL_ACCESS",
            "category": "SECURITY",
            "enabled": opt.to_py(given["ENABLED"]),
            "allowed_network_rules": json.dumps(_allowed_rules(session, node, cur)),
            "allowed_api_authentication_integrations": json.dumps(
                _allowed_api_integrations(session, node, cur)
            ),
            "allowed_authentication_secrets": json.dumps(_allowed_secrets(session, node, cur)),
            "owner": session.role,
            "comment": opt.to_py(given.get("COMMENT")),
        }
        insert(cur, "integrations", integration)
    return Result.status(created(INTEGRATION, name))


def _integrations(session: Session, external_access_only: bool) -> list[dict]:
    return session.catalog.rows(
        "SELECT * FROM integrations WHERE NOT ? OR type = 'EXTERNAL_ACCESS'",
        [external_access_only],
    )


@executes(("SHOW", "EXTERNAL ACCESS INTEGRATIONS"))
def show_external_access_integrations(node: exp.Show, session: Session) -> Result:
    rows = _integrations(session, external_access_only=True)
    return Result(table(SHOW_INTEGRATION_COLUMNS, show_filter(rows, node)))


@executes(("SHOW", "INTEGRATIONS"))
def show_integrations(node: exp.Show, session: Session) -> Result:
    rows = _integrations(session, external_access_only=False)
    return Result(table(SHOW_INTEGRATION_COLUMNS, show_filter(rows, node)))


@executes(("DESCRIBE", "EXTERNAL ACCESS INTEGRATION"), ("DESCRIBE", "INTEGRATION"))
def describe_integration(node: exp.Describe, session: Session) -> Result:
    name = account_level(node.this, "integration")
    integration = _get_integration(session, name)
    if integration is None or (
        node.args.get("kind") == "EXTERNAL ACCESS INTEGRATION"
        and integration["type"] != "EXTERNAL_ACCESS"
    ):
        raise ObjectNotFound(INTEGRATION, name, session.where(node.this))

    def listed(column: str) -> str:
        return ",".join(json.loads(integration[column]))

    rows = [
        ("ENABLED", "Boolean", str(integration["enabled"]).lower(), "false"),
        ("ALLOWED_NETWORK_RULES", "List", listed("allowed_network_rules"), "[]"),
        (
            "ALLOWED_API_AUTHENTICATION_INTEGRATIONS",
            "List",
            listed("allowed_api_authentication_integrations"),
            "[]",
        ),
        (
            "ALLOWED_AUTHENTICATION_SECRETS",
            "List",
            listed("allowed_authentication_secrets"),
            "[]",
        ),
        ("COMMENT", "String", integration["comment"], None),
    ]
    return Result(table(DESCRIBE_INTEGRATION_COLUMNS, rows))


@executes(("DROP", "EXTERNAL ACCESS INTEGRATION"), ("DROP", "INTEGRATION"))
def drop_integration(node: exp.Drop, session: Session) -> Result:
    name = account_level(target(node), "integration")
    with session.catalog.write() as cur:
        integration = _get_integration(session, name, cur)
        if integration is None or (
            node.args.get("kind") == "EXTERNAL ACCESS INTEGRATION"
            and integration["type"] != "EXTERNAL_ACCESS"
        ):
            if node.args.get("exists"):
                return Result.status(skipped_drop(name))
            raise ObjectNotFound(INTEGRATION, name, session.where(target(node)))
        users = _listed_by(session, "allowed_api_authentication_integrations", name, cur)
        if users:
            raise ObjectInUse(
                f"Integration '{name}' cannot be dropped: it is listed by {users}",
                session.where(target(node)),
            )
        cur.execute("DELETE FROM integrations WHERE name = ?", [name])
    return Result.status(dropped(name))


# --- secrets --------------------------------------------------------------------------------------
# Error messages below name options, never their values: a value may be the secret itself.
@executes(CreateSecret)
def create_secret(node: CreateSecret, session: Session) -> Result:
    name = qualified(session, node.this)
    given = opt.option_dict(node.expressions)
    if "TYPE" not in given:
        raise InvalidValue("CREATE SECRET requires TYPE", session.where(node.this))
    secret_type = _word(session, node, "TYPE", tuple(SECRET_FIELDS))
    fields = SECRET_FIELDS[secret_type]
    for key, value in given.items():
        if key not in ("TYPE", "COMMENT", *fields):
            raise InvalidValue(
                f"{key} is not valid for a secret of TYPE = {secret_type}"
                f" (it takes {' and '.join(fields)})",
                session.where(value),
            )
    missing = [field for field in fields if field not in given]
    if missing:
        raise InvalidValue(
            f"A secret of TYPE = {secret_type} requires {' and '.join(fields)}"
            f" (missing {', '.join(missing)})",
            session.where(node.this),
        )
    secret = {
        "database_name": name.database,
        "schema_name": name.schema,
        "name": name.name,
        "type": secret_type,
        **{field.lower(): opt.to_py(given[field]) for field in fields},
        "owner": session.role,
        "comment": opt.to_py(given.get("COMMENT")),
    }
    return create_object(session, node, SECRETS, secret)


def _secret_rows(rows: list[dict]) -> list[dict]:
    for row in rows:
        row.update(secret_type=row["type"], oauth_scopes=None, owner_role_type="ROLE")
    return rows


@executes(("SHOW", "SECRETS"))
def show_secrets(node: exp.Show, session: Session) -> Result:
    rows = _secret_rows(rows_in_scope(session, node, "secrets", SECRET_PUBLIC_COLUMNS))
    return Result(table(SHOW_SECRET_COLUMNS, show_filter(rows, node)))


@executes(("DESCRIBE", "SECRET"))
def describe_secret(node: exp.Describe, session: Session) -> Result:
    name = qualified(session, node.this)
    secret = session.catalog.one(
        f"SELECT {SECRET_PUBLIC_COLUMNS} FROM secrets"
        " WHERE database_name = ? AND schema_name = ? AND name = ?",
        [name.database, name.schema, name.name],
    )
    if secret is None:
        raise ObjectNotFound(SECRET, str(name), session.where(node.this))
    return Result(table(DESCRIBE_SECRET_COLUMNS, _secret_rows([secret])))


@executes(("DROP", "SECRET"))
def drop_secret(node: exp.Drop, session: Session) -> Result:
    return drop_object(
        session,
        node,
        SECRETS,
        used_by=lambda cur, name: _listed_by(
            session, "allowed_authentication_secrets", str(name), cur
        ),
    )

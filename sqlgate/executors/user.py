"""Users and programmatic access tokens in the catalog.
https://docs.snowflake.com/en/sql-reference/sql/create-user, .../alter-user, .../drop-user,
.../show-users, .../desc-user, .../alter-user-add-programmatic-access-token,
.../show-user-programmatic-access-tokens.

A password or token secret never reaches the catalog in clear, and no output shows one except
the token secret ALTER USER ... ADD PROGRAMMATIC ACCESS TOKEN returns, once.
"""

from __future__ import annotations

import datetime as dt
import typing as t

from sqlglot import exp

from sqlgate.errors import InvalidValue, ObjectExists, ObjectInUse, ObjectNotFound
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
from sqlgate.gateway import access, identity
from sqlgate.gateway.names import account_level, target
from sqlgate.gateway.result import TEXT, TIMESTAMP, Result, now, table
from sqlgate.grammar.statements.user import AlterUser, CreateUser, ShowUserTokens

if t.TYPE_CHECKING:
    from sqlgate.gateway.catalog import Cursor
    from sqlgate.gateway.session import Session

# https://docs.snowflake.com/en/sql-reference/sql/show-users (the columns that mean something here)
SHOW_USERS_COLUMNS = [
    ("name", TEXT),
    ("created_on", TIMESTAMP),
    ("login_name", TEXT),
    ("display_name", TEXT),
    ("first_name", TEXT),
    ("last_name", TEXT),
    ("email", TEXT),
    ("comment", TEXT),
    ("disabled", TEXT),
    ("must_change_password", TEXT),
    ("default_warehouse", TEXT),
    ("default_namespace", TEXT),
    ("default_role", TEXT),
    ("owner", TEXT),
    ("last_success_login", TIMESTAMP),
    ("expires_at_time", TIMESTAMP),
    ("has_password", TEXT),
    ("type", TEXT),
    ("has_pat", TEXT),
]
DESCRIBE_COLUMNS = [("property", TEXT), ("value", TEXT), ("default", TEXT), ("description", TEXT)]
TOKENS_COLUMNS = [
    ("name", TEXT),
    ("user_name", TEXT),
    ("role_restriction", TEXT),
    ("expires_at", TIMESTAMP),
    ("status", TEXT),
    ("comment", TEXT),
    ("created_on", TIMESTAMP),
    ("created_by", TEXT),
]
ADD_TOKEN_COLUMNS = [("token_name", TEXT), ("token_secret", TEXT)]

# option -> catalog column (PASSWORD is hashed into password_hash)
_COLUMNS = {
    "LOGIN_NAME": "login_name",
    "DISPLAY_NAME": "display_name",
    "FIRST_NAME": "first_name",
    "MIDDLE_NAME": "middle_name",
    "LAST_NAME": "last_name",
    "EMAIL": "email",
    "MUST_CHANGE_PASSWORD": "must_change_password",
    "DISABLED": "disabled",
    "DAYS_TO_EXPIRY": "days_to_expiry",
    "DEFAULT_ROLE": "default_role",
    "DEFAULT_NAMESPACE": "default_namespace",
    "DEFAULT_WAREHOUSE": "default_warehouse",
    "TYPE": "type",
    "COMMENT": "comment",
}
_DEFAULTS = {"must_change_password": False, "disabled": False}
_USER_TYPES = ("PERSON", "SERVICE", "LEGACY_SERVICE", "NULL")


def get_user(session: Session, name: str, cur: Cursor | None = None) -> dict | None:
    return session.catalog.one("SELECT * FROM users WHERE name = ?", [name], cur)


def require_user(session: Session, node: exp.Expr, cur: Cursor | None = None) -> str:
    name = account_level(node, "user")
    if get_user(session, name, cur) is None:
        raise ObjectNotFound("User", name, session.where(node))
    return name


def _columns(session: Session, node: exp.Expr, given: dict[str, t.Any]) -> dict[str, t.Any]:
    """Options -> column values, checked (an unknown DEFAULT_ROLE is accepted as Snowflake does,
    but a bad TYPE or expiry is not)."""
    values: dict[str, t.Any] = {}
    for key, value in given.items():
        if key == "PASSWORD":
            if not value:
                raise InvalidValue("PASSWORD cannot be empty", session.where(node))
            values["password_hash"] = identity.hash_password(value)
            continue
        column = _COLUMNS[key]
        if key in ("DEFAULT_ROLE", "DEFAULT_WAREHOUSE", "LOGIN_NAME"):
            value = value.upper() if isinstance(value, str) and value.isidentifier() else value
        if key == "TYPE":
            value = str(value).upper()
            if value not in _USER_TYPES:
                raise InvalidValue(f"TYPE must be one of {', '.join(_USER_TYPES)}")
            value = None if value == "NULL" else value
        if key == "DAYS_TO_EXPIRY":
            if value < 0:
                raise InvalidValue("DAYS_TO_EXPIRY must not be negative")
            values["expires_at"] = now() + dt.timedelta(days=value) if value else None
            value = value or None
        values[column] = value
    return values


def _may_manage(session: Session, user: dict) -> bool:
    return access.is_admin(session) or user["owner"] in access.roles(session)


def _require_manageable(session: Session, node: exp.Expr, cur: Cursor | None = None) -> dict:
    name = require_user(session, node, cur)
    user = t.cast(dict, get_user(session, name, cur))
    if name != session.user and not _may_manage(session, user):
        raise access.denied(f"operate on user {name}", session.where(node))
    return user


@executes(CreateUser)
def create_user(node: CreateUser, session: Session) -> Result:
    access.require_account_privilege(session, "CREATE USER", node)
    name = account_level(node.this, "user")
    values = _columns(session, node, options(node))
    values.setdefault("login_name", name)
    if node.args.get("exists") and node.args.get("replace"):
        raise InvalidValue("OR REPLACE and IF NOT EXISTS are incompatible.", session.where(node))
    with session.catalog.write() as cur:
        if get_user(session, name, cur) is not None:
            if node.args.get("exists"):
                return Result.status(already_exists(name))
            if not node.args.get("replace"):
                raise ObjectExists("User", name, session.where(node.this))
            _remove_user(cur, name)
        clash = session.catalog.one(
            "SELECT name FROM users WHERE upper(login_name) = upper(?)", [values["login_name"]], cur
        )
        if clash is not None:
            raise ObjectExists("User with login name", values["login_name"], session.where(node))
        row = {**_DEFAULTS, **values, "name": name, "owner": session.role}
        columns = ", ".join(row)
        cur.execute(
            f"INSERT INTO users ({columns}) VALUES ({', '.join('?' * len(row))})",
            list(row.values()),
        )
    return Result.status(created("User", name))


def _remove_user(cur: Cursor, name: str) -> None:
    cur.execute("DELETE FROM user_tokens WHERE user_name = ?", [name])
    cur.execute("DELETE FROM role_grants WHERE grantee_kind = 'USER' AND grantee = ?", [name])
    cur.execute("DELETE FROM users WHERE name = ?", [name])


@executes(("DROP", "USER"))
def drop_user(node: exp.Drop, session: Session) -> Result:
    name = account_level(target(node), "user")
    with session.catalog.write() as cur:
        user = get_user(session, name, cur)
        if user is None:
            if node.args.get("exists"):
                return Result.status(skipped_drop(name))
            raise ObjectNotFound("User", name, session.where(target(node)))
        if not _may_manage(session, user):
            raise access.denied(f"drop user {name}", session.where(target(node)))
        if name == session.user:
            raise ObjectInUse(f"Cannot drop user {name}: it is the current user")
        _remove_user(cur, name)
    return Result.status(dropped(name))


# Properties a user may change on itself without owning its user object.
_SELF_SERVICE = {"PASSWORD", "DEFAULT_ROLE", "DEFAULT_NAMESPACE", "DEFAULT_WAREHOUSE"}


@executes(AlterUser)
def alter_user(node: AlterUser, session: Session) -> Result:
    name = account_level(node.this, "user")
    if get_user(session, name) is None and node.args.get("exists"):
        return Result.status(DONE)
    action = node.args["action"]
    if action == "ADD TOKEN":
        return _add_token(node, session)
    with session.catalog.write() as cur:
        user = _require_manageable(session, node.this, cur)
        owner_only = action == "RENAME" or (
            action == "SET" and not set(options(node)) <= _SELF_SERVICE
        )
        if owner_only and not _may_manage(session, user):
            raise access.denied(f"alter user {name}", session.where(node.this))
        if action == "REMOVE TOKEN":
            token = account_level(node.args["token"], "token")
            removed = cur.execute(
                "DELETE FROM user_tokens WHERE user_name = ? AND name = ? RETURNING name",
                [name, token],
            ).fetchall()
            if not removed:
                raise ObjectNotFound("Programmatic access token", token, session.where(node))
        elif action == "RENAME":
            new = account_level(node.args["to"], "user")
            if get_user(session, new, cur) is not None:
                raise ObjectExists("User", new, session.where(node.args["to"]))
            cur.execute("UPDATE users SET name = ? WHERE name = ?", [new, name])
            cur.execute("UPDATE user_tokens SET user_name = ? WHERE user_name = ?", [new, name])
            cur.execute(
                "UPDATE role_grants SET grantee = ? WHERE grantee_kind = 'USER' AND grantee = ?",
                [new, name],
            )
        elif node.args.get("tags") is not None:
            raise InvalidValue("ALTER USER does not support tags: sqlgate keeps none on users")
        else:
            if action == "SET":
                values = _columns(session, node, options(node))
            else:
                values = {}
                for unset in node.args["unset"]:
                    key = unset.name.upper()
                    if key == "PASSWORD":
                        values["password_hash"] = None
                        continue
                    if key == "DAYS_TO_EXPIRY":
                        values["expires_at"] = None
                    column = _COLUMNS[key]
                    values[column] = _DEFAULTS.get(column)
            if "login_name" in values:
                clash = session.catalog.one(
                    "SELECT name FROM users WHERE upper(login_name) = upper(?) AND name <> ?",
                    [values["login_name"], name],
                    cur,
                )
                if clash is not None:
                    raise ObjectExists("User with login name", values["login_name"])
            assignments = ", ".join(f"{column} = ?" for column in values)
            cur.execute(f"UPDATE users SET {assignments} WHERE name = ?", [*values.values(), name])
    return Result.status(DONE)


def _add_token(node: AlterUser, session: Session) -> Result:
    given = options(node)
    days = given.get("DAYS_TO_EXPIRY", identity.TOKEN_DEFAULT_DAYS)
    if not 1 <= days <= identity.TOKEN_MAX_DAYS:
        raise InvalidValue(
            f"DAYS_TO_EXPIRY must be between 1 and {identity.TOKEN_MAX_DAYS}", session.where(node)
        )
    with session.catalog.write() as cur:
        user = _require_manageable(session, node.this, cur)
        token = account_level(node.args["token"], "token")
        restriction = given.get("ROLE_RESTRICTION")
        if restriction is not None:
            restriction = restriction.upper() if restriction.isidentifier() else restriction
            if restriction not in access.user_roles(session, user["name"], cur):
                raise InvalidValue(
                    f"ROLE_RESTRICTION {restriction} is not a role granted to user {user['name']}",
                    session.where(node),
                )
        exists = session.catalog.one(
            "SELECT 1 AS found FROM user_tokens WHERE user_name = ? AND name = ?",
            [user["name"], token],
            cur,
        )
        if exists is not None:
            raise ObjectExists("Programmatic access token", token, session.where(node))
        token_id, secret, stored = identity.new_token()
        cur.execute(
            "INSERT INTO user_tokens (user_name, name, token_id, secret_hash, role_restriction,"
            " expires_at, comment, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                user["name"],
                token,
                token_id,
                stored,
                restriction,
                now() + dt.timedelta(days=days),
                given.get("COMMENT"),
                session.user,
            ],
        )
    return Result(table(ADD_TOKEN_COLUMNS, [(token, secret)]))


@executes(ShowUserTokens)
def show_tokens(node: ShowUserTokens, session: Session) -> Result:
    if node.this is not None:
        name = _require_manageable(session, node.this)["name"]
    else:
        name = session.user
    rows = session.catalog.rows(
        "SELECT name, user_name, role_restriction, expires_at, comment, created_on, created_by,"
        " CASE WHEN expires_at > now() THEN 'ACTIVE' ELSE 'EXPIRED' END AS status"
        " FROM user_tokens WHERE user_name = ? ORDER BY name",
        [name],
    )
    return Result(table(TOKENS_COLUMNS, rows))


def _flag(value: bool | None) -> str:
    return "true" if value else "false"


def _show_row(user: dict, with_tokens: set[str]) -> dict:
    return {
        **user,
        "disabled": _flag(user["disabled"]),
        "must_change_password": _flag(user["must_change_password"]),
        "expires_at_time": user["expires_at"],
        "has_password": _flag(user["password_hash"] is not None),
        "has_pat": _flag(user["name"] in with_tokens),
    }


def _visible_users(session: Session) -> list[dict]:
    users = session.catalog.rows("SELECT * FROM users")
    if access.is_admin(session):
        return users
    held = access.roles(session)
    return [u for u in users if u["name"] == session.user or u["owner"] in held]


@executes(("SHOW", "USERS"))
def show_users(node: exp.Show, session: Session) -> Result:
    with_tokens = {
        r["user_name"] for r in session.catalog.rows("SELECT DISTINCT user_name FROM user_tokens")
    }
    rows = [_show_row(u, with_tokens) for u in _visible_users(session)]
    return Result(table(SHOW_USERS_COLUMNS, show_filter(rows, node)))


@executes(("DESCRIBE", "USER"))
def describe_user(node: exp.Describe, session: Session) -> Result:
    user = _require_manageable(session, node.this)
    row = _show_row(user, set())
    properties = [
        ("NAME", row["name"], None, "Name"),
        ("COMMENT", row["comment"], None, "user comment associated to an object in the dictionary"),
        ("LOGIN_NAME", row["login_name"], None, "Login name of the user"),
        ("DISPLAY_NAME", row["display_name"], None, "Display name of the associated object"),
        ("FIRST_NAME", row["first_name"], None, "First name of the user"),
        ("MIDDLE_NAME", row["middle_name"], None, "Middle name of the user"),
        ("LAST_NAME", row["last_name"], None, "Last name of the user"),
        ("EMAIL", row["email"], None, "Email address of the user"),
        ("PASSWORD", "********" if user["password_hash"] else None, None, "Password of the user"),
        (
            "MUST_CHANGE_PASSWORD",
            row["must_change_password"],
            "false",
            "User must change the password",
        ),
        ("DISABLED", row["disabled"], "false", "Whether the user is disabled"),
        (
            "DAYS_TO_EXPIRY",
            _text(user["days_to_expiry"]),
            None,
            "User record will be treated as expired after specified number of days",
        ),
        ("DEFAULT_WAREHOUSE", row["default_warehouse"], None, "Default warehouse for this user"),
        (
            "DEFAULT_NAMESPACE",
            row["default_namespace"],
            None,
            "Default database namespace prefix for this user",
        ),
        (
            "DEFAULT_ROLE",
            row["default_role"],
            None,
            "Primary principal of user session will be set to this role",
        ),
        ("TYPE", row["type"], None, "Type of the user"),
        (
            "EXPIRES_AT_TIME",
            _text(user["expires_at"]),
            None,
            "The date and time when the user record will be treated as expired",
        ),
        (
            "LAST_SUCCESS_LOGIN",
            _text(user["last_success_login"]),
            None,
            "Date and time when the user last logged in",
        ),
    ]
    return Result(table(DESCRIBE_COLUMNS, properties))


def _text(value: t.Any) -> str | None:
    return None if value is None else str(value)

"""Who is connecting: password and programmatic-access-token hashing, the first administrator, and
authentication. Secrets are never stored or logged; every comparison is constant-time.

Passwords use scrypt (memory-hard, for low-entropy secrets). Token secrets carry 256 random bits,
so a salted PBKDF2 with few iterations is enough and keeps per-request authentication cheap.
A token reads `sqgpat_<id>_<secret>`: the id finds the row, the whole string is what is hashed.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import os
import secrets
import sys
import typing as t
from dataclasses import dataclass

from sqlgate.errors import SqlgateError

if t.TYPE_CHECKING:
    from sqlgate.gateway.catalog import Catalog, Cursor

ADMIN_USER = "ADMIN"
ADMIN_PASSWORD_ENV = "SQLGATE_ADMIN_PASSWORD"
TOKEN_PREFIX = "sqgpat_"
# Snowflake: PATs expire after 15 days unless DAYS_TO_EXPIRY says otherwise (1 to 365).
TOKEN_DEFAULT_DAYS = 15
TOKEN_MAX_DAYS = 365
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}
_PBKDF2_ITERATIONS = 10_000


class AuthenticationError(SqlgateError):
    """Snowflake's answer to any failed login, saying nothing about which part was wrong."""

    sqlstate = "08001"
    errno = 390100

    def __init__(self, message: str = "Incorrect username or password was specified.") -> None:
        super().__init__(message)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def hash_password(password: str) -> str:
    salt = os.urandom(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, dklen=32, **_SCRYPT)
    return f"scrypt${_SCRYPT['n']}${_SCRYPT['r']}${_SCRYPT['p']}${_b64(salt)}${_b64(digest)}"


def check_password(password: str, stored: str | None) -> bool:
    """Constant-time check; with no stored hash it still spends the same work."""
    if not stored:
        hash_password(password)
        return False
    _, n, r, p, salt, digest = stored.split("$")
    candidate = hashlib.scrypt(
        password.encode(), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p), dklen=32
    )
    return hmac.compare_digest(candidate, base64.b64decode(digest))


def _hash_token(secret: str, salt: bytes, iterations: int = _PBKDF2_ITERATIONS) -> str:
    digest = hashlib.pbkdf2_hmac("sha256", secret.encode(), salt, iterations)
    return f"pbkdf2${iterations}${_b64(salt)}${_b64(digest)}"


def new_token() -> tuple[str, str, str]:
    """(token id, the secret shown once, its stored hash)."""
    token_id = secrets.token_hex(8)
    secret = f"{TOKEN_PREFIX}{token_id}_{secrets.token_urlsafe(32)}"
    return token_id, secret, _hash_token(secret, os.urandom(16))


# SHA-256 of a secret -> the stored hash it was checked against. Every bearer request (the SQL
# API, service ingress) presents its token again, and PBKDF2 costs milliseconds each time: a
# secret already checked against the same stored hash is not checked again. The token's row is
# still read on every request, so removal and expiry take effect at once.
_CHECKED: dict[bytes, str] = {}
_CHECKED_MAX = 10_000


def _check_token(secret: str, stored: str) -> bool:
    fingerprint = hashlib.sha256(secret.encode()).digest()
    if _CHECKED.get(fingerprint) == stored:
        return True
    _, iterations, salt, _digest = stored.split("$")
    candidate = _hash_token(secret, base64.b64decode(salt), int(iterations))
    if not hmac.compare_digest(candidate.encode(), stored.encode()):
        return False
    if len(_CHECKED) >= _CHECKED_MAX:
        _CHECKED.clear()
    _CHECKED[fingerprint] = stored
    return True


def token_id_of(secret: str) -> str | None:
    if not secret.startswith(TOKEN_PREFIX):
        return None
    token_id, sep, rest = secret[len(TOKEN_PREFIX) :].partition("_")
    return token_id if sep and rest and len(token_id) == 16 else None


def looks_like_token(secret: str) -> bool:
    return token_id_of(secret) is not None


# --- the first administrator ----------------------------------------------------------------


def bootstrap_admin(cur: Cursor, admin_role: str) -> None:
    """A fresh catalog gets one user, ADMIN, holding `admin_role`, with $SQLGATE_ADMIN_PASSWORD
    as its password when set. Without it ADMIN has no password until `sqlgate serve` first
    starts (the embedded REPL needs none): see ensure_admin_password."""
    if cur.execute("SELECT 1 FROM users LIMIT 1").fetchall():
        return
    password = os.environ.get(ADMIN_PASSWORD_ENV)
    cur.execute(
        "INSERT INTO users (name, login_name, password_hash, default_role, owner, comment)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        [
            ADMIN_USER,
            ADMIN_USER,
            hash_password(password) if password else None,
            admin_role,
            admin_role,
            "created with the data directory",
        ],
    )
    cur.execute(
        "INSERT INTO role_grants (role_name, grantee_kind, grantee, granted_by)"
        " VALUES (?, 'USER', ?, ?) ON CONFLICT DO NOTHING",
        [admin_role, ADMIN_USER, admin_role],
    )


def ensure_admin_password(catalog: Catalog) -> None:
    """Before the server first accepts logins: an ADMIN without a password gets
    $SQLGATE_ADMIN_PASSWORD, or a generated one printed once to stderr (never stored in clear)."""
    with catalog.write() as cur:
        row = cur.execute("SELECT password_hash FROM users WHERE name = ?", [ADMIN_USER]).fetchone()
        if row is None or row[0] is not None:
            return
        password = os.environ.get(ADMIN_PASSWORD_ENV) or secrets.token_urlsafe(18)
        cur.execute(
            "UPDATE users SET password_hash = ? WHERE name = ?",
            [hash_password(password), ADMIN_USER],
        )
    if not os.environ.get(ADMIN_PASSWORD_ENV):
        print(
            f"sqlgate: user ADMIN's password is {password}\n"
            f"sqlgate: it is shown only now; set {ADMIN_PASSWORD_ENV} before the first start"
            " to choose it, or change it with ALTER USER admin SET PASSWORD = '...'",
            file=sys.stderr,
            flush=True,
        )


# --- authentication -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Identity:
    user: str
    default_role: str | None
    role_restriction: str | None = None  # a token limited to one role
    default_namespace: str | None = None
    token_id: str | None = None  # set when a programmatic access token logged in


def _usable(user: dict | None) -> bool:
    if user is None or user["disabled"]:
        return False
    expires = user["expires_at"]
    return expires is None or expires > dt.datetime.now(dt.UTC)


def _identity(
    user: dict, role_restriction: str | None = None, token_id: str | None = None
) -> Identity:
    return Identity(
        user["name"], user["default_role"], role_restriction, user["default_namespace"], token_id
    )


def login_password(catalog: Catalog, login_name: str, password: str) -> Identity:
    user = catalog.one("SELECT * FROM users WHERE upper(login_name) = upper(?)", [login_name])
    ok = check_password(password, user["password_hash"] if user else None)
    if not ok or not _usable(user):
        raise AuthenticationError()
    return _identity(t.cast(dict, user))


def login_token(catalog: Catalog, secret: str, login_name: str | None = None) -> Identity:
    """A programmatic access token, alone (bearer) or with the user it must belong to."""
    token_id = token_id_of(secret)
    row = (
        catalog.one("SELECT * FROM user_tokens WHERE token_id = ?", [token_id])
        if token_id
        else None
    )
    ok = _check_token(secret, row["secret_hash"]) if row else False
    if not ok or row is None:
        raise AuthenticationError("Programmatic access token is invalid.")
    if row["expires_at"] <= dt.datetime.now(dt.UTC):
        raise AuthenticationError("Programmatic access token has expired.")
    user = catalog.one("SELECT * FROM users WHERE name = ?", [row["user_name"]])
    if login_name is not None and (
        user is None or user["login_name"].upper() != login_name.upper()
    ):
        raise AuthenticationError("Programmatic access token is invalid.")
    if not _usable(user):
        raise AuthenticationError()
    return _identity(t.cast(dict, user), row["role_restriction"], row["token_id"])


def login(catalog: Catalog, login_name: str | None, secret: str) -> Identity:
    """Password or token: a token may stand in for a password, as in Snowflake."""
    if looks_like_token(secret):
        return login_token(catalog, secret, login_name)
    if not login_name:
        raise AuthenticationError()
    return login_password(catalog, login_name, secret)

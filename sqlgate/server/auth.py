"""Who is calling: logins (password or programmatic access token), the server's session tokens,
and the gateway Session each remote session runs in, as its user's role.

Session tokens are random, live only in this process's memory, and expire when idle; the
catalog keeps users and PATs (hashed). Failed logins are counted per client address, and a
client that fails too often is refused for a while (429) before any password work is done.
"""

from __future__ import annotations

import secrets
import threading
import time
import typing as t
import uuid
from collections import OrderedDict, deque
from dataclasses import dataclass, field

from fastapi import HTTPException, Request

from sqlgate.errors import SqlgateError
from sqlgate.gateway import access, identity
from sqlgate.gateway.engine import DEFAULT_DATABASE, DEFAULT_SCHEMA, Engine
from sqlgate.gateway.identity import AuthenticationError, Identity
from sqlgate.gateway.session import Session

SESSION_IDLE_SECONDS = 4 * 3600
MAX_FAILURES = 20  # per client address per window
FAILURE_WINDOW_SECONDS = 60.0
LOGIN_RECORD_S = 60.0  # how often a user's last_success_login is written, at most


class RoleNotGranted(SqlgateError):
    sqlstate = "28000"
    errno = 390189


@dataclass
class RemoteSession:
    token: str
    master_token: str
    identity: Identity
    session: Session
    id: int
    lock: threading.Lock = field(default_factory=threading.Lock)
    last_used: float = field(default_factory=time.monotonic)
    # query id -> result, newest last, for get_results_from_sfqid and async polling
    results: OrderedDict[str, t.Any] = field(default_factory=OrderedDict)
    # query id -> the statement still running (or finished but not yet asked for)
    running: dict[str, t.Any] = field(default_factory=dict)


def open_session(
    engine: Engine,
    who: Identity,
    *,
    role: str | None = None,
    database: str | None = None,
    schema: str | None = None,
) -> Session:
    """A gateway Session for `who`: the role asked for (if the user may use it), else the token's
    role restriction, else the user's default role, else PUBLIC."""
    session = Session(
        engine,
        role=access.PUBLIC_ROLE,
        user=who.user,
        role_restriction=who.role_restriction,
        database=None,
        schema=None,
    )
    wanted = role.upper() if role and role.isidentifier() else role
    candidates = [wanted] if wanted else [who.role_restriction, who.default_role]
    for candidate in candidates:
        if candidate and access.may_use_role(session, candidate):
            session.role = candidate
            break
    else:
        if wanted:
            session.close()
            raise RoleNotGranted(
                f"Role '{wanted}' specified in the connect string is not granted to this user."
            )
    namespace = (who.default_namespace or "").split(".")
    database = database or (namespace[0] if namespace[0] else DEFAULT_DATABASE)
    schema = schema or (namespace[1] if len(namespace) > 1 else DEFAULT_SCHEMA)
    if engine.catalog.one("SELECT 1 AS x FROM databases WHERE name = ?", [_fold(database)]):
        session.database = _fold(database)
        if engine.catalog.one(
            "SELECT 1 AS x FROM schemas WHERE database_name = ? AND name = ?",
            [session.database, _fold(schema)],
        ):
            session.schema = _fold(schema)
        session.sync_current_schema()
    return session


def _fold(name: str) -> str:
    """Connect-string names follow identifier rules: unquoted fold to upper case."""
    if len(name) > 1 and name.startswith('"') and name.endswith('"'):
        return name[1:-1]
    return name.upper()


class Throttle:
    """Failed logins per client address in a sliding window."""

    def __init__(self, max_failures: int = MAX_FAILURES) -> None:
        self.max_failures = max_failures
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, client: str) -> deque[float]:
        now = time.monotonic()
        failures = self._failures.setdefault(client, deque())
        while failures and now - failures[0] > FAILURE_WINDOW_SECONDS:
            failures.popleft()
        return failures

    def check(self, client: str) -> None:
        with self._lock:
            if len(self._recent(client)) >= self.max_failures:
                raise HTTPException(
                    429,
                    "Too many failed logins from this address; try again in a minute.",
                    headers={"Retry-After": str(int(FAILURE_WINDOW_SECONDS))},
                )

    def failed(self, client: str) -> None:
        with self._lock:
            self._recent(client).append(time.monotonic())


class Sessions:
    """The server's remote sessions, keyed by session token."""

    def __init__(self, engine: Engine, max_login_failures: int = MAX_FAILURES) -> None:
        self.engine = engine
        self.throttle = Throttle(max_login_failures)
        self._by_token: dict[str, RemoteSession] = {}
        self._by_master: dict[str, RemoteSession] = {}
        self._lock = threading.Lock()
        self._ids = iter(range(1, 2**62))
        self._login_recorded: dict[str, float] = {}  # user -> when last_success_login was set

    def authenticate(self, client: str, login_name: str | None, secret: str) -> Identity:
        self.throttle.check(client)
        try:
            who = identity.login(self.engine.catalog, login_name, secret)
        except AuthenticationError:
            self.throttle.failed(client)
            raise
        # recorded once a minute at most: a bearer request is a login, and the catalog's one
        # writer lock per request would serialize every SQL API and ingress call
        now = time.monotonic()
        if now - self._login_recorded.get(who.user, -LOGIN_RECORD_S) >= LOGIN_RECORD_S:
            self._login_recorded[who.user] = now
            with self.engine.catalog.write() as cur:
                cur.execute(
                    "UPDATE users SET last_success_login = now() WHERE name = ?", [who.user]
                )
        return who

    def create(self, who: Identity, **where: str | None) -> RemoteSession:
        session = open_session(self.engine, who, **where)
        remote = RemoteSession(
            token=secrets.token_urlsafe(32),
            master_token=secrets.token_urlsafe(32),
            identity=who,
            session=session,
            id=next(self._ids),
        )
        with self._lock:
            self._expire()
            self._by_token[remote.token] = remote
            self._by_master[remote.master_token] = remote
        return remote

    def _expire(self) -> None:
        now = time.monotonic()
        for token, remote in list(self._by_token.items()):
            if now - remote.last_used > SESSION_IDLE_SECONDS:
                self._drop(token, remote)

    def _drop(self, token: str, remote: RemoteSession) -> None:
        self._by_token.pop(token, None)
        self._by_master.pop(remote.master_token, None)
        remote.session.close()

    def get(self, token: str) -> RemoteSession | None:
        with self._lock:
            remote = self._by_token.get(token)
            if remote is None:
                return None
            if not self._user_still_valid(remote):
                self._drop(token, remote)
                return None
            remote.last_used = time.monotonic()
            return remote

    def _user_still_valid(self, remote: RemoteSession) -> bool:
        """A dropped or disabled user's sessions, and those of a removed or expired token, end
        at their next request."""
        who = remote.identity
        row = self.engine.catalog.one("SELECT disabled FROM users WHERE name = ?", [who.user])
        if row is None or row["disabled"]:
            return False
        if who.token_id is None:
            return True
        # a session a token opened ends when the token is removed or expires
        token = self.engine.catalog.one(
            "SELECT 1 AS live FROM user_tokens WHERE token_id = ? AND expires_at > now()",
            [who.token_id],
        )
        return token is not None

    def still_valid(self, remote: RemoteSession) -> bool:
        with self._lock:
            if self._by_token.get(remote.token) is not remote:
                return False
            if not self._user_still_valid(remote):
                self._drop(remote.token, remote)
                return False
            return True

    def by_master(self, master: str) -> RemoteSession | None:
        with self._lock:
            return self._by_master.get(master)

    def renew(self, remote: RemoteSession) -> RemoteSession:
        with self._lock:
            self._by_token.pop(remote.token, None)
            remote.token = secrets.token_urlsafe(32)
            self._by_token[remote.token] = remote
        return remote

    def close(self, token: str) -> None:
        with self._lock:
            remote = self._by_token.get(token)
            if remote is not None:
                self._drop(token, remote)

    def close_all(self) -> None:
        with self._lock:
            for token, remote in list(self._by_token.items()):
                self._drop(token, remote)


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def snowflake_token(request: Request) -> str | None:
    """`Authorization: Snowflake Token="..."`, as the connectors send it."""
    header = request.headers.get("authorization", "")
    prefix = 'Snowflake Token="'
    if header.startswith(prefix) and header.endswith('"'):
        return header[len(prefix) : -1]
    return None


def bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def new_query_id() -> str:
    return str(uuid.uuid4())


def token_identity(request: Request) -> Identity:
    """The auth dependency of token-authenticated routes (the SQL API; service ingress too):
    `Authorization: Bearer <programmatic access token>`, checked on every request, so a removed
    token stops working at once."""
    token = bearer(request)
    if token is None:
        raise HTTPException(
            401,
            "Send a programmatic access token: Authorization: Bearer <token>"
            " (create one with ALTER USER ... ADD PROGRAMMATIC ACCESS TOKEN).",
            headers={"WWW-Authenticate": "Bearer"},
        )
    if not identity.looks_like_token(token):
        raise HTTPException(
            401, "Programmatic access token is invalid.", headers={"WWW-Authenticate": "Bearer"}
        )
    sessions: Sessions = request.app.state.sessions
    try:
        return sessions.authenticate(client_address(request), None, token)
    except AuthenticationError as e:
        raise HTTPException(401, e.message, headers={"WWW-Authenticate": "Bearer"}) from None

"""Tokens and logins (reliability.md T24): wrong, truncated, expired, revoked and other users'
tokens are refused on every door; secrets never appear in the catalog, SHOW output or errors;
repeated failures are throttled; and every route but the public few demands credentials."""

from __future__ import annotations

import datetime as dt
import hmac
import inspect

import pytest
import requests
from snowflake.connector import DatabaseError

from sqlgate.gateway import identity
from sqlgate.server.app import PUBLIC_ROUTES
from tests.server.conftest import Server, make_user, sql_api


def _refused_everywhere(server, user: str, secret: str) -> None:
    r = sql_api(server, secret, {"statement": "SELECT 1"})
    assert r.status_code == 401, r.text
    with pytest.raises(DatabaseError) as e:
        server.connect(user=user, password=secret)
    assert e.value.errno == 390100


def test_revoked_token_is_refused_at_once(server, admin):
    secret = make_user(server, "rev")
    assert sql_api(server, secret, {"statement": "SELECT 1"}).status_code == 200
    opened = server.connect(user="rev", password=secret)  # a session the token opened
    name = admin.cursor().execute("SHOW USER PROGRAMMATIC ACCESS TOKENS FOR USER rev").fetchall()
    admin.cursor().execute(f"ALTER USER rev REMOVE PROGRAMMATIC ACCESS TOKEN {name[0][0]}")
    _refused_everywhere(server, "rev", secret)
    with pytest.raises(DatabaseError):  # ends with the token
        opened.cursor().execute("SELECT 1")


def test_expired_token_is_refused(server):
    secret = make_user(server, "old")
    with server.engine.catalog.write() as cur:  # the clock moves on 16 days
        cur.execute(
            "UPDATE user_tokens SET expires_at = ? WHERE user_name = 'OLD'",
            [dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)],
        )
    r = sql_api(server, secret, {"statement": "SELECT 1"})
    assert r.status_code == 401 and "expired" in r.json()["message"]
    with pytest.raises(DatabaseError, match="expired"):
        server.connect(user="old", password=secret)


def test_other_users_token_and_truncations(server):
    secret = make_user(server, "own")
    make_user(server, "someone")
    with pytest.raises(DatabaseError):
        server.connect(user="someone", password=secret)
    for bad in (secret[:-1], secret[:20], secret.upper(), secret + "a"):
        _refused_everywhere(server, "own", bad)


def test_disabled_user_loses_its_session(server, admin):
    make_user(server, "gone", password="gone-pw")
    conn = server.connect(user="gone", password="gone-pw")
    conn.cursor().execute("SELECT 1")
    admin.cursor().execute("ALTER USER gone SET DISABLED = TRUE")
    with pytest.raises(DatabaseError):
        conn.cursor().execute("SELECT 1")
    with pytest.raises(DatabaseError):
        server.connect(user="gone", password="gone-pw")


def test_secrets_never_stored_or_shown(server, admin):
    secret = make_user(server, "quiet", password="quiet-password-1")
    cur = admin.cursor()
    shown = str(cur.execute("SHOW USER PROGRAMMATIC ACCESS TOKENS FOR USER quiet").fetchall())
    shown += str(cur.execute("SHOW USERS").fetchall())
    shown += str(cur.execute("DESCRIBE USER quiet").fetchall())
    assert secret not in shown and "quiet-password-1" not in shown
    catalog = server.engine.catalog
    dump = ""
    for table in ("users", "user_tokens"):
        dump += str(catalog.rows(f"SELECT * FROM {table}"))
    assert secret not in dump and "quiet-password-1" not in dump
    assert secret.split("_", 2)[2] not in dump  # the random part may itself hold "_"
    # and user SQL cannot read the catalog's tables at all
    with pytest.raises(Exception, match="USER_TOKENS"):
        cur.execute("SELECT * FROM user_tokens")


def test_comparisons_are_constant_time():
    for function in (identity.check_password, identity._check_token):
        assert "compare_digest" in inspect.getsource(function)
    assert hmac.compare_digest  # the stdlib primitive used


def test_repeated_failures_are_throttled(tmp_path):
    srv = Server(tmp_path / "home", max_login_failures=5)
    try:
        codes = [
            sql_api(srv, "sqgpat_0123456789abcdef_x", {"statement": "SELECT 1"}).status_code
            for _ in range(7)
        ]
        assert codes[:5] == [401] * 5
        assert codes[5:] == [429, 429]
        r = sql_api(srv, "sqgpat_0123456789abcdef_x", {"statement": "SELECT 1"})
        assert r.headers["Retry-After"] == "60"
    finally:
        srv.stop()


def test_every_route_demands_credentials(server):
    """MLflow PR #21708's lesson: enumerate the routes; any not public must refuse an anonymous
    caller (401, or the connector protocol's 'session expired')."""
    spec = requests.get(f"{server.url}/openapi.json").json()
    checked = 0
    for path, methods in spec["paths"].items():
        if path in PUBLIC_ROUTES:
            continue
        url = server.url + path.replace("{handle}", "x").replace("{query_id}", "x")
        for method in methods:
            r = requests.request(method, url, json={})
            checked += 1
            if r.status_code == 200:
                body = r.json()
                assert body["success"] is False and body["code"] == "390112", (method, path)
            else:
                assert r.status_code == 401, (method, path, r.status_code)
    assert checked >= 10


@pytest.mark.parametrize(
    "data",
    [3.2e-273, ["admin"], "admin", None, {"LOGIN_NAME": 5, "PASSWORD": "x"}],
    ids=["number", "list", "string", "null", "numeric-login-name"],
)
def test_malformed_login_bodies_are_refused_not_crashed(server, data):
    # found by the schemathesis run: `"data": <not an object>` answered 500
    r = requests.post(f"{server.url}/session/v1/login-request", json={"data": data}, timeout=30)
    assert r.status_code == 200, r.text
    answer = r.json()
    assert answer["success"] is False and answer["code"] == "390100"
    assert "LOGIN_NAME" in answer["message"] or "password" in answer["message"]

"""sqlgate's own remote client: `sqlgate.connect(url=..., user=..., token=...)` (PEP 249, qmark)
and `sqlgate --url ...`, the REPL's front-end for a server, against the real server."""

from __future__ import annotations

import datetime as dt
import decimal
import os
import subprocess
import sys

import pytest

import sqlgate
from tests.server.conftest import make_user


def test_pep249_over_http(server, admin):
    secret = make_user(server, "py_user")
    admin.cursor().execute("GRANT USAGE ON MODEL linear TO ROLE py_user_role")
    with sqlgate.connect(url=server.url, user="py_user", token=secret) as conn:
        cur = conn.cursor()
        row = cur.execute(
            "SELECT ? AS i, ? AS s, ? AS d, ? AS f, ? AS b, 1.50::NUMBER(5,2) AS n",
            (7, "x'; --", dt.date(2024, 5, 6), 2.5, True),
        ).fetchone()
        assert row == (7, "x'; --", dt.date(2024, 5, 6), 2.5, True, decimal.Decimal("1.50"))
        assert [d[0] for d in cur.description] == ["I", "S", "D", "F", "B", "N"]
        assert cur.execute("SELECT CURRENT_ROLE()").fetchone() == ("PY_USER_ROLE",)
        out = cur.execute("SELECT linear!predict(1.0, 2.0):output_feature_0::DOUBLE").fetchone()
        assert round(out[0], 6) == 3.0
        with pytest.raises(sqlgate.dbapi.ProgrammingError, match="Insufficient privileges"):
            cur.execute("DROP MODEL linear")
        assert cur.fetch_arrow_table() is not None


def test_bad_credentials(server):
    with pytest.raises(sqlgate.dbapi.Error, match="Incorrect username or password"):
        sqlgate.connect(url=server.url, user="admin", password="nope")
    with pytest.raises(sqlgate.dbapi.Error, match="token is invalid"):
        sqlgate.connect(url=server.url, user="admin", token="sqgpat_0123456789abcdef_x")


@pytest.mark.slow
def test_cli_url(server):
    secret = make_user(server, "cli_user")
    env = {**os.environ, "SQLGATE_TOKEN": secret}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "sqlgate",
            "--url",
            server.url,
            "--user",
            "cli_user",
            "-c",
            "SELECT CURRENT_ROLE() AS r",
            "-c",
            "SELECT * FROM nowhere",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert "CLI_USER_ROLE" in done.stdout
    assert "NOWHERE" in done.stderr and "LINE 1: SELECT * FROM nowhere" in done.stderr
    assert secret not in done.stdout + done.stderr

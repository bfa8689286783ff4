"""User SQL cannot reach host files, the data directory, the catalog's own tables or the network
through DuckDB (reliability.md T22), from every front-end: the embedded session (what the REPL
and sqlgate.connect() use), and over HTTP through the Snowflake connector and the SQL API."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from snowflake.connector import ProgrammingError

import sqlgate
from sqlgate.errors import SqlgateError

OUTSIDE = Path("/tmp") / f"sqlgate-sandbox-{os.getpid()}"

CORPUS = [
    "SELECT * FROM read_csv('/etc/passwd')",
    "SELECT * FROM read_csv_auto('../catalog.duckdb')",
    "SELECT * FROM read_text('/etc/hostname')",
    "SELECT * FROM read_blob('/etc/hostname')",
    "SELECT * FROM read_json('/etc/passwd')",
    "SELECT * FROM read_parquet('http://127.0.0.1:9/x.parquet')",
    "SELECT * FROM parquet_metadata('/etc/passwd')",
    "SELECT * FROM sniff_csv('/etc/passwd')",
    "SELECT * FROM '/etc/passwd'",
    "SELECT * FROM 'https://127.0.0.1:9/x.csv'",
    "SELECT * FROM glob('/*')",
    "SELECT * FROM query('SELECT 42')",
    "SELECT getenv('HOME')",
    "SELECT current_setting('enable_external_access')",
    "SELECT * FROM duckdb_settings()",
    "SELECT * FROM duckdb_databases()",
    "SELECT * FROM duckdb_secrets()",
    "SELECT * FROM which_secret('s3://x', 's3')",
    f"COPY (SELECT 1) TO '{OUTSIDE}.csv'",
    "COPY t FROM '/etc/passwd'",
    f"EXPORT DATABASE '{OUTSIDE}'",
    f"ATTACH '{OUTSIDE}.duckdb' AS x",
    "DETACH SQLGATE",
    "INSTALL httpfs",
    "LOAD httpfs",
    "SET enable_external_access = true",
    "SET lock_configuration = false",
    "PRAGMA database_list",
    "CALL pragma_version()",
    "CHECKPOINT",
    "SELECT * FROM users",
    "SELECT * FROM user_tokens",
    "SELECT * FROM grants",
    "CREATE TABLE stolen AS SELECT * FROM read_csv('/etc/passwd')",
    "CREATE VIEW peek AS SELECT * FROM read_text('/etc/passwd')",
    "SELECT 1; SELECT * FROM read_csv('/etc/passwd')",
]


def _fingerprint(catalog, home: Path) -> tuple[str, set[str]]:
    tables = ("users", "user_tokens", "grants", "role_grants", "models", "databases")
    rows = [str(catalog.rows(f"SELECT * FROM {table} ORDER BY ALL")) for table in tables]
    files = {str(p) for p in home.rglob("*")} | {
        str(p) for p in Path("/tmp").glob(f"{OUTSIDE.name}*")
    }
    return hashlib.sha256("".join(rows).encode()).hexdigest(), files


@pytest.fixture(scope="module")
def embedded(tmp_path_factory):
    home = tmp_path_factory.mktemp("sandbox")
    with sqlgate.connect(home) as conn:
        conn.session.execute("CREATE TABLE t (a VARCHAR)")
        yield conn, home


@pytest.mark.parametrize("sql", CORPUS)
def test_embedded_refuses(embedded, sql):
    conn, home = embedded
    before = _fingerprint(conn.session.catalog, home)
    with pytest.raises(SqlgateError):  # the session the REPL runs statements in
        conn.session.execute(sql)
    with pytest.raises(sqlgate.dbapi.Error):  # PEP 249
        conn.cursor().execute(sql)
    assert _fingerprint(conn.session.catalog, home) == before


@pytest.mark.parametrize("sql", CORPUS)
def test_connector_refuses(server, admin, sql):
    admin.cursor().execute("CREATE TABLE IF NOT EXISTS t (a VARCHAR)")
    home = server.engine.home
    before = _fingerprint(server.engine.catalog, home)
    with pytest.raises(ProgrammingError):
        admin.cursor().execute(sql)
    assert _fingerprint(server.engine.catalog, home) == before


def test_sql_api_refuses(server):
    from tests.server.conftest import make_user, sql_api

    token = make_user(server, "sandboxed")
    for sql in CORPUS:
        r = sql_api(server, token, {"statement": sql})
        assert r.status_code == 422, (sql, r.status_code, r.text)
    assert not list(Path("/tmp").glob(f"{OUTSIDE.name}*"))

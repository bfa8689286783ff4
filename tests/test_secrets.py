"""A secret's value (SECRET_STRING, PASSWORD) never leaves the catalog: not through SHOW, DESCRIBE,
status messages, errors, the integrations that list the secret, nor plain SQL."""

from __future__ import annotations

import pytest

from sqlgate.dbapi import Connection
from sqlgate.errors import SqlgateError
from sqlgate.gateway.result import Result
from sqlgate.gateway.session import Session

GENERIC = "gs-7f3a9c-never-shown"
PASSWORD = "pw-41d2be-never-shown"
REPLACED = "gs-replaced-8e01-never-shown"
VALUES = (GENERIC, PASSWORD, REPLACED)

SETUP = f"""
CREATE DATABASE vault;
CREATE SCHEMA vault.keys;
CREATE SECRET vault.keys.api_key TYPE = GENERIC_STRING SECRET_STRING = '{GENERIC}' COMMENT = 'api';
CREATE SECRET vault.keys.login TYPE = PASSWORD USERNAME = 'builder' PASSWORD = '{PASSWORD}';
CREATE SECRET vault.keys.raw TYPE = GENERIC_STRING SECRET_STRING = $${GENERIC}$$;
CREATE NETWORK RULE vault.keys.egress TYPE = HOST_PORT MODE = EGRESS VALUE_LIST = ('example.com');
CREATE EXTERNAL ACCESS INTEGRATION keyed
    ALLOWED_NETWORK_RULES = (vault.keys.egress)
    ALLOWED_AUTHENTICATION_SECRETS = (vault.keys.api_key, vault.keys.login)
    ENABLED = TRUE;
"""

READS = [
    "SHOW SECRETS",
    "SHOW SECRETS IN ACCOUNT",
    "SHOW SECRETS IN DATABASE vault",
    "SHOW SECRETS IN SCHEMA vault.keys",
    "SHOW SECRETS LIKE '%' IN ACCOUNT",
    "DESCRIBE SECRET vault.keys.api_key",
    "DESC SECRET vault.keys.login",
    "DESCRIBE SECRET vault.keys.raw",
    "SHOW INTEGRATIONS",
    "SHOW EXTERNAL ACCESS INTEGRATIONS",
    "DESCRIBE INTEGRATION keyed",
    "DESCRIBE EXTERNAL ACCESS INTEGRATION keyed",
]

# Statements that fail; their error messages must not echo the value either.
FAILING = [
    f"CREATE SECRET vault.keys.api_key TYPE = GENERIC_STRING SECRET_STRING = '{GENERIC}'",
    f"CREATE SECRET vault.keys.bad TYPE = GENERIC_STRING SECRET_STRING = '{GENERIC}'"
    " USERNAME = 'u'",
    f"CREATE SECRET vault.keys.bad TYPE = PASSWORD PASSWORD = '{PASSWORD}'",
    f"CREATE SECRET vault.keys.bad TYPE = PASSWORD USERNAME = 'u' PASSWORD = '{PASSWORD}'"
    f" SECRET_STRING = '{GENERIC}'",
    f"CREATE SECRET vault.keys.bad TYPE = OAUTH2 SECRET_STRING = '{GENERIC}'",
    f"CREATE SECRET vault.keys.bad SECRET_STRING = '{GENERIC}'",
    f"CREATE SECRET vault.nope.bad TYPE = GENERIC_STRING SECRET_STRING = '{GENERIC}'",
    "DROP SECRET vault.keys.login",  # listed by an integration
    "SELECT * FROM secrets",  # the catalog is not reachable from user SQL
    "SELECT * FROM vault.keys.secrets",
]


def _text(result: Result) -> str:
    """Every column name and cell of a result, as one string."""
    cells = [str(v) for column in result.table.columns for v in column.to_pylist()]
    return "\n".join([*result.table.column_names, *cells])


def _assert_hidden(text: str) -> None:
    for value in VALUES:
        assert value not in text


@pytest.fixture
def vault(session: Session) -> Session:
    for result in session.execute(SETUP):
        _assert_hidden(_text(result))
    return session


@pytest.mark.parametrize("sql", READS)
def test_show_and_describe_never_show_the_value(vault: Session, sql: str) -> None:
    (result,) = vault.execute(sql)
    assert result.table.num_rows > 0  # the secrets (or the integration) are there
    _assert_hidden(_text(result))


def test_describe_shows_the_username_but_not_the_password(vault: Session) -> None:
    (result,) = vault.execute("DESCRIBE SECRET vault.keys.login")
    row = result.table.to_pylist()[0]
    assert row["username"] == "builder"
    assert row["secret_type"] == "PASSWORD"
    assert not any(PASSWORD in str(v) for v in row.values())


@pytest.mark.parametrize("sql", FAILING)
def test_errors_never_show_the_value(vault: Session, sql: str) -> None:
    with pytest.raises(SqlgateError) as caught:
        vault.execute(sql)
    _assert_hidden(str(caught.value))


def test_replaced_and_dropped_secrets_stay_hidden(vault: Session) -> None:
    statements = [
        f"CREATE OR REPLACE SECRET vault.keys.api_key TYPE = GENERIC_STRING"
        f" SECRET_STRING = '{REPLACED}'",
        f"CREATE SECRET IF NOT EXISTS vault.keys.api_key TYPE = GENERIC_STRING"
        f" SECRET_STRING = '{REPLACED}'",
        f"CREATE SECRET vault.keys.temp TYPE = GENERIC_STRING SECRET_STRING = '{REPLACED}'",
        "DROP SECRET vault.keys.temp",
        "DROP SECRET IF EXISTS vault.keys.temp",
    ]
    for sql in statements + READS:
        for result in vault.execute(sql):
            _assert_hidden(_text(result))


def test_dbapi_results_never_show_the_value(conn: Connection) -> None:
    cursor = conn.cursor()
    for statement in SETUP.split(";"):
        if statement.strip():
            cursor.execute(statement)
    for sql in READS:
        cursor.execute(sql)
        names = [d[0] for d in cursor.description or []]
        _assert_hidden(repr(names) + repr(cursor.fetchall()))

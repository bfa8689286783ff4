from __future__ import annotations

import pytest

import sqlgate
from sqlgate.gateway.session import Session


@pytest.fixture
def conn():
    """A connection to a fresh in-memory data directory."""
    with sqlgate.connect(":memory:") as connection:
        yield connection


@pytest.fixture
def session(conn) -> Session:
    return conn.session

from __future__ import annotations

import pytest

import sqlgate
from sqlgate.gateway.session import Session
from sqlgate.images import base, docker_engine


@pytest.fixture
def conn():
    """A connection to a fresh in-memory data directory."""
    with sqlgate.connect(":memory:") as connection:
        yield connection


@pytest.fixture
def session(conn) -> Session:
    return conn.session


@pytest.fixture(scope="session")
def docker_client():
    return docker_engine.client()


@pytest.fixture(scope="session")
def base_image(docker_client) -> base.BaseImage:
    """The stand-in base image, built once per machine (nothing to do when the tag exists)."""
    return base.build_base(docker_client, progress=lambda m: print(f"base image: {m}"))

from __future__ import annotations

import os

import pytest

import sqlgate
from sqlgate.executors import ray_serve
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


@pytest.fixture(scope="session")
def ray_cluster():
    """One real local Ray for every test of a pytest session that needs one (tests/services,
    tests/images' services in containers): Ray starts on the first CREATE SERVICE (as it does
    for users) and stops when the session ends. Tests share it, and each test drops the
    services it made, so a test's replicas (and containers) never outlive it."""
    # logical CPUs for Ray's scheduling: a rolling update briefly runs a second replica (the
    # services tests assume 4)
    os.environ.setdefault(ray_serve.RAY_NUM_CPUS_ENV, "4")
    yield
    ray_serve.shutdown()

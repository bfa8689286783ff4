"""One real local Ray for every service test of a pytest session: Ray starts on the first
CREATE SERVICE (as it does for users) and stops when the session ends. Tests share it, and
each test drops the services it made, so a test's replicas never outlive it."""

from __future__ import annotations

import os

import pytest

from sqlgate.executors import ray_serve


@pytest.fixture(scope="session")
def ray_cluster():
    # logical CPUs for Ray's scheduling: a rolling update briefly runs a second replica
    os.environ.setdefault(ray_serve.RAY_NUM_CPUS_ENV, "4")
    yield
    ray_serve.shutdown()

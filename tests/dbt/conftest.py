"""dbt's own adapter test fixtures (dbt-core's `dbt.tests.fixtures.project`), pointed at
sqlgate: every test class gets a fresh in-memory sqlgate and a unique schema."""

from __future__ import annotations

import os

import pytest
from dbt.tests.fixtures.project import *  # noqa: F403  (pytest collects the fixtures by name)

# dbt's telemetry would try the network from every dbt invocation in these tests.
os.environ["DBT_SEND_ANONYMOUS_USAGE_STATS"] = "false"


@pytest.fixture(scope="class")
def dbt_profile_target():
    return {"type": "sqlgate", "path": ":memory:", "threads": 1}


@pytest.fixture(scope="class")
def logs_dir(tmp_path_factory, prefix):
    """dbt's logs in a temporary directory, not in the repository (dbt-core's fixture writes
    them under the rootdir)."""
    path = tmp_path_factory.mktemp("dbt-logs") / prefix
    os.environ["DBT_LOG_PATH"] = str(path)
    yield str(path)
    del os.environ["DBT_LOG_PATH"]

"""Bad input to dbt-sqlgate: a clear dbt error naming the problem, and nothing half-built."""

from __future__ import annotations

import socket
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from dbt.cli.main import dbtRunner, dbtRunnerResult
from sklearn.linear_model import LogisticRegression

import sqlgate
from sqlgate.registry import Registry

pytestmark = pytest.mark.slow


def make_project(root: Path, profile: dict, models: dict[str, str]) -> Path:
    root.mkdir()
    (root / "dbt_project.yml").write_text(
        yaml.safe_dump({"name": "bad", "version": "1.0", "config-version": 2, "profile": "bad"})
    )
    target = {"type": "sqlgate", "schema": "analytics", "threads": 1, **profile}
    (root / "profiles.yml").write_text(
        yaml.safe_dump({"bad": {"target": "dev", "outputs": {"dev": target}}})
    )
    (root / "models").mkdir()
    for name, sql in models.items():
        (root / "models" / f"{name}.sql").write_text(sql)
    return root


def dbt(project: Path, *args: str) -> dbtRunnerResult:
    return dbtRunner().invoke(
        [*args, "--project-dir", str(project), "--profiles-dir", str(project)]
    )


def errors(result: dbtRunnerResult) -> str:
    """The messages dbt reports for a failed invocation (node errors or the exception)."""
    if result.exception is not None:
        return str(result.exception)
    return "\n".join(str(r.message) for r in result.result if r.status == "error")


def relations(home: Path) -> list[str]:
    with sqlgate.connect(home) as conn:
        rows = conn.execute(
            "SELECT table_name FROM system.information_schema.tables"
            " WHERE table_schema = 'ANALYTICS' ORDER BY 1"
        ).fetchall()
    return [name for (name,) in rows]


@pytest.fixture
def home(tmp_path) -> Path:
    """A data directory with model CHURN, version V1 aliased `production`, and a table."""
    home = tmp_path / "home"
    features = pd.DataFrame(np.random.default_rng(0).random((200, 2)), columns=["A", "B"])
    with sqlgate.connect(home) as conn:
        Registry(session=conn).log_model(
            LogisticRegression().fit(features, (features.A > 0.5).astype(int)),
            model_name="churn",
            version_name="v1",
            sample_input_data=features,
        )
        conn.execute("ALTER MODEL churn VERSION v1 SET ALIAS = production")
        conn.execute("CREATE SCHEMA analytics")
        conn.execute("CREATE TABLE analytics.inputs AS SELECT 0.2 AS a, 0.9 AS b")
    return home


def test_missing_data_directory_is_a_connection_error(tmp_path):
    missing = tmp_path / "nowhere"
    project = make_project(tmp_path / "p", {"path": str(missing)}, {"m": "select 1 as x"})
    result = dbt(project, "run")
    assert not result.success
    assert f"sqlgate data directory '{missing}' does not exist" in errors(result)
    assert not missing.exists()  # not created behind the user's back

    debug = dbt(project, "debug")
    assert not debug.success


def test_unknown_database_is_a_connection_error(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    profile = {"path": str(home), "database": "nope"}
    project = make_project(tmp_path / "p", profile, {"m": "select 1 as x"})
    result = dbt(project, "run")
    assert not result.success
    assert "Database 'NOPE' does not exist" in errors(result)


def test_dead_server_is_a_connection_error(tmp_path):
    with socket.socket() as s:  # a port nothing listens on once it is closed
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    profile = {"url": url, "user": "u", "token": "t"}
    project = make_project(tmp_path / "p", profile, {"m": "select 1 as x"})
    result = dbt(project, "run")
    assert not result.success
    assert f"sqlgate server {url}: Cannot reach sqlgate at {url}" in errors(result)
    assert not dbt(project, "debug").success


def test_remote_profile_without_a_secret(tmp_path):
    profile = {"url": "http://127.0.0.1:9", "user": "u"}
    project = make_project(tmp_path / "p", profile, {"m": "select 1 as x"})
    result = dbt(project, "run")
    assert not result.success
    assert "needs `user` and `token` (a programmatic access token) or `password`" in (
        errors(result)
    )


def test_profile_with_neither_path_nor_url(tmp_path):
    project = make_project(tmp_path / "p", {}, {"m": "select 1 as x"})
    result = dbt(project, "run")
    assert not result.success
    assert "needs exactly one of `path`" in errors(result)


def test_duckdb_only_profile_fields_are_refused(tmp_path):
    profile = {"path": str(tmp_path), "extensions": ["httpfs"], "settings": {"threads": 1}}
    project = make_project(tmp_path / "p", profile, {"m": "select 1 as x"})
    result = dbt(project, "run")
    assert not result.success
    assert "sqlgate profiles do not take dbt-duckdb's extensions, settings" in errors(result)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        ("nosuch!predict(a, b)", "Model 'SQLGATE.PUBLIC.NOSUCH' does not exist"),
        ("churn!nosuch(a, b)", "NOSUCH"),
    ],
)
def test_unknown_model_or_method_fails_the_model_and_builds_nothing(tmp_path, home, call, message):
    sql = f"{{{{ config(materialized='table') }}}}\nselect {call} as p from analytics.inputs"
    project = make_project(tmp_path / "p", {"path": str(home)}, {"scores": sql})
    result = dbt(project, "run")
    assert not result.success
    assert message in errors(result)
    assert relations(home) == ["INPUTS"]


def test_unknown_alias_leaves_the_previous_table_as_it_was(tmp_path, home):
    good = (
        "{{ config(materialized='table') }}\n"
        "with m as model churn version production select m!predict(a, b) as p, 1 as run"
        " from analytics.inputs"
    )
    project = make_project(tmp_path / "p", {"path": str(home)}, {"scores": good})
    assert dbt(project, "run").success
    (project / "models" / "scores.sql").write_text(
        good.replace("version production", "version staging").replace("1 as run", "2 as run")
    )
    result = dbt(project, "run")
    assert not result.success
    assert "STAGING" in errors(result)
    assert relations(home) == ["INPUTS", "SCORES"]  # no __dbt_tmp or __dbt_backup left
    with sqlgate.connect(home) as conn:
        assert conn.execute("SELECT run FROM analytics.scores").fetchall() == [(1,)]


def test_unknown_alias_in_model_version_for_alias_is_a_compilation_error(tmp_path, home):
    sql = 'select \'{{ model_version_for_alias("churn", "staging") }}\' as v'
    project = make_project(tmp_path / "p", {"path": str(home)}, {"v": sql})
    result = dbt(project, "run")
    assert not result.success
    assert "Model churn has no version with the alias staging" in errors(result)
    assert relations(home) == ["INPUTS"]


def test_a_view_calling_a_model_is_refused(tmp_path, home):
    sql = (
        "{{ config(materialized='view') }}\n"
        "with m as model churn version production select m!predict(a, b) as p"
        " from analytics.inputs"
    )
    project = make_project(tmp_path / "p", {"path": str(home)}, {"scores": sql})
    result = dbt(project, "run")
    assert not result.success
    assert "model calls in views" in errors(result)
    assert relations(home) == ["INPUTS"]

"""dbt-sqlgate in remote mode: `dbt build` (the real dbt-core, in process) on
examples/dbt_predictions against a live `sqlgate serve`, as a user who is not an administrator
and holds just the grants below; its role is what runs every statement dbt sends."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from dbt.cli.main import dbtRunner, dbtRunnerResult
from sklearn.linear_model import LogisticRegression

from tests.test_model_calls import save_version

EXAMPLE = Path(__file__).parent.parent.parent / "examples" / "dbt_predictions"

pytestmark = pytest.mark.slow


def grants_for_a_dbt_user(role: str, database: str) -> list[str]:
    """What a dbt user needs (docs/dbt.md repeats it): its role owns the database dbt builds
    in (sqlgate's tables and views belong to their database's owner, so the role that
    creates, replaces and drops them must own it), may use the schema that holds the model
    and create tables in it (the session's current schema, where dbt-duckdb's incremental
    materialization creates its temporary table; Snowflake asks CREATE TABLE for temporary
    tables too), and may call the model (USAGE lets a role call it, never read its files)."""
    return [
        f"CREATE ROLE {role}",
        f"CREATE USER {role}_user PASSWORD = 'unused' DEFAULT_ROLE = {role}",
        f"GRANT ROLE {role} TO USER {role}_user",
        f"CREATE DATABASE {database}",
        f"GRANT OWNERSHIP ON DATABASE {database} TO ROLE {role}",
        f"GRANT USAGE, CREATE TABLE ON SCHEMA {database}.public TO ROLE {role}",
    ]


def log_churn(cur, database: str, directory: Path) -> None:
    """The example's model (as its log_model.py logs it): V1 and V2, `production` on V1."""
    rng = np.random.default_rng(0)
    features = pd.DataFrame(rng.random((2_000, 2)), columns=["TENURE", "SPEND"])
    churned = (features.SPEND - 0.6 * features.TENURE > 0.1).astype(int)
    for version, strength in (("v1", 1.0), ("v2", 0.05)):
        model = LogisticRegression(C=strength).fit(features, churned)
        path = save_version(model, features, ["predict", "predict_proba"], directory / version)
        if version == "v1":
            cur.execute(f"CREATE MODEL {database}.public.churn WITH VERSION v1 FROM '{path}'")
        else:
            cur.execute(f"ALTER MODEL {database}.public.churn ADD VERSION v2 FROM '{path}'")
    cur.execute(f"ALTER MODEL {database}.public.churn VERSION v1 SET ALIAS = production")


def user_token(cur, user: str) -> str:
    cur.execute(f"ALTER USER {user} ADD PROGRAMMATIC ACCESS TOKEN dbt")
    return cur.fetchall()[0][1]


def remote_project(tmp_path: Path, server, profile: dict) -> Path:
    project = tmp_path / "project"
    shutil.copytree(EXAMPLE, project, ignore=shutil.ignore_patterns("target", "logs"))
    target = {"type": "sqlgate", "url": server.url, "schema": "analytics", "threads": 2}
    (project / "profiles.yml").write_text(
        yaml.safe_dump({"dbt_predictions": {"target": "dev", "outputs": {"dev": target | profile}}})
    )
    return project


def build(project: Path) -> dbtRunnerResult:
    return dbtRunner().invoke(
        ["build", "--project-dir", str(project), "--profiles-dir", str(project)]
    )


def errors(result: dbtRunnerResult) -> str:
    if result.exception is not None:
        return str(result.exception)
    return "\n".join(str(r.message) for r in result.result if r.status == "error")


def predictions(server, database: str) -> dict[int, tuple]:
    with server.connect() as conn:
        rows = (
            conn.cursor()
            .execute(
                "SELECT customer_id, model_version, churn_probability, scored_at"
                f" FROM {database}.analytics.predictions"
            )
            .fetchall()
        )
    return {row[0]: row[1:] for row in rows}


def relations(server, database: str) -> list[str]:
    with server.connect() as conn:
        cur = conn.cursor().execute(f"SHOW TABLES IN SCHEMA {database}.analytics")
        tables = [row[1] for row in cur.fetchall()]
        cur = conn.cursor().execute(f"SHOW VIEWS IN SCHEMA {database}.analytics")
        return sorted(tables + [row[1] for row in cur.fetchall()])


def test_remote_build_as_a_dbt_user_rescores_when_the_alias_moves(server, tmp_path):
    with server.connect() as conn:
        cur = conn.cursor()
        for sql in grants_for_a_dbt_user("transformer", "dbt_remote"):
            cur.execute(sql)
        log_churn(cur, "dbt_remote", tmp_path / "model")
        cur.execute("GRANT USAGE ON MODEL dbt_remote.public.churn TO ROLE transformer")
        token = user_token(cur, "transformer_user")
    profile = {"user": "transformer_user", "token": token, "database": "dbt_remote"}
    project = remote_project(tmp_path, server, profile)

    result = build(project)
    assert result.success, result.exception
    first = predictions(server, "dbt_remote")
    assert len(first) == 60
    assert {version for version, *_ in first.values()} == {"V1"}
    with server.connect() as conn:  # what dbt built, the transformer role made
        cur = conn.cursor().execute("SHOW TABLES IN SCHEMA dbt_remote.analytics")
        assert {(row[1], row[9]) for row in cur.fetchall()} == {
            ("RAW_CUSTOMERS", "TRANSFORMER"),
            ("PREDICTIONS", "TRANSFORMER"),
        }

    # the alias moves to V2 (an administrator does it): every row is scored again, by V2
    with server.connect() as conn:
        conn.cursor().execute("ALTER MODEL dbt_remote.public.churn VERSION v1 UNSET ALIAS")
        conn.cursor().execute(
            "ALTER MODEL dbt_remote.public.churn VERSION v2 SET ALIAS = production"
        )
    assert build(project).success
    second = predictions(server, "dbt_remote")
    assert len(second) == 60
    assert {version for version, *_ in second.values()} == {"V2"}
    assert all(second[k][2] > first[k][2] for k in first)  # scored again
    assert any(second[k][1] != first[k][1] for k in first)  # by a different model

    assert build(project).success  # nothing to score: every row has the production version
    assert predictions(server, "dbt_remote") == second


def test_remote_user_without_usage_on_the_model_gets_a_clear_error(server, tmp_path):
    with server.connect() as conn:
        cur = conn.cursor()
        for sql in grants_for_a_dbt_user("no_model", "dbt_denied"):
            cur.execute(sql)
        log_churn(cur, "dbt_denied", tmp_path / "model")  # and no USAGE on it
    profile = {"user": "no_model_user", "password": "unused", "database": "dbt_denied"}
    project = remote_project(tmp_path, server, profile)

    result = build(project)
    assert not result.success
    failed = {r.node.name: str(r.message) for r in result.result if r.status == "error"}
    assert set(failed) == {"predictions"}
    assert (
        "Model 'DBT_DENIED.PUBLIC.CHURN' does not exist or not authorized"
        in (failed["predictions"])
    )
    # the seed and the staging view are built; nothing of predictions, not even a temp table
    assert relations(server, "dbt_denied") == ["RAW_CUSTOMERS", "STG_CUSTOMERS"]


def test_remote_profile_with_a_wrong_token_is_a_connection_error(server, tmp_path):
    profile = {"user": "admin", "token": "not-a-token"}
    project = remote_project(tmp_path, server, profile)
    result = build(project)
    assert not result.success
    assert f"sqlgate server {server.url}:" in errors(result)

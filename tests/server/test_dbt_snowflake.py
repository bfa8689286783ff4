"""The stock dbt-snowflake adapter (dbt-core in process, the real snowflake connector under it)
pointed at a live `sqlgate serve`: a seed, a table, a view and an incremental model built,
tested, and built again after the seed grows."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from dbt.cli.main import dbtRunner, dbtRunnerResult

from tests.server.conftest import ADMIN_PASSWORD

pytestmark = pytest.mark.slow

MODELS = {
    # query_tag: dbt-snowflake sets QUERY_TAG around the model and unsets it afterwards
    "scores.sql": "{{ config(materialized='table', query_tag='scores build') }}\n"
    "select id, upper(name) as name, score * 2 as double_score\n"
    "from {{ ref('people') }} where score > 2\n",
    "score_ids.sql": "{{ config(materialized='view') }}\nselect id from {{ ref('scores') }}\n",
    # dbt-snowflake's default temporary view for the new rows is a gap (docs/dbt.md): a
    # transient table works
    "people_log.sql": "{{ config(materialized='incremental', unique_key='id',"
    " tmp_relation_type='transient') }}\n"
    "select id, name from {{ ref('people') }}\n"
    "{% if is_incremental() %}where id > (select max(id) from {{ this }}){% endif %}\n",
}


def make_project(root: Path, server) -> Path:
    (root / "models").mkdir(parents=True)
    (root / "seeds").mkdir()
    (root / "dbt_project.yml").write_text(
        yaml.safe_dump(
            {
                "name": "tiny",
                "version": "1.0",
                "config-version": 2,
                "profile": "tiny",
                "flags": {"send_anonymous_usage_stats": False},
            }
        )
    )
    (root / "seeds" / "people.csv").write_text("id,name,score\n1,ann,3.5\n2,bob,4.0\n3,cy,1.5\n")
    for name, sql in MODELS.items():
        (root / "models" / name).write_text(sql)
    tests = {"name": "scores", "columns": [{"name": "id", "data_tests": ["unique", "not_null"]}]}
    (root / "models" / "schema.yml").write_text(yaml.safe_dump({"version": 2, "models": [tests]}))
    target = {
        "type": "snowflake",
        "account": "anything",
        "host": "127.0.0.1",
        "port": server.port,
        "protocol": "http",
        "user": "admin",
        "password": ADMIN_PASSWORD,
        "role": "accountadmin",
        "database": "sqlgate",
        "schema": "dbt_snowflake",
        "warehouse": "unused",
        "threads": 2,
        "connect_retries": 0,
    }
    (root / "profiles.yml").write_text(
        yaml.safe_dump({"tiny": {"target": "dev", "outputs": {"dev": target}}})
    )
    return root


def dbt(project: Path, *args: str) -> dbtRunnerResult:
    return dbtRunner().invoke(
        [*args, "--project-dir", str(project), "--profiles-dir", str(project)]
    )


def rows(server, sql: str) -> list[tuple]:
    with server.connect() as conn:
        return conn.cursor().execute(sql).fetchall()


def test_stock_dbt_snowflake_runs_and_tests_against_sqlgate_serve(server, tmp_path):
    project = make_project(tmp_path / "tiny", server)
    assert dbt(project, "seed").success
    run = dbt(project, "run")
    assert run.success, run.exception
    assert {r.node.name for r in run.result if r.status == "success"} == {
        "scores",
        "score_ids",
        "people_log",
    }
    assert rows(server, "SELECT id, name, double_score FROM dbt_snowflake.scores ORDER BY id") == [
        (1, "ANN", 7.0),
        (2, "BOB", 8.0),
    ]
    test = dbt(project, "test")
    assert test.success
    assert [r.status for r in test.result] == ["pass", "pass"]

    # the seed grows: seed and table are replaced, the incremental model takes the new row
    with (project / "seeds" / "people.csv").open("a") as f:
        f.write("4,dee,5.0\n")
    build = dbt(project, "build")
    assert build.success, build.exception
    assert rows(server, "SELECT count(*) FROM dbt_snowflake.people") == [(4,)]
    assert rows(server, "SELECT id FROM dbt_snowflake.score_ids ORDER BY id") == [(1,), (2,), (4,)]
    assert rows(server, "SELECT id FROM dbt_snowflake.people_log ORDER BY id") == [
        (1,),
        (2,),
        (3,),
        (4,),
    ]
    names = rows(server, "SHOW TERSE OBJECTS IN SCHEMA sqlgate.dbt_snowflake")
    assert sorted((name, kind) for _, name, kind, *_ in names) == [
        ("PEOPLE", "TABLE"),
        ("PEOPLE_LOG", "TABLE"),  # no __dbt_tmp left behind
        ("SCORES", "TABLE"),
        ("SCORE_IDS", "VIEW"),
    ]

"""examples/dbt_predictions: `dbt build` (the real dbt-core, in process) on a sqlgate data
directory scores customers with the model behind `production`, and after the alias moves,
scores again exactly the rows the old version scored."""

from __future__ import annotations

import runpy
import shutil
from pathlib import Path

import pytest
from dbt.cli.main import dbtRunner

import sqlgate

EXAMPLE = Path(__file__).parent.parent.parent / "examples" / "dbt_predictions"

pytestmark = pytest.mark.slow


def build(project: Path) -> None:
    result = dbtRunner().invoke(
        ["build", "--project-dir", str(project), "--profiles-dir", str(project)]
    )
    assert result.success, result.exception


def predictions(home: Path) -> dict[int, tuple]:
    with sqlgate.connect(home) as conn:
        rows = conn.execute(
            "SELECT customer_id, model_version, churn_probability, scored_at"
            " FROM analytics.predictions"
        ).fetchall()
    return {row[0]: row[1:] for row in rows}


def test_build_scores_new_rows_then_rescores_all_when_the_alias_moves(tmp_path, monkeypatch):
    home, project = tmp_path / "home", tmp_path / "project"
    home.mkdir()
    shutil.copytree(EXAMPLE, project, ignore=shutil.ignore_patterns("target", "logs"))
    monkeypatch.setenv("SQLGATE_HOME", str(home))
    runpy.run_path(str(project / "log_model.py"), run_name="__main__")

    build(project)
    first = predictions(home)
    assert len(first) == 60
    assert {version for version, *_ in first.values()} == {"V1"}

    # five new customers: only they are scored; the others keep their scores and times
    seed = project / "seeds" / "raw_customers.csv"
    with seed.open("a") as f:
        f.writelines(f"{i},{i % 70 + 1},{i * 1.5},2025-06-01\n" for i in range(61, 66))
    build(project)
    second = predictions(home)
    assert len(second) == 65
    assert {k: second[k] for k in first} == first
    assert {second[k][0] for k in range(61, 66)} == {"V1"}

    # the alias moves to V2: every row is scored again, by V2
    with sqlgate.connect(home) as conn:
        conn.execute("ALTER MODEL churn VERSION v1 UNSET ALIAS")
        conn.execute("ALTER MODEL churn VERSION v2 SET ALIAS = production")
    build(project)
    third = predictions(home)
    assert len(third) == 65
    assert {version for version, *_ in third.values()} == {"V2"}
    assert all(third[k][2] > second[k][2] for k in second)  # scored again
    assert any(third[k][1] != second[k][1] for k in second)  # by a different model

    build(project)  # nothing to score: every row already has the production version
    assert predictions(home) == third

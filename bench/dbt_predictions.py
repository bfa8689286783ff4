"""dbt's overhead on the example project's `predictions` model: `dbt run` vs the same SQL
through `sqlgate -c`.

    .venv/bin/python bench/dbt_predictions.py [--rows 1000000] [--small 100000] [--rounds 3]

A copy of examples/dbt_predictions on a fresh data directory, its seed replaced by a
`raw_customers` model of ROWS generated customers, the `churn` model logged by the example's
log_model.py. Not timed: building raw_customers and stg_customers, and `dbt compile` of
`predictions` (its full-refresh SQL, with the production version inlined). Then, interleaved
round by round, each in a fresh process:

- dbt: `dbt run --select predictions --full-refresh` (scores every row);
- direct: `sqlgate -c "CREATE OR REPLACE TABLE analytics.predictions_direct AS <that SQL>"`;

and reported: best wall time of each, their ratio, dbt's own time for the model from
run_results.json (the statement plus dbt's queries around it), and the CREATE TABLE
statement's own time in the direct run (`\\timing`), so start-up and per-model overhead can be
told apart. The same at SMALL rows (unless it equals ROWS) shows whether dbt's overhead (dbt -
direct) grows with rows (it should not: it is start-up and catalog queries).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "dbt_predictions"
BIN = Path(sys.executable).parent

RAW_CUSTOMERS_SQL = """
{{ config(materialized='table') }}
select
    range + 1 as customer_id,
    (range % 71) + 1 as tenure_months,
    ((range * 7919) % 19500) / 100.0 + 5 as monthly_spend,
    '2024-01-01'::date + (range % 600)::int as signup_date
from range({{ var('rows') }})
"""


def run(cmd: list[str], env: dict[str, str], cwd: Path) -> float:
    return run_out(cmd, env, cwd)[0]


def run_out(cmd: list[str], env: dict[str, str], cwd: Path) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run(cmd, env=env, cwd=cwd, check=True, capture_output=True, text=True)
    return time.perf_counter() - start, done.stdout


def dbt(project: Path, *args: str) -> list[str]:
    return [str(BIN / "dbt"), *args, "--project-dir", str(project), "--profiles-dir", str(project)]


def measure(rows: int, rounds: int, workdir: Path) -> dict[str, float]:
    home, project = workdir / f"home-{rows}", workdir / f"project-{rows}"
    home.mkdir()
    shutil.copytree(EXAMPLE, project, ignore=shutil.ignore_patterns("target", "logs"))
    (project / "seeds" / "raw_customers.csv").unlink()
    (project / "models" / "raw_customers.sql").write_text(RAW_CUSTOMERS_SQL)
    env = {**os.environ, "SQLGATE_HOME": str(home)}
    rows_var = ["--vars", json.dumps({"rows": rows})]

    print(f"[{rows:,} rows] setting up: model, raw_customers, compile", file=sys.stderr)
    run([sys.executable, str(project / "log_model.py")], env, project)
    run(
        dbt(project, "run", "--select", "raw_customers", "stg_customers", *rows_var),
        env,
        project,
    )
    run(dbt(project, "compile", "--select", "predictions", *rows_var), env, project)
    compiled = next((project / "target" / "compiled").rglob("predictions.sql")).read_text()
    direct_sql = f"CREATE OR REPLACE TABLE analytics.predictions_direct AS {compiled}"

    dbt_times, direct_times, model_times, statement_times = [], [], [], []
    for i in range(rounds):
        print(f"[{rows:,} rows] round {i + 1}/{rounds}", file=sys.stderr)
        dbt_times.append(
            run(
                dbt(project, "run", "--select", "predictions", "--full-refresh", *rows_var),
                env,
                project,
            )
        )
        results = json.loads((project / "target" / "run_results.json").read_text())
        model_times.append(results["results"][0]["execution_time"])
        wall, out = run_out(
            [str(BIN / "sqlgate"), "-c", "\\timing on", "-c", direct_sql], env, project
        )
        direct_times.append(wall)
        statement_times.append(float(re.findall(r"Time: ([0-9.]+) ms", out)[-1]) / 1000)
    check = subprocess.run(
        [
            str(BIN / "sqlgate"),
            "--format",
            "csv",
            "-c",
            "SELECT count(*) FROM analytics.predictions",
            "-c",
            "SELECT count(*) FROM analytics.predictions_direct",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert check.count(str(rows)) == 2, f"both tables should hold {rows} rows: {check}"
    return {
        "dbt": min(dbt_times),
        "direct": min(direct_times),
        "dbt model": min(model_times),
        "statement": min(statement_times),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--small", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sqlgate-bench-dbt-") as tmp:
        # one size when they are equal (tests/test_bench.py: each size costs dbt's start-ups)
        results = {
            n: measure(n, args.rounds, Path(tmp)) for n in dict.fromkeys((args.small, args.rows))
        }
    print(
        f"{'rows':>10} {'dbt run s':>10} {'sqlgate -c s':>13} {'ratio':>6}"
        f" {'dbt - direct s':>15} {'dbt model s':>12} {'statement s':>12}"
    )
    for n, r in results.items():
        print(
            f"{n:>10,} {r['dbt']:>10.2f} {r['direct']:>13.2f} {r['dbt'] / r['direct']:>6.2f}"
            f" {r['dbt'] - r['direct']:>15.2f} {r['dbt model']:>12.2f} {r['statement']:>12.2f}"
        )


if __name__ == "__main__":
    main()

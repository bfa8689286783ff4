"""Model calls in SQL against the model's own predict_proba: rows/s, their ratio, peak memory.

    .venv/bin/python bench/predict.py [--rows 1000000] [--rounds 7] [--no-rss]

A table of ROWS rows x 8 DOUBLE columns, a LogisticRegression and a 50-tree RandomForest
(max_depth 8, n_jobs left at its default) fitted on its first 10,000 rows. For each model, in
one process and interleaved round by round (machines are noisy; medians are reported):

- sql: `SELECT m!predict_proba(C0, ..., C7) FROM t`, which takes the projection path;
- direct: `model.predict_proba(X)` on the NumPy array the table was loaded from;
- ratio: best sql time / best direct time over ROUNDS interleaved rounds (the target is <= 1.15),
  and the same from median times;
- the ratio with the projection path's workers limited to one, and the UDF path's rows/s
  (DuckDB calling the model per 2,048-row vector), for reference;
- scan ratio: best time of `SELECT C0, ..., C7 FROM t` (the same rows out of DuckDB as Arrow,
  no model) / best direct time: what any SQL over the table pays before the model runs.

Then peak RSS of the SQL query at 1 M and 10 M rows, each in a fresh process: the RSS before
the query (table loaded, model warm), the peak during it, and the result's size, for both paths.
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import psutil
import pyarrow as pa
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression

import sqlgate
from sqlgate.registry import Registry

COLUMNS = [f"C{i}" for i in range(8)]
TABLE = '"SQLGATE"."PUBLIC"."T"'
FIT_ROWS = 10_000


def features(rows: int) -> np.ndarray:
    return np.random.default_rng(0).random((rows, len(COLUMNS)))


def fitted(x: np.ndarray) -> dict[str, Any]:
    sample, labels = x[:FIT_ROWS], (x[:FIT_ROWS, 0] + x[:FIT_ROWS, 1] > 1).astype(int)
    return {
        "LogisticRegression": LogisticRegression().fit(sample, labels),
        "RandomForest(50)": RandomForestClassifier(
            n_estimators=50, max_depth=8, random_state=0
        ).fit(sample, labels),
    }


def gateway(table: pa.Table | None, rows: int) -> sqlgate.Connection:
    """An in-memory gateway with table T: `table`, or `rows` random rows made by DuckDB (the
    memory runs, which must not hold a NumPy copy). User SQL cannot read Python objects, so the
    table is loaded through the warehouse's own cursor."""
    conn = sqlgate.connect(":memory:")
    cursor = conn.session.engine.warehouse.cursor()
    if table is not None:
        cursor.register("features", table)
        cursor.execute(f"CREATE TABLE {TABLE} AS SELECT * FROM features")
        cursor.unregister("features")
    else:
        values = ", ".join(f'random() AS "{c}"' for c in COLUMNS)
        cursor.execute(f"CREATE TABLE {TABLE} AS SELECT {values} FROM range({rows})")
    cursor.close()
    return conn


def log(conn: sqlgate.Connection, name: str, model: Any, x: np.ndarray) -> None:
    sample = pd.DataFrame(x[:100], columns=COLUMNS)
    Registry(conn).log_model(model, model_name=name, version_name="v1", sample_input_data=sample)


def query(name: str) -> str:
    return f"SELECT {name}!predict_proba({', '.join(COLUMNS)}) FROM t"


def seconds(run: Callable[[], object]) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def throughput(rows: int, rounds: int) -> None:
    x = features(rows)
    conn = gateway(pa.table({c: x[:, i] for i, c in enumerate(COLUMNS)}), rows)
    session = conn.session
    threads = session.engine.warehouse.threads
    print(f"{rows:,} rows x {len(COLUMNS)} DOUBLE columns; DuckDB threads: {threads}")
    print(
        f"{'model':20s} {'sql rows/s':>12s} {'direct rows/s':>14s} {'ratio':>6s}"
        f" {'median ratio':>13s} {'1-worker ratio':>15s} {'udf path rows/s':>16s}"
        f" {'scan ratio':>11s}"
    )
    scan_sql = f"SELECT {', '.join(COLUMNS)} FROM t"
    for number, (label, model) in enumerate(fitted(x).items()):
        name = f"m{number}"
        log(conn, name, model, x)
        sql = query(name)

        def projection(workers: int, sql: str = sql) -> None:
            session.engine.warehouse.threads = workers
            session.execute(sql)

        def udf_path(sql: str = sql) -> None:
            session.projection_path = False
            try:
                session.execute(sql)
            finally:
                session.projection_path = True

        def direct(model: Any = model) -> None:
            model.predict_proba(x)

        runs: dict[str, Callable[[], object]] = {
            "direct": direct,
            "sql": lambda: projection(threads),
            "serial": lambda: projection(1),
            "scan": lambda: session.execute(scan_sql),
        }
        for run in runs.values():  # warm: first calls pay for imports, caches, allocations
            run()
        times: dict[str, list[float]] = {key: [] for key in runs}
        for _ in range(rounds):
            for key, run in runs.items():
                gc.collect()
                times[key].append(seconds(run))
        udf = min(seconds(udf_path) for _ in range(2))
        session.engine.warehouse.threads = threads
        best = {key: min(values) for key, values in times.items()}
        median = {key: statistics.median(values) for key, values in times.items()}
        print(
            f"{label:20s} {rows / best['sql']:12,.0f} {rows / best['direct']:14,.0f}"
            f" {best['sql'] / best['direct']:6.2f} {median['sql'] / median['direct']:13.2f}"
            f" {best['serial'] / best['direct']:15.2f} {rows / udf:16,.0f}"
            f" {best['scan'] / best['direct']:11.2f}"
        )
    conn.close()


def memory_child(rows: int, projection: bool) -> dict[str, float]:
    """Run in a fresh process: RSS before the query and its peak during it, in bytes."""
    conn = gateway(None, rows)
    session = conn.session
    session.projection_path = projection
    x = features(FIT_ROWS)
    log(conn, "m", fitted(x)["LogisticRegression"], x)
    session.execute(query("m").replace("FROM t", "FROM t LIMIT 10000"))  # warm
    gc.collect()
    before = psutil.Process().memory_info().rss
    reset_peak = Path("/proc/self/clear_refs")
    reset_peak.write_text("5")  # VmHWM := current RSS (Linux)
    result = session.execute(query("m"))[0].table
    peak = _vm_hwm()
    return {"before": before, "peak": peak, "result": _size(result), "rows": result.num_rows}


def _size(table: pa.Table) -> int:
    """Bytes of the table's distinct buffers (Table.nbytes counts a buffer shared by slices,
    such as the all-NULL ERROR column, once per slice)."""
    seen: dict[int, int] = {}
    for column in table.columns:
        for chunk in column.chunks:
            for buffer in chunk.buffers():
                if buffer is not None:
                    seen[buffer.address] = max(seen.get(buffer.address, 0), buffer.size)
    return sum(seen.values())


def _vm_hwm() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


def memory(sizes: list[int]) -> None:
    print("\npeak RSS of SELECT m!predict_proba(C0, ..., C7) FROM t (LogisticRegression),")
    print("each in a fresh process; MiB")
    print(
        f"{'rows':>12s} {'path':>10s} {'before':>8s} {'peak':>8s} {'growth':>8s}"
        f" {'result':>8s} {'growth - result':>16s}"
    )
    mib = 1 << 20
    for rows in sizes:
        for path in ("projection", "udf"):
            found = subprocess.run(
                [sys.executable, __file__, "--memory-child", str(rows), path],
                check=True,
                capture_output=True,
                text=True,
            )
            got = json.loads(found.stdout.strip().splitlines()[-1])
            growth = got["peak"] - got["before"]
            print(
                f"{rows:12,d} {path:>10s} {got['before'] / mib:8.0f} {got['peak'] / mib:8.0f}"
                f" {growth / mib:8.0f} {got['result'] / mib:8.0f}"
                f" {(growth - got['result']) / mib:16.0f}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--no-rss", action="store_true", help="skip the memory runs")
    parser.add_argument("--memory-child", nargs=2, metavar=("ROWS", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_child:
        rows, path = args.memory_child
        print(json.dumps(memory_child(int(rows), path == "projection")))
        return
    started = time.perf_counter()
    throughput(args.rows, args.rounds)
    if not args.no_rss:
        memory([1_000_000, 10_000_000])
    print(f"\n({time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()

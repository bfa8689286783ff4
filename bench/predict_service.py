"""Model calls through a 1-replica service against the model's own predict_proba, and the
time from CREATE SERVICE to the first prediction.

    .venv/bin/python bench/predict_service.py [--rows 1000000] [--rounds 5]

A table of ROWS rows x 8 DOUBLE columns; a LogisticRegression and a 50-tree RandomForest
(max_depth 8) fitted on its first 10,000 rows, each served by a 1-replica service on the local
Ray (started once, before anything is timed). For each model, interleaved round by round:

- service: `SELECT <SERVICE>_PREDICT_PROBA(C0, ..., C7) FROM t`, the service function: the
  projection path's Arrow batches (122,880 rows) through a Ray Serve handle;
- direct: `model.predict_proba(X)` on the NumPy array the table was loaded from;
- ratio: best service time / best direct time (the issue's target is <= 1.5), and from medians.

Then: seconds from CREATE SERVICE to the first answered call, with Ray and Serve already up
(the issue's target is < 10 s), for a fresh service of each model.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import time
from collections.abc import Callable
from typing import Any

import pyarrow as pa
from predict import COLUMNS, features, fitted, gateway, log, seconds

from sqlgate.executors import ray_serve


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    rows, rounds = args.rows, args.rounds
    x = features(rows)
    conn = gateway(pa.table({c: x[:, i] for i, c in enumerate(COLUMNS)}), rows)
    session = conn.session
    session.execute(
        "CREATE COMPUTE POOL bench MIN_NODES = 1 MAX_NODES = 4 INSTANCE_FAMILY = CPU_X64_S"
    )
    start = time.perf_counter()
    ray_serve.ensure_ray(session.engine.services.key)
    print(f"Ray + Serve started in {time.perf_counter() - start:.1f} s (not counted below)")
    print(f"{rows:,} rows x {len(COLUMNS)} DOUBLE columns, 1 replica per service")
    print(
        f"{'model':20s} {'service rows/s':>15s} {'direct rows/s':>14s} {'ratio':>6s}"
        f" {'median ratio':>13s} {'create->first call s':>21s}"
    )
    arguments = ", ".join(COLUMNS)
    for number, (label, model) in enumerate(fitted(x).items()):
        name = f"m{number}"
        log(conn, name, model, x)
        begin = time.perf_counter()
        session.execute(
            f"CREATE SERVICE s{number} IN COMPUTE POOL bench FOR MODEL {name} VERSION v1"
        )
        session.execute(f"SELECT S{number}_PREDICT_PROBA({arguments}) FROM t LIMIT 1")
        deploy = time.perf_counter() - begin
        sql = f"SELECT S{number}_PREDICT_PROBA({arguments}) FROM t"

        def direct(model: Any = model) -> None:
            model.predict_proba(x)

        runs: dict[str, Callable[[], object]] = {
            "direct": direct,
            "service": lambda sql=sql: session.execute(sql),
        }
        for run in runs.values():  # warm
            run()
        times: dict[str, list[float]] = {key: [] for key in runs}
        for _ in range(rounds):
            for key, run in runs.items():
                gc.collect()
                times[key].append(seconds(run))
        best = {key: min(values) for key, values in times.items()}
        median = {key: statistics.median(values) for key, values in times.items()}
        print(
            f"{label:20s} {rows / best['service']:15,.0f} {rows / best['direct']:14,.0f}"
            f" {best['service'] / best['direct']:6.2f}"
            f" {median['service'] / median['direct']:13.2f} {deploy:21.1f}",
            flush=True,
        )
        session.execute(f"DROP SERVICE s{number}")
    conn.close()
    ray_serve.shutdown()


if __name__ == "__main__":
    main()

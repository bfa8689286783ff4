"""Where the time of `SELECT m!predict_proba(C0, ..., C7) FROM t` goes, stage by stage.

    .venv/bin/python bench/predict_breakdown.py [--rows 1000000] [--runs 15] [--model forest]

Same table and models as predict.py. The projection path runs with one worker, so the stages
add up to the query's time; each is timed by wrapping the gateway's own functions (private
names: this script follows the code, not an API). Printed in milliseconds per query, with the
model's own predict_proba on the same array for comparison.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from typing import Any

import predict
import pyarrow as pa

from sqlgate.gateway import model_calls, projection_path
from sqlgate.registry.flavors import sklearn as sklearn_flavor
from sqlgate.runtime import batch, loaded

spent: dict[str, float] = {}


def timed(owner: Any, name: str, stage: str) -> None:
    """Replace owner.name by a wrapper adding its time to spent[stage]."""
    original: Callable[..., Any] = getattr(owner, name)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            spent[stage] = spent.get(stage, 0.0) + time.perf_counter() - start

    setattr(owner, name, wrapper)


def timed_reads() -> None:
    """DuckDB producing stage-1 batches: the time spent waiting for each next batch."""
    original = projection_path._stage_batches

    def reading(reader: pa.RecordBatchReader) -> Any:
        batches = original(reader)
        while True:
            start = time.perf_counter()
            try:
                item = next(batches)
            except StopIteration:
                return
            finally:
                spent["scan (DuckDB to Arrow)"] = (
                    spent.get("scan (DuckDB to Arrow)", 0.0) + time.perf_counter() - start
                )
            yield item

    projection_path._stage_batches = reading


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--model", choices=("logistic", "forest"), default="logistic")
    args = parser.parse_args()
    x = predict.features(args.rows)
    conn = predict.gateway(pa.table({c: x[:, i] for i, c in enumerate(predict.COLUMNS)}), 0)
    model = list(predict.fitted(x).values())[args.model == "forest"]
    predict.log(conn, "m", model, x)
    session = conn.session
    session.engine.warehouse.threads = 1
    sql = predict.query("m")
    for owner, name, stage in (
        (model_calls, "rewrite", "rewrite"),
        (projection_path, "plan", "plan"),
        (projection_path.Plan, "run", "run"),
        (batch.BatchCaller, "_checked", "input checks"),
        (batch.BatchCaller, "_call", "model call"),
        (sklearn_flavor, "matrix", "feature matrix"),
        (loaded, "to_arrow", "outputs to Arrow"),
        (projection_path._Scorer, "__call__", "score batch"),
    ):
        timed(owner, name, stage)
    timed_reads()
    for _ in range(3):
        session.execute(sql)
        model.predict_proba(x)
    spent.clear()
    totals, direct = [], []
    for _ in range(args.runs):
        start = time.perf_counter()
        session.execute(sql)
        totals.append(time.perf_counter() - start)
        start = time.perf_counter()
        model.predict_proba(x)
        direct.append(time.perf_counter() - start)
    per = {stage: seconds / args.runs * 1000 for stage, seconds in spent.items()}
    total = statistics.mean(totals) * 1000
    scan, score = per["scan (DuckDB to Arrow)"], per["score batch"]
    rows = [
        ("query, in all", total),
        ("  parse, rewrite, plan, bind (before stage 1)", total - per["run"]),
        ("    of which the rewrite (catalog reads)", per["rewrite"]),
        ("    of which planning stage 1", per["plan"]),
        ("  stage 1 started, result assembled", per["run"] - scan - score),
        ("  scan: waiting for DuckDB's Arrow batches", scan),
        ("  input checks (NULL, NaN, ranges)", per["input checks"]),
        ("  feature matrix (column-major copy)", per["feature matrix"]),
        (
            "  the model's predict_proba, on batches",
            per["model call"] - per["feature matrix"] - per["outputs to Arrow"],
        ),
        ("  outputs to Arrow", per["outputs to Arrow"]),
        ("  struct, fields, batch assembly", score - per["input checks"] - per["model call"]),
        ("direct predict_proba on the whole array", statistics.mean(direct) * 1000),
    ]
    print(f"{args.rows:,} rows, {args.model}, one worker; mean ms per query of {args.runs}")
    for label, ms in rows:
        print(f"{label:48s} {ms:8.1f}")


if __name__ == "__main__":
    main()

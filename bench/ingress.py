"""Service ingress against a bare starlette app and MLflow's scoring server on the same model.

    .venv/bin/python bench/ingress.py [--single 300] [--batches 10] [--rounds 3]

One LogisticRegression on 8 DOUBLE features, served three ways, each in its own process on a
loopback port (so no server shares a GIL with another or with this client):

- gateway: `sqlgate serve`'s app on a fresh data directory, a 1-replica service with ingress on
  a local Ray, called at POST /endpoints/<service>/predict_proba with a programmatic access token;
- bare: a starlette route that decodes the same JSON, calls predict_proba in-process and encodes
  the answer: the least any HTTP model server can do;
- mlflow: MLflow's own scoring server (mlflow.pyfunc.scoring_server) on the model saved with
  mlflow.sklearn, which serves `predict` (MLflow's pyfunc has no predict_proba), so the batch
  comparison calls the gateway's `predict` too.

Measured interleaved, round by round: single-row requests in Snowflake's format one after
another (p50 and p99 latency, gateway vs bare: the issue's target is a p50 ratio <= 2), and
10,000-row `dataframe_split` JSON batches (rows/s, gateway vs mlflow: target >= 1x).
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import requests

FEATURES = [f"C{i}" for i in range(8)]
PASSWORD = "bench-admin-password"


def model_and_data() -> tuple[object, np.ndarray]:
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(0)
    x = rng.normal(size=(20_000, len(FEATURES)))
    y = (x[:, 0] + x[:, 1] > 0).astype(int)
    return LogisticRegression().fit(x, y), x


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- the three servers, each run as `python bench/ingress.py --serve <kind> <port> <dir>` ------


def serve_gateway(port: int, home: Path) -> None:
    import pandas as pd
    import uvicorn

    from sqlgate.dbapi import Connection
    from sqlgate.gateway.engine import Engine
    from sqlgate.gateway.session import Session
    from sqlgate.registry import Registry
    from sqlgate.server.app import create_app

    model, x = model_and_data()
    engine = Engine(home)
    app = create_app(engine, max_body_bytes=64 << 20)
    engine.http_address = f"127.0.0.1:{port}"
    conn = Connection(Session(engine))  # set-up on the engine the server will use
    sample = pd.DataFrame(x[:10], columns=FEATURES)
    Registry(conn).log_model(model, model_name="m", version_name="v1", sample_input_data=sample)
    for sql in (
        "CREATE COMPUTE POOL p MIN_NODES = 1 MAX_NODES = 1 INSTANCE_FAMILY = 'CPU_X64_S'",
        "CREATE SERVICE s IN COMPUTE POOL p FOR MODEL m VERSION v1 INGRESS_ENABLED = TRUE",
        "CALL SYSTEM$GET_SERVICE_STATUS('s', 600)",
    ):
        conn.execute(sql)
    token = conn.execute("ALTER USER admin ADD PROGRAMMATIC ACCESS TOKEN b").fetchall()[0][1]
    print(json.dumps({"token": token}), flush=True)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


def serve_bare(port: int, _: Path) -> None:
    import uvicorn
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route

    model, _x = model_and_data()

    async def predict(request: Request) -> Response:
        rows = json.loads(await request.body())["data"]
        x = np.array([row[1:] for row in rows], dtype=np.float64)
        p = model.predict_proba(x)
        out = [
            [row[0], {"output_feature_0": a, "output_feature_1": b}]
            for row, (a, b) in zip(rows, p.tolist(), strict=True)
        ]
        return Response(json.dumps({"data": out}), media_type="application/json")

    app = Starlette(routes=[Route("/predict_proba", predict, methods=["POST"])])
    print(json.dumps({}), flush=True)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


def serve_mlflow(port: int, directory: Path) -> None:
    import mlflow.pyfunc
    import mlflow.sklearn
    import uvicorn
    from mlflow.pyfunc import scoring_server

    model, _x = model_and_data()
    path = directory / "mlflow-model"
    # cloudpickle: MLflow 3's default (skops) needs a package MLflow does not depend on
    mlflow.sklearn.save_model(model, path, serialization_format="cloudpickle")
    app = scoring_server.init(mlflow.pyfunc.load_model(str(path)))
    print(json.dumps({}), flush=True)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


SERVERS = {"gateway": serve_gateway, "bare": serve_bare, "mlflow": serve_mlflow}


class Server:
    def __init__(self, kind: str, directory: Path) -> None:
        self.port = free_port()
        self.process = subprocess.Popen(
            [sys.executable, __file__, "--serve", kind, str(self.port), str(directory)],
            stdout=subprocess.PIPE,
            text=True,
            env={**os.environ, "SQLGATE_ADMIN_PASSWORD": PASSWORD},
        )
        line = self.process.stdout.readline() if self.process.stdout else ""
        if not line:
            raise SystemExit(f"the {kind} server did not start")
        self.info = json.loads(line)
        self.url = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=60)


# --- the client ---------------------------------------------------------------------------------


def timed(post: requests.Session, url: str, body: dict, headers: dict) -> float:
    start = time.perf_counter()
    answer = post.post(url, data=json.dumps(body), headers=headers)
    elapsed = time.perf_counter() - start
    if answer.status_code != 200:
        raise SystemExit(f"{url}: {answer.status_code} {answer.text[:300]}")
    return elapsed


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--single", type=int, default=300, help="single-row requests per round")
    parser.add_argument("--batches", type=int, default=10, help="10,000-row batches per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--serve", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        kind, port, directory = args.serve
        SERVERS[kind](int(port), Path(directory))
        return
    _model, x = model_and_data()
    with tempfile.TemporaryDirectory(prefix="sqlgate-bench-") as scratch:
        print("starting the gateway (a local Ray and a 1-replica service), bare and mlflow ...")
        servers: dict[str, Server] = {}
        try:
            for kind in SERVERS:
                servers[kind] = Server(kind, Path(scratch) / kind)
            run(servers, x, args)
        finally:
            for server in servers.values():
                server.stop()


def run(servers: dict[str, Server], x: np.ndarray, args: argparse.Namespace) -> None:
    gateway, bare, mlflow = servers["gateway"], servers["bare"], servers["mlflow"]
    auth = {"Authorization": f"Bearer {gateway.info['token']}", "Content-Type": "application/json"}
    plain = {"Content-Type": "application/json"}
    endpoint = f"{gateway.url}/endpoints/SQLGATE.PUBLIC.S/predict_proba"
    labels = f"{gateway.url}/endpoints/SQLGATE.PUBLIC.S/predict"  # what MLflow serves
    single = {"data": [[0, *x[0].tolist()]]}
    batch = {"dataframe_split": {"columns": FEATURES, "data": x[:10_000].tolist()}}
    client = requests.Session()
    latency: dict[str, list[float]] = {"gateway": [], "bare": []}
    batches: dict[str, list[float]] = {"gateway": [], "mlflow": []}
    for _ in range(3):  # warm: connections, caches, the replica's first call
        timed(client, endpoint, single, auth)
        timed(client, f"{bare.url}/predict_proba", single, plain)
        timed(client, labels, batch, auth)
        timed(client, f"{mlflow.url}/invocations", batch, plain)
    for _ in range(args.rounds):
        latency["gateway"] += [timed(client, endpoint, single, auth) for _ in range(args.single)]
        latency["bare"] += [
            timed(client, f"{bare.url}/predict_proba", single, plain) for _ in range(args.single)
        ]
        batches["gateway"].append(
            statistics.median(timed(client, labels, batch, auth) for _ in range(args.batches))
        )
        batches["mlflow"].append(
            statistics.median(
                timed(client, f"{mlflow.url}/invocations", batch, plain)
                for _ in range(args.batches)
            )
        )
    p50 = {k: percentile(v, 50) for k, v in latency.items()}
    p99 = {k: percentile(v, 99) for k, v in latency.items()}
    print(f"\nsingle-row requests ({args.rounds} rounds x {args.single}), milliseconds")
    print(f"{'server':10s} {'p50':>8s} {'p99':>8s}")
    for kind in latency:
        print(f"{kind:10s} {p50[kind]:8.2f} {p99[kind]:8.2f}")
    print(f"p50 ratio gateway/bare: {p50['gateway'] / p50['bare']:.2f} (target <= 2)")
    print(f"p99 ratio gateway/bare: {p99['gateway'] / p99['bare']:.2f}")
    rate = {k: 10_000 / min(v) for k, v in batches.items()}
    print("\n10,000-row dataframe_split JSON batches, rows/s (best round of medians)")
    for kind, value in rate.items():
        print(f"{kind:10s} {value:12,.0f}")
    print(f"ratio gateway/mlflow: {rate['gateway'] / rate['mlflow']:.2f} (target >= 1)")


if __name__ == "__main__":
    main()

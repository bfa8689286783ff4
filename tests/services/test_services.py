"""Services against a real local Ray (one per test session, tests/services/conftest.py): seed
000's flow end to end, service functions and m!f routing, logs, scaling bounds, capacity,
suspend/resume, alias following and a killed replica under a stream of calls, and reconcile
after kill -9 of the gateway."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

import sqlgate
from sqlgate import dbapi
from sqlgate.executors import ray_serve
from sqlgate.registry import Registry, custom_model
from tests.service_helpers import CallStream, rows, wait_for

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("ray_cluster")]

RNG = np.random.default_rng(7)
X = pd.DataFrame(RNG.normal(size=(2_000, 3)), columns=["a", "b", "c"])
Y = (X.a + X.b > 0).astype(int)


def service(conn, name: str) -> dict:
    return rows(conn, f"DESCRIBE SERVICE {name}")[0]


@pytest.fixture
def conn():
    with sqlgate.connect(":memory:") as connection:
        yield connection
        prefix = ray_serve.app_name(connection.session.engine.services.key, "")
    # an in-memory engine's services go with its connection: no replica outlives it
    assert not [app for app in ray_serve.states() if app.startswith(prefix)]


def load_table(conn, frame: pd.DataFrame, name: str = "t") -> None:
    conn.execute(f"CREATE TABLE {name} (a DOUBLE, b DOUBLE, c DOUBLE)")
    conn.session._cursor.register("frame_view", frame)
    conn.session._cursor.execute(f"INSERT INTO {name} SELECT a, b, c FROM frame_view")
    conn.session._cursor.unregister("frame_view")


# --- seed 000, as written -----------------------------------------------------------------------


def test_seed_000_flow(conn):
    """Pool -> log model -> create_service -> SELECT MY_SERVICE_PREDICT(...) -> mv.run(...,
    service_name=) -> ALTER SERVICE SUSPEND -> the next call resumes it -> delete_service."""
    conn.execute(
        "CREATE COMPUTE POOL IF NOT EXISTS mypool MIN_NODES = 2 MAX_NODES = 4"
        " INSTANCE_FAMILY = 'CPU_X64_M' AUTO_RESUME = TRUE"
    )
    conn.execute("CREATE IMAGE REPOSITORY IF NOT EXISTS my_inference_images")
    reg = Registry(conn)
    model = LogisticRegression().fit(X, Y)
    mv = reg.log_model(model, model_name="my_model", version_name="v1", sample_input_data=X)
    name = mv.create_service(
        service_name="my_service",
        service_compute_pool="mypool",
        image_repo="my_inference_images",
        ingress_enabled=True,
        gpu_requests=None,
    )
    assert name == "SQLGATE.PUBLIC.MY_SERVICE"
    # idempotent: a second call changes nothing
    assert mv.create_service(service_name="my_service", service_compute_pool="mypool") == name
    described = service(conn, "my_service")
    assert described["status"] == "RUNNING" and described["current_instances"] == 1
    spec = json.loads(described["spec"])
    assert spec["instance_family"]["vcpu"] == 6
    assert spec["ray_actor_options"]["num_cpus"] <= 6  # honest about this machine
    listed = rows(conn, "SHOW SERVICES IN COMPUTE POOL mypool")
    assert [(r["name"], r["status"]) for r in listed] == [("MY_SERVICE", "RUNNING")]
    assert rows(conn, "SHOW COMPUTE POOLS")[0]["num_services"] == 1

    load_table(conn, X)
    expected = model.predict(X)
    scored = rows(conn, "SELECT MY_SERVICE_PREDICT(a, b, c) AS p FROM t")
    assert [r["P"]["output_feature_0"] for r in scored] == list(expected)
    first = rows(conn, "SELECT MY_SERVICE_PREDICT(a, b, c) FROM t LIMIT 1")
    assert list(first[0]) == ["MY_SERVICE_PREDICT(A, B, C)"]
    run = mv.run(X, function_name="predict", service_name="my_service")
    assert list(run["output_feature_0"]) == list(expected)
    endpoint = rows(conn, "SHOW ENDPOINTS IN SERVICE my_service")[0]
    assert endpoint["is_public"] and endpoint["ingress_url"].endswith(
        "/endpoints/SQLGATE.PUBLIC.MY_SERVICE"
    )
    with pytest.raises(dbapi.Error, match=r"MY_SERVICE uses it\. Drop the service first"):
        conn.execute("DROP MODEL my_model")

    conn.execute("ALTER SERVICE my_service SUSPEND")
    assert service(conn, "my_service")["status"] == "SUSPENDED"
    assert (
        ray_serve.replica_ids(conn.session.engine.services.app(service(conn, "my_service"))) == []
    )
    # AUTO_RESUME: the next call resumes the service and waits for it
    again = rows(conn, "SELECT MY_SERVICE_PREDICT(a, b, c):output_feature_0 AS p FROM t")
    assert [r["P"] for r in again] == list(expected)
    assert service(conn, "my_service")["status"] == "RUNNING"

    assert list(mv.list_services()["name"]) == [name]
    mv.delete_service("my_service")
    assert rows(conn, "SHOW SERVICES") == []
    conn.execute("DROP MODEL my_model")  # nothing uses it any more


# --- service functions, m!f routing, logs, errors, scaling, capacity ---------------------------


_IN_CALL: list[int] = []  # one item per call running in the replica now


class Talker(custom_model.CustomModel):
    """Prints a line per call (for the logs), fails on negative inputs (per-row errors), and
    says how many calls were running at once as it ends (busy)."""

    @custom_model.inference_api
    def predict(self, X: pd.DataFrame) -> pd.DataFrame:
        _IN_CALL.append(1)
        print(f"talker scored {len(X)} rows", flush=True)
        if (X["a"] == 7).any():  # slow calls, to fill the replica's bounded queue
            time.sleep(0.5)
        busy = len(_IN_CALL)
        _IN_CALL.pop()
        if (X["a"] < 0).any():
            raise ValueError("negative input")
        return pd.DataFrame(
            {"doubled": X["a"] * 2, "pid": [os.getpid()] * len(X), "busy": [busy] * len(X)}
        )


def test_service_functions_routing_logs_scaling_and_capacity(conn):
    conn.execute(
        "CREATE COMPUTE POOL small MIN_NODES = 1 MAX_NODES = 2 INSTANCE_FAMILY = CPU_X64_XS"
    )
    sample = pd.DataFrame({"a": [1.0, 2.0]})
    reg = Registry(conn)
    reg.log_model(Talker(), model_name="talker", version_name="v1", sample_input_data=sample)
    conn.execute(
        "CREATE SERVICE talk IN COMPUTE POOL small FOR MODEL talker VERSION v1"
        " MIN_INSTANCES = 1 MAX_INSTANCES = 2 AUTO_SUSPEND_SECS = 0"
    )
    # a second service does not fit: the first reserves both nodes (MAX_INSTANCES = 2)
    conn.execute("CREATE SERVICE extra IN COMPUTE POOL small FOR MODEL talker VERSION v1")
    pending = service(conn, "extra")
    assert pending["status"] == "PENDING"
    with pytest.raises(
        dbapi.Error, match="Waiting for capacity: compute pool SMALL has MAX_NODES = 2"
    ):
        conn.execute("SELECT EXTRA_PREDICT(1.0)")
    conn.execute("DROP SERVICE extra")

    conn.execute("CREATE TABLE v (a DOUBLE)")
    conn.execute("INSERT INTO v VALUES (1.5), (-1), (3)")
    # the service function and m!f on the hosted version both run in the replica
    by_function = rows(conn, "SELECT TALK_PREDICT(a) AS r FROM v")
    by_model = rows(conn, "SELECT talker!predict(a) AS r FROM v")
    assert [r["R"]["doubled"] for r in by_function] == [3.0, None, 6.0]
    assert "negative input" in by_function[1]["R"]["ERROR"]  # one bad row loses no other
    assert by_model == by_function
    assert by_function[0]["R"]["pid"] != os.getpid()
    conn.execute("ALTER SESSION SET MODEL_CALL_ON_ERROR = ABORT")
    with pytest.raises(dbapi.Error, match="negative input"):
        conn.execute("SELECT TALK_PREDICT(a) FROM v")
    conn.execute("ALTER SESSION UNSET MODEL_CALL_ON_ERROR")

    logs = rows(conn, "CALL SYSTEM$GET_SERVICE_LOGS('talk', 0, 'model-inference')")[0]
    assert "talker scored" in logs["SYSTEM$GET_SERVICE_LOGS"]
    last = rows(conn, "SELECT SYSTEM$GET_SERVICE_LOGS('talk', '0', 'model-inference', 1) AS l")
    assert len(last[0]["L"].splitlines()) == 1
    with pytest.raises(dbapi.Error, match="has no instance 5"):
        conn.execute("CALL SYSTEM$GET_SERVICE_LOGS('talk', 5, 'model-inference')")
    # small batches go straight to the replica, big ones through Ray's object store: the same
    # answers either way
    conn.execute("CREATE TABLE big AS SELECT range::DOUBLE + 8 AS a FROM range(60000)")
    before = dict(ray_serve.CALLS)
    big = conn.execute("SELECT a, TALK_PREDICT(a):doubled AS d FROM big ORDER BY a").fetchall()
    assert ray_serve.CALLS["by reference"] > before.get("by reference", 0)
    assert len(big) == 60_000 and all(d == 2 * a for a, d in big)
    assert before.get("direct", 0) > 0  # the three-row calls above
    containers = rows(conn, "SHOW SERVICE CONTAINERS IN SERVICE talk")
    assert [(c["instance_id"], c["status"]) for c in containers] == [("0", "READY")]

    # autoscaling stays within its bounds; a fixed size is reached and kept
    assert 1 <= service(conn, "talk")["current_instances"] <= 2
    conn.execute("ALTER SERVICE talk SET MIN_INSTANCES = 2 MAX_INSTANCES = 2")
    wait_for(lambda: service(conn, "talk")["current_instances"] == 2, what="two instances")
    assert len(rows(conn, "SHOW SERVICE INSTANCES IN SERVICE talk")) == 2
    conn.execute("ALTER SERVICE talk MIN_INSTANCES = 1")  # seed 000's form: stays fixed
    described = service(conn, "talk")
    assert (described["min_instances"], described["max_instances"]) == (1, 1)
    wait_for(lambda: service(conn, "talk")["current_instances"] == 1, what="one instance")

    # admission control: 3 calls at once (NUM_WORKERS: 2 x 1 CPU + 1) and 8 queued; more
    # concurrent queries are pushed back and retried with backoff, and none of them fails
    before = ray_serve.RETRIES["BackPressureError"]
    failures: list[BaseException] = []
    busy: list[int] = []

    def slow_query() -> None:
        from sqlgate.gateway.session import Session

        try:
            result = Session(conn.session.engine).execute("SELECT TALK_PREDICT(7.0):busy")
            busy.append(result[-1].table.column(0)[0].as_py())
        except BaseException as e:
            failures.append(e)

    threads = [threading.Thread(target=slow_query) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert ray_serve.RETRIES["BackPressureError"] > before
    # small calls of a fast model are scored on the replica's event loop, one at a time; once
    # this one turned slow it went back to a thread per call, several at once
    assert max(busy) > 1

    with pytest.raises(dbapi.Error, match="TALK uses it"):
        conn.execute("ALTER MODEL talker DROP VERSION v1")  # the default, but refused first
    conn.execute("ALTER COMPUTE POOL small STOP ALL")
    assert rows(conn, "SHOW SERVICES") == []


# --- alias following ---------------------------------------------------------------------------


class Constant(custom_model.CustomModel):
    def __init__(self, value: float) -> None:
        super().__init__()
        self.value = value

    @custom_model.inference_api
    def predict(self, X: pd.DataFrame) -> pd.DataFrame:
        return pd.DataFrame({"v": [self.value] * len(X)})


def test_alias_move_rolls_the_service_without_a_failed_call(conn):
    conn.execute("CREATE COMPUTE POOL p MIN_NODES = 1 MAX_NODES = 1 INSTANCE_FAMILY = CPU_X64_XS")
    reg = Registry(conn)
    sample = pd.DataFrame({"a": [1.0]})
    reg.log_model(Constant(1.0), model_name="c", version_name="v1", sample_input_data=sample)
    reg.log_model(Constant(2.0), model_name="c", version_name="v2", sample_input_data=sample)
    conn.execute("ALTER MODEL c VERSION v1 SET ALIAS = production")
    conn.execute("CREATE SERVICE live IN COMPUTE POOL p FOR MODEL c VERSION production")
    assert rows(conn, "SELECT LIVE_PREDICT(1.0):v AS v")[0]["V"] == 1.0

    with CallStream(conn, "SELECT LIVE_PREDICT(1.0):v AS v", pause=0.05) as calls:
        seen = calls.answers
        wait_for(lambda: len(seen) > 3, what="calls before the move")
        conn.execute("ALTER MODEL c VERSION v1 UNSET ALIAS")
        conn.execute("ALTER MODEL c VERSION v2 SET ALIAS = production")
        wait_for(lambda: seen and seen[-1] == 2.0, what="the service to serve v2")
        count = len(seen)
        wait_for(lambda: len(seen) > count + 3, what="calls after the move")
        # kill the replica process under the stream: Serve replaces it, calls wait and retry
        import ray

        app = conn.session.engine.services.app(service(conn, "live"))
        wait_for(lambda: len(ray_serve.replica_ids(app)) == 1, what="the rolled replica alone")
        (replica,) = ray_serve.replica_ids(app)
        actor = ray.get_actor(f"SERVE_REPLICA::{app}#{ray_serve.DEPLOYMENT}#{replica}", "serve")
        ray.kill(actor, no_restart=True)
        wait_for(
            lambda: (ids := ray_serve.replica_ids(app)) and ids != [replica], what="a new replica"
        )
        count = len(seen)
        wait_for(lambda: len(seen) > count + 3, what="calls after the kill")
    assert calls.failures == []
    assert set(seen) == {1.0, 2.0}
    assert seen[-1] == 2.0 and service(conn, "live")["spec"].count('"version": "V2"') == 1
    # AUTO_SUSPEND_SECS: idle that long, the service suspends (resuming on a call is covered by
    # test_seed_000_flow)
    conn.execute("ALTER SERVICE live SET AUTO_SUSPEND_SECS = 2")
    wait_for(lambda: service(conn, "live")["status"] == "SUSPENDED", what="auto-suspend")
    app = conn.session.engine.services.app(service(conn, "live"))
    wait_for(lambda: ray_serve.replica_ids(app) == [], what="the replicas to stop")
    conn.execute("DROP SERVICE live")


# --- reconcile after kill -9 -------------------------------------------------------------------

GATEWAY = textwrap.dedent(
    """
    import sys, time
    import pandas as pd
    import sqlgate
    from sqlgate.registry import Registry, custom_model

    class Triple(custom_model.CustomModel):
        @custom_model.inference_api
        def predict(self, X):
            return pd.DataFrame({"t": X["a"] * 3})

    conn = sqlgate.connect(sys.argv[1])
    if sys.argv[2] == "create":
        conn.execute("CREATE COMPUTE POOL p MIN_NODES = 1 MAX_NODES = 1"
                     " INSTANCE_FAMILY = CPU_X64_XS")
        Registry(conn).log_model(Triple(), model_name="m", version_name="v1",
                                 sample_input_data=pd.DataFrame({"a": [1.0]}))
        conn.execute("CREATE SERVICE s IN COMPUTE POOL p FOR MODEL m VERSION v1")
    print(conn.execute("SELECT S_PREDICT(2.0):t").fetchall()[0][0], flush=True)
    time.sleep(600)
    """
)


def test_kill_9_and_reconcile(tmp_path: Path):
    """A gateway killed with kill -9 and started again serves the same service (the Ray
    cluster outlives it here: both gateways join the test session's Ray by address)."""
    import ray

    from sqlgate.gateway.engine import engine_for

    # start the session's Ray if no test did yet
    ray_serve.ensure_ray("tests")
    env = {**os.environ, ray_serve.RAY_ADDRESS_ENV: ray.get_runtime_context().gcs_address}
    script = tmp_path / "gateway.py"
    script.write_text(GATEWAY)
    home = tmp_path / "home"

    def start(mode: str) -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, str(script), str(home), mode],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )

    first = start("create")
    try:
        assert first.stdout.readline().strip() == "6.0"
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait()
    second = start("serve")
    try:
        assert second.stdout.readline().strip() == "6.0"
    finally:
        second.send_signal(signal.SIGKILL)
        second.wait()
    # clean up the service the killed gateways left in the shared cluster
    engine_for(home).services.reconcile()
    with sqlgate.connect(home) as conn:
        conn.execute("DROP SERVICE s")

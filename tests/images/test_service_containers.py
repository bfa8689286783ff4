"""Services whose replicas run in their model's own image (issue 6 part 4), against the real
Docker engine and the test session's one real Ray: the model needs a package the gateway lacks,
so its service builds the image (once for the module: the tag is the content) and starts
containers that join Ray as worker nodes; the answers prove they come from inside the image.
Every container this module makes is removed by its fixtures, whatever the tests did."""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import pandas as pd
import pytest

import sqlgate
from sqlgate import dbapi
from sqlgate.executors import ray_serve, service_containers
from sqlgate.registry import Registry, store
from tests import service_helpers as helpers
from tests.images import where_am_i
from tests.service_helpers import CallStream, rows

pytestmark = [
    pytest.mark.slow,
    pytest.mark.usefixtures("ray_cluster"),
    pytest.mark.timeout(900),
]

# not in the gateway's environment: the model can only run in its image
REQUIREMENT = "inflection==0.5.1"
SAMPLE = pd.DataFrame({"a": [1.0]})
FIXTURES = Path(__file__).parents[1] / "fixtures" / "models"


def wait_for(predicate, timeout: float = 240, what: str = "condition"):
    """Longer than the services tests' default: containers start slower than replicas."""
    return helpers.wait_for(predicate, timeout, what)


def app_of(conn, service: str) -> str:
    """The Serve application (and container label) of a service of this module."""
    return conn.session.engine.services.app(rows(conn, f"DESCRIBE SERVICE {service}")[0])


def engine_prefix(conn) -> str:
    return ray_serve.app_name(conn.session.engine.services.key, "")


def saved_model() -> Path:
    """WhereAmI logged once per machine and kept (like the stand-in base image): a custom
    model's pickle differs at every logging (cloudpickle gives a dynamic class a fresh id), so
    logging it anew in each session would change its image's content-hash tag and cost a
    build each time. Registered with CREATE MODEL ... FROM, the same bytes give the same tag."""
    import hashlib

    import cloudpickle

    source = Path(where_am_i.__file__).read_bytes()
    key = hashlib.sha256(source + cloudpickle.__version__.encode()).hexdigest()[:12]
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "sqlgate-tests"
    saved = cache / f"where_am_i-{key}"
    if saved.exists():
        return saved
    with sqlgate.connect(":memory:") as conn:
        Registry(conn).log_model(
            where_am_i.WhereAmI(),
            model_name="where_am_i",
            version_name="v1",
            sample_input_data=SAMPLE,
            pip_requirements=[REQUIREMENT],
        )
        row = conn.session.catalog.one("SELECT artifact FROM model_versions")
        directory = store.resolve(conn.session.engine.models_dir, row["artifact"])
        staging = cache / f".{saved.name}-{os.getpid()}"
        shutil.copytree(directory, staging)
    staging.rename(saved)
    return saved


def gateway_with_model() -> tuple[sqlgate.Connection, object]:
    conn = sqlgate.connect(":memory:")
    conn.execute(
        "CREATE COMPUTE POOL pool MIN_NODES = 1 MAX_NODES = 2 INSTANCE_FAMILY = CPU_X64_XS"
    )
    conn.execute("CREATE IMAGE REPOSITORY images")
    conn.execute(f"CREATE MODEL where_am_i WITH VERSION v1 FROM '{saved_model()}'")
    return conn, Registry(conn).get_model("where_am_i").version("v1")


def remove_containers(prefix: str) -> None:
    for app in service_containers.apps(prefix):
        service_containers.remove(app)


@pytest.fixture(scope="module")
def gateway(base_image):
    conn, mv = gateway_with_model()
    prefix = engine_prefix(conn)
    try:
        yield conn, mv
    finally:
        try:
            conn.close()
            # closing an in-memory engine removes its containers
            assert not service_containers.apps(prefix)
        finally:
            remove_containers(prefix)  # none left behind, even after a failed test


@pytest.fixture(scope="module")
def in_image(gateway):
    """The service, created as seed 000 does (auto: the model's requirement is unmet)."""
    conn, mv = gateway
    started = time.monotonic()
    name = mv.create_service(
        service_name="in_image", service_compute_pool="pool", image_repo="images"
    )
    answer = rows(conn, "SELECT where_am_i!predict(1.5) AS p")[0]["P"]
    print(f"CREATE SERVICE to first prediction in a container: {time.monotonic() - started:.0f} s")
    yield name, answer
    conn.execute("DROP SERVICE IF EXISTS in_image")


def test_an_unmet_requirement_needs_an_image_repository(gateway):
    conn, _ = gateway
    with pytest.raises(dbapi.DataError) as raised:
        conn.execute("CREATE SERVICE nowhere IN COMPUTE POOL pool FOR MODEL where_am_i VERSION v1")
    message = str(raised.value)
    assert REQUIREMENT in message and "not installed in the gateway" in message
    assert "IMAGE_REPOSITORY = <repository>" in message and "image_repo" in message
    with pytest.raises(dbapi.DataError, match=r"RUN_IN_IMAGE = FALSE, but .*inflection"):
        conn.execute(
            "CREATE SERVICE nowhere IN COMPUTE POOL pool FOR MODEL where_am_i VERSION v1"
            " RUN_IN_IMAGE = FALSE IMAGE_REPOSITORY = images"
        )
    with pytest.raises(dbapi.Error, match=r"Image repository .*NO_SUCH_REPO"):
        conn.execute(
            "CREATE SERVICE nowhere IN COMPUTE POOL pool FOR MODEL where_am_i VERSION v1"
            " IMAGE_REPOSITORY = no_such_repo"
        )
    assert rows(conn, "SHOW SERVICES") == []


def test_replicas_answer_from_inside_the_image(gateway, in_image, docker_client):
    conn, _ = gateway
    _, answer = in_image
    # the image's venv and the library only the image has
    assert answer == {"prefix": "/opt/sqlgate/venv", "word": "models", "x": 3.0, "ERROR": None}
    (container,) = rows(conn, "SHOW SERVICE CONTAINERS IN SERVICE in_image")
    assert container["status"] == "READY" and container["restart_count"] == 0
    assert container["image_name"].startswith("sqlgate/public/images/where_am_i-v1:")
    status = rows(conn, "CALL SYSTEM$GET_SERVICE_STATUS('in_image')")[0]
    (entry,) = json.loads(next(iter(status.values())))
    assert entry["status"] == "READY" and entry["image"] == container["image_name"]
    spec = json.loads(rows(conn, "DESCRIBE SERVICE in_image")[0]["spec"])
    assert spec["run_in_image"] and spec["image"] == container["image_name"]
    (resource,) = spec["ray_actor_options"]["resources"]
    assert resource.startswith("sqlgate_image_") and spec["ray_actor_options"]["num_cpus"] == 0
    # the container is a Ray worker node offering that resource, labelled with its service
    app = app_of(conn, "in_image")
    (labelled,) = docker_client.containers.list(
        filters={"label": f"{service_containers.LABEL_APP}={app}"}
    )
    assert labelled.attrs["HostConfig"]["NetworkMode"] == "host"
    assert ray_serve.cluster_resources().get(resource) == 1
    # the replica's log is where SYSTEM$GET_SERVICE_LOGS reads it (mounted into the container)
    logs = rows(conn, "CALL SYSTEM$GET_SERVICE_LOGS('in_image', 0, 'model-inference')")
    assert "ready: SQLGATE.PUBLIC.WHERE_AM_I version V1" in next(iter(logs[0].values()))
    # the image builds are MODEL_BUILD_<id> jobs whose logs read like a service's
    builds = conn.session.catalog.rows("SELECT id, status FROM model_builds ORDER BY started_on")
    for build in builds:
        text = rows(conn, f"CALL SYSTEM$GET_SERVICE_LOGS('{build['id']}', 0, 'model-build', 5)")
        assert len(next(iter(text[0].values())).splitlines()) <= 5


def test_a_killed_container_is_replaced_and_a_running_query_completes(
    gateway, in_image, docker_client
):
    conn, _ = gateway
    app = app_of(conn, "in_image")
    (old,) = service_containers.listed(app)
    with CallStream(conn, "SELECT where_am_i!predict(2.0):x AS x", pause=0.1) as calls:
        answers = calls.answers
        wait_for(lambda: len(answers) > 3, what="calls before the kill")
        docker_client.containers.get(old.id).kill()
        count = len(answers)
        new = wait_for(
            lambda: [c for c in service_containers.listed(app) if c.id != old.id],
            what="a new container",
        )
        wait_for(lambda: len(answers) > count + 3, what="calls after the kill")
    assert calls.failures == [] and set(answers) == {4.0}
    assert [c.id for c in service_containers.listed(app)] == [new[0].id]
    (shown,) = rows(conn, "SHOW SERVICE CONTAINERS IN SERVICE in_image")
    assert shown["restart_count"] == 1 and shown["last_exit_code"] == 137


def test_suspend_and_drop_remove_the_containers(gateway, in_image):
    conn, _ = gateway
    app = app_of(conn, "in_image")
    assert service_containers.listed(app)
    conn.execute("ALTER SERVICE in_image SUSPEND")
    assert service_containers.listed(app) == []
    conn.execute("ALTER SERVICE in_image RESUME")
    wait_for(lambda: service_containers.listed(app), what="containers again after RESUME")
    conn.execute("DROP SERVICE in_image")
    assert service_containers.listed(app) == []
    assert not service_containers.apps(engine_prefix(conn))


def test_a_build_that_fails_makes_the_service_failed(gateway):
    conn, _ = gateway
    Registry(conn).log_model(
        where_am_i.WhereAmI(),
        model_name="broken",
        version_name="v1",
        sample_input_data=SAMPLE,
        pip_requirements=["sqlgate-no-such-package-anywhere==1.0"],
    )
    # an integration whose rules allow none of this machine's indexes: the build stays offline
    conn.execute(
        "CREATE NETWORK RULE IF NOT EXISTS elsewhere MODE = EGRESS TYPE = HOST_PORT"
        " VALUE_LIST = ('example.com')"
    )
    conn.execute(
        "CREATE EXTERNAL ACCESS INTEGRATION IF NOT EXISTS elsewhere_eai"
        " ALLOWED_NETWORK_RULES = (elsewhere) ENABLED = TRUE"
    )
    conn.execute(
        "CREATE SERVICE broken IN COMPUTE POOL pool FOR MODEL broken VERSION v1"
        " IMAGE_REPOSITORY = images EXTERNAL_ACCESS_INTEGRATIONS = (elsewhere_eai)"
    )
    try:
        shown = wait_for(
            lambda: (s := rows(conn, "SHOW SERVICES LIKE 'BROKEN'")[0])["status"] == "FAILED" and s,
            what="the service to fail",
        )
        status = json.loads(
            next(iter(rows(conn, "CALL SYSTEM$GET_SERVICE_STATUS('broken')")[0].values()))
        )
        message = status[0]["message"]
        assert shown["current_instances"] == 0
        assert message.startswith("Building image MODEL_BUILD_") and "failed" in message
        assert "sqlgate-no-such-package-anywhere" in message
        build_id = message.split()[2]
        log = rows(conn, f"CALL SYSTEM$GET_SERVICE_LOGS('{build_id}', 0, 'model-build')")
        assert "ERROR:" in next(iter(log[0].values()))
        assert "integration ELSEWHERE_EAI allows none" in next(iter(log[0].values()))
        assert json.loads(shown["external_access_integrations"]) == ["ELSEWHERE_EAI"]
        with pytest.raises(dbapi.Error, match="BROKEN FAILED: Building image"):
            conn.execute("SELECT broken!predict(1.0)")
        assert service_containers.listed(conn.session.engine.services.app(shown)) == []
    finally:
        conn.execute("DROP SERVICE broken")


def test_a_container_that_exits_at_start_is_a_failure_with_its_last_lines(gateway, tmp_path):
    """The standalone image has no Ray: its container cannot join, and the executor says so
    instead of restarting it forever."""
    conn, mv = gateway
    standalone = mv.build_image("images", progress=False)  # built with the service's image
    app = engine_prefix(conn) + "exits-at-start"
    history = service_containers.History()
    try:
        service_containers.ensure(
            app,
            standalone.image,
            "sqlgate_image_test",
            1,
            ray_serve.gcs_address(),
            0,
            str(tmp_path),
            history,
        )
        assert history.failure is not None and "could not start" in history.failure
        assert "ray" in history.failure
        assert service_containers.listed(app) == []
    finally:
        service_containers.remove(app)


def test_gpu_requests_where_docker_has_no_gpus_is_pending_with_the_reason(gateway, docker_client):
    if "nvidia" in (docker_client.info().get("Runtimes") or {}):
        pytest.skip("this machine's Docker can give containers GPUs")
    conn, _ = gateway
    conn.execute("CREATE COMPUTE POOL gpus MIN_NODES = 1 MAX_NODES = 1 INSTANCE_FAMILY = GPU_NV_S")
    conn.execute(
        "CREATE SERVICE on_gpu IN COMPUTE POOL gpus FOR MODEL where_am_i VERSION v1"
        " GPU_REQUESTS = 1 RUN_IN_IMAGE = TRUE IMAGE_REPOSITORY = images"
    )
    try:
        shown = rows(conn, "SHOW SERVICES LIKE 'ON_GPU'")[0]
        assert shown["status"] == "PENDING"
        with pytest.raises(dbapi.Error, match="no GPU runtime"):
            conn.execute("SELECT where_am_i!predict(1.0)")
        assert service_containers.listed(conn.session.engine.services.app(shown)) == []
    finally:
        conn.execute("DROP SERVICE on_gpu")
        conn.execute("DROP COMPUTE POOL gpus")


def test_closing_an_in_memory_engine_removes_its_containers(gateway):
    """A second gateway with the same model: its image exists already (the tag is the
    content), so this costs only the containers."""
    conn, mv = gateway_with_model()
    prefix = engine_prefix(conn)
    try:
        mv.create_service(
            service_name="short_lived",
            service_compute_pool="pool",
            image_repo="images",
            run_in_image=True,
        )
        assert rows(conn, "SELECT where_am_i!predict(1.0):word AS w")[0]["W"] == "models"
        assert service_containers.apps(prefix)
        conn.close()
        assert not service_containers.apps(prefix)
    finally:
        remove_containers(prefix)


def test_a_model_of_another_python_fails_before_any_build(gateway, tmp_path):
    """Its image would run that Python, and a Ray node must run the gateway's: the service
    fails at once, saying so, with nothing built or started."""
    conn, _ = gateway
    logged = tmp_path / "py312"
    shutil.copytree(FIXTURES / "linear", logged)
    manifest = json.loads((logged / "manifest.json").read_text())
    (logged / "manifest.json").write_text(json.dumps({**manifest, "python_version": "3.12"}))
    conn.execute(f"CREATE MODEL py312 FROM '{logged}'")
    builds = conn.session.catalog.one("SELECT count(*) AS n FROM model_builds")["n"]
    conn.execute(
        "CREATE SERVICE py312 IN COMPUTE POOL pool FOR MODEL py312 VERSION v1"
        " RUN_IN_IMAGE = TRUE IMAGE_REPOSITORY = images"
    )
    try:
        shown = rows(conn, "SHOW SERVICES LIKE 'PY312'")[0]
        assert shown["status"] == "FAILED"
        with pytest.raises(dbapi.Error, match=r"logged with Python 3\.12.*gateway's \(3\.11\)"):
            conn.execute("SELECT py312!predict(1.0, 2.0)")
        assert conn.session.catalog.one("SELECT count(*) AS n FROM model_builds")["n"] == builds
        assert service_containers.listed(conn.session.engine.services.app(shown)) == []
    finally:
        conn.execute("DROP SERVICE py312")

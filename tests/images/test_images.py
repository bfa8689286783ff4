"""Model images against the real Docker engine (DESIGN §7): base image, build, no-op rebuild,
content-hash tags, SHOW IMAGES, build logs, and the standalone server's protocols."""

from __future__ import annotations

import dataclasses
import json
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np
import pyarrow as pa
import pytest
import requests

from sqlgate.errors import ObjectNotFound
from sqlgate.executors import docker_build
from sqlgate.executors.docker_build import ImageBuildError
from sqlgate.images import context as contexts
from sqlgate.images import wheelhouse
from sqlgate.registry import manifest as manifests
from sqlgate.registry import store
from sqlgate.runtime.protocols import ARROW_STREAM
from tests.images.conftest import MAX_BODY

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]


def test_base_image_looks_like_the_official_one(docker_client, base_image):
    output = docker_client.containers.run(
        base_image.tag,
        [
            "sh",
            "-c",
            "for p in python3 python pip; do command -v $p; done;"
            " python3 -c 'import sys, ssl, venv; print(sys.version_info[:2])'",
        ],
        remove=True,
    ).decode()
    assert output.split() == [
        "/usr/local/bin/python3",
        "/usr/local/bin/python",
        "/usr/local/bin/pip",
        "(3,",
        "11)",
    ]


def test_build_shows_progress_and_records_its_log(sklearn_build):
    built = sklearn_build.built
    assert built.image.startswith("sqlgate/public/my_images/clf-v1:")
    assert built.tag == built.image.rsplit(":", 1)[1] and len(built.tag) == 20
    # built now, or by an earlier session on this engine (the tag is the content)
    if built.built:
        assert any("Step " in m for m in sklearn_build.progress)
        assert any("wheels" in m for m in sklearn_build.progress)
        row = sklearn_build.conn.session.catalog.one(
            "SELECT * FROM model_builds WHERE id = ?", [built.build_id]
        )
        assert row["status"] == "DONE" and row["image"] == built.image
        assert "Successfully built" in row["log"]
        assert built.log_path.read_text() == row["log"]
        assert docker_build.build_log(sklearn_build.conn.session, built.build_id) == row["log"]
        assert built.log_path.parent == sklearn_build.home / "images" / "builds"
    else:
        assert sklearn_build.progress == [f"{built.image} is up to date"]


def test_building_twice_is_a_no_op(sklearn_build, docker_client):
    builds = "SELECT count(*) AS n FROM model_builds"
    before = sklearn_build.conn.session.catalog.one(builds)["n"]
    again = sklearn_build.version.build_image("my_images", progress=False)
    assert (again.built, again.image, again.image_id) == (
        False,
        sklearn_build.built.image,
        sklearn_build.built.image_id,
    )
    assert again.build_id is None
    assert sklearn_build.conn.session.catalog.one(builds)["n"] == before


def test_a_changed_requirement_gets_a_new_tag(sklearn_build, docker_client, base_image):
    session = sklearn_build.conn.session
    artifact = session.catalog.one("SELECT artifact FROM model_versions WHERE name = 'V1'")
    model_dir = store.resolve(session.engine.models_dir, artifact["artifact"])
    manifest, _ = manifests.load(model_dir)
    labels = {"k": "v"}

    def tag(m: manifests.Manifest, extra: tuple[str, ...] = ()) -> str:
        return contexts.plan(
            m, model_dir, "label", base_image.tag, base_image.image_id, labels, extra
        ).tag

    same = tag(manifest)
    changed = dataclasses.replace(manifest, requirements=(*manifest.requirements, "joblib<9"))
    assert tag(manifest) == same  # deterministic
    assert tag(changed) != same
    assert tag(manifest, ("ray==2.60.0",)) not in (same, tag(changed))
    reference = sklearn_build.built.image.rsplit(":", 1)[0]
    assert not docker_client.images.list(name=f"{reference}:{tag(changed)}")  # so it builds


def test_show_images_lists_the_real_image(sklearn_build):
    result = sklearn_build.conn.execute("SHOW IMAGES IN IMAGE REPOSITORY my_images")
    rows = [
        dict(zip([d[0] for d in result.description], r, strict=True)) for r in result.fetchall()
    ]
    ours = [r for r in rows if r["image_path"] == sklearn_build.built.image]
    assert len(ours) == 1
    row = ours[0]
    assert (row["image_name"], row["tags"]) == ("clf-v1", sklearn_build.built.tag)
    assert row["digest"] == sklearn_build.built.image_id
    assert row["size"] == sklearn_build.built.size > 0
    assert row["created_on"] is not None
    assert list(rows[0]) == ["created_on", "image_name", "tags", "digest", "image_path", "size"]


def test_missing_base_image_is_a_clear_error(sklearn_build, monkeypatch):
    monkeypatch.setenv("SQLGATE_BASE_IMAGE", "sqlgate-test/no-such-base:1")
    with pytest.raises(ImageBuildError) as caught:
        sklearn_build.version.build_image("my_images", progress=False)
    assert "sqlgate-test/no-such-base:1 is not in the Docker engine" in caught.value.message
    assert "sqlgate images build-base" in caught.value.message


def test_unknown_repository_or_integration(sklearn_build):
    with pytest.raises(ObjectNotFound, match=r"Image repository 'SQLGATE\.PUBLIC\.NOPE' does not"):
        sklearn_build.version.build_image("nope", progress=False)
    with pytest.raises(ObjectNotFound, match="Integration 'NOPE' does not exist"):
        sklearn_build.version.build_image(
            "my_images", external_access_integration="nope", progress=False
        )


def test_unresolvable_requirement_fails_offline_with_its_name(sklearn_build, base_image):
    registry = sklearn_build.version._registry
    from sklearn.dummy import DummyClassifier

    bad = registry.log_model(
        DummyClassifier().fit(sklearn_build.X, [0] * 8),
        model_name="clf",
        version_name="broken",
        sample_input_data=sklearn_build.X,
        pip_requirements=["sqlgate-test-no-such-package==0.0.1"],
    )
    with pytest.raises(ImageBuildError) as caught:
        bad.build_image("my_images", progress=False)
    message = caught.value.message
    assert "sqlgate-test-no-such-package==0.0.1" in message and "MODEL_BUILD_" in message
    row = sklearn_build.conn.session.catalog.one(
        "SELECT * FROM model_builds WHERE version_name = 'BROKEN'"
    )
    assert row["status"] == "FAILED" and "sqlgate-test-no-such-package" in row["log"]
    assert row["error"] in message
    assert "No matching distribution" in docker_build.build_log(
        sklearn_build.conn.session, row["id"]
    )


def test_builds_have_no_network_without_an_integration(docker_client, base_image, tmp_path):
    """What a build step sees: only the loopback interface offline, a real one with indexes."""
    seen = {}
    for settings in ({}, {"PIP_INDEX_URL": "http://127.0.0.1:9/simple"}):
        (tmp_path / "Dockerfile").write_text(
            f"FROM {base_image.tag}\nARG PIP_ENV\nRUN ls /sys/class/net && echo $PIP_ENV\n"
        )
        log: list[str] = []
        image = docker_build.docker_build(
            docker_client,
            tmp_path,
            "sqlgate-test/network-probe:1",
            "TEST",
            settings,
            log.append,
            lambda _: None,
        )
        docker_client.images.remove(image.id, force=True)
        seen[bool(settings)] = log
    assert "lo" in seen[False] and not any(line.startswith("eth") for line in seen[False])
    assert any(line.startswith("eth") for line in seen[True])


def test_a_failing_build_step_is_an_error_with_its_output(docker_client, base_image, tmp_path):
    (tmp_path / "Dockerfile").write_text(
        f"FROM {base_image.tag}\nRUN echo 'the model needs Python 3.99' && exit 3\n"
    )
    log: list[str] = []
    with pytest.raises(ImageBuildError) as caught:
        docker_build.docker_build(
            docker_client,
            tmp_path,
            "sqlgate-test/failing:1",
            "TEST",
            {},
            log.append,
            lambda _: None,
        )
    assert "returned a non-zero code: 3" in caught.value.message
    assert "the model needs Python 3.99" in caught.value.message  # the step's own output
    assert not docker_client.images.list(name="sqlgate-test/failing")


def test_an_integration_lets_the_build_use_the_indexes_it_allows(
    sklearn_build, docker_client, base_image, tmp_path
):
    """The machine's own index (read from pip, never named here) allowed by a network rule is
    usable inside a build step, with the machine's CA bundle; another rule allows nothing."""
    index = wheelhouse.pip_indexes()[0]
    parts = urlsplit(index)
    host_port = f"{parts.hostname}:{parts.port or (443 if parts.scheme == 'https' else 80)}"
    conn = sklearn_build.conn
    for name, value in (("pkg", host_port), ("elsewhere", "example.invalid:443")):
        conn.execute(
            f"CREATE NETWORK RULE {name}_rule MODE = EGRESS TYPE = HOST_PORT"
            f" VALUE_LIST = ('{value}')"
        )
        conn.execute(
            f"CREATE EXTERNAL ACCESS INTEGRATION {name}_access"
            f" ALLOWED_NETWORK_RULES = ({name}_rule) ENABLED = TRUE"
        )
    session = conn.session
    log: list[str] = []

    def settings_of(integration: str) -> dict[str, str]:
        rules = docker_build.integration_rules(session, integration)
        return docker_build.index_settings(integration, rules, log.append)

    assert settings_of("ELSEWHERE_ACCESS") == {}
    assert "allows none of this machine's package indexes" in log[-1]
    settings = settings_of("PKG_ACCESS")
    assert settings["PIP_INDEX_URL"] == index
    (tmp_path / "pip-cert.pem").touch()
    (tmp_path / "Dockerfile").write_text(
        f"FROM {base_image.tag}\nARG PIP_ENV\nCOPY pip-cert.pem /tmp/build/\n"
        "RUN env $PIP_ENV python3 -m pip download -q --no-deps -d /tmp/got six && ls /tmp/got\n"
    )
    image = docker_build.docker_build(
        docker_client,
        tmp_path,
        "sqlgate-test/index-probe:1",
        "TEST",
        settings,
        log.append,
        lambda _: None,
    )
    docker_client.images.remove(image.id, force=True)
    assert any(line.startswith("six-") and line.endswith(".whl") for line in log), log[-10:]


def _call(server: str, method: str, body: bytes, content_type: str) -> requests.Response:
    return requests.post(
        f"{server}/{method}", data=body, headers={"Content-Type": content_type}, timeout=30
    )


def test_health(server):
    health = requests.get(f"{server}/health", timeout=5).json()
    assert health["status"] == "ok"
    assert "predict" in health["functions"] and "predict_proba" in health["functions"]
    assert health["model"] == "Model SQLGATE.PUBLIC.CLF version V1"


def test_every_body_format_predicts_as_the_in_process_model(server, sklearn_build):
    X = sklearn_build.X
    expected = sklearn_build.version.run(X, function_name="predict_proba")
    columns = ["output_feature_0", "output_feature_1"]
    want = expected[columns].to_numpy().tolist()
    rows = X.to_numpy().tolist()
    bodies = {
        "snowflake": {"data": [[i, *r] for i, r in enumerate(rows)]},
        "dataframe_split": {"dataframe_split": {"columns": ["a", "b"], "data": rows}},
        "dataframe_records": {"dataframe_records": X.to_dict(orient="records")},
        "inputs": {"inputs": X.to_dict(orient="list")},
    }
    for name, body in bodies.items():
        response = _call(server, "predict_proba", json.dumps(body).encode(), "application/json")
        assert response.status_code == 200, (name, response.text)
        payload = response.json()
        if name == "snowflake":
            assert [r[0] for r in payload["data"]] == list(range(len(rows)))
            got = [[r[1][c] for c in columns] for r in payload["data"]]
        else:
            got = [[r[c] for c in columns] for r in payload["predictions"]]
        np.testing.assert_allclose(got, want, err_msg=name)
    sink = pa.BufferOutputStream()
    table = pa.Table.from_pandas(X, preserve_index=False)
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    response = _call(server, "predict_proba", sink.getvalue().to_pybytes(), ARROW_STREAM)
    assert response.status_code == 200 and response.headers["content-type"] == ARROW_STREAM
    got = pa.ipc.open_stream(response.content).read_all().to_pandas()[columns]
    np.testing.assert_allclose(got.to_numpy(), want)
    labels = _call(server, "predict", json.dumps(bodies["snowflake"]).encode(), "application/json")
    predicted = [r[1]["output_feature_0"] for r in labels.json()["data"]]
    assert (
        predicted
        == sklearn_build.version.run(X, function_name="predict")["output_feature_0"].tolist()
    )


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (b"{oops", "not valid JSON"),
        (b'{"data": [[0, "x", 1.0]]}', "column 'a' expects DOUBLE"),
        (b'{"dataframe_records": [{"a": 1.0}]}', "has no column 'b'"),
    ],
)
def test_bad_bodies_are_400_naming_the_problem(server, body, problem):
    response = _call(server, "predict", body, "application/json")
    assert response.status_code == 400
    assert problem in response.json()["error"]


def test_too_large_is_413_saying_how_to_send_more(server):
    rows = [[i, 1.0, 2.0] for i in range(MAX_BODY // 10)]
    response = _call(server, "predict", json.dumps({"data": rows}).encode(), "application/json")
    assert response.status_code == 413
    assert "several smaller requests" in response.json()["error"]


def test_unknown_method_is_404_listing_the_methods(server):
    response = _call(server, "explain", b'{"data": []}', "application/json")
    assert response.status_code == 404 and "/predict_proba" in response.json()["error"]
    # MLflow's /invocations names no function: only a single-function model answers it
    response = _call(server, "invocations", b'{"data": []}', "application/json")
    assert response.status_code == 404 and "/predict" in response.json()["error"]


def test_cli_build_of_the_same_model_elsewhere_is_a_no_op(sklearn_build, tmp_path, monkeypatch):
    """Another data directory with the same version content finds the image by its tag."""
    # a bytecode cache for the programs (each start would recompile everything without one)
    monkeypatch.delenv("PYTHONDONTWRITEBYTECODE", raising=False)
    monkeypatch.setenv("PYTHONPYCACHEPREFIX", str(tmp_path / "pycache"))
    session = sklearn_build.conn.session
    artifact = session.catalog.one("SELECT artifact FROM model_versions WHERE name = 'V1'")
    source = tmp_path / "clf_v1"
    shutil.copytree(store.resolve(session.engine.models_dir, artifact["artifact"]), source)
    program = [str(Path(sys.executable).parent / "sqlgate"), "--home", str(tmp_path / "home")]
    setup = subprocess.run(
        [
            *program,
            "-v",
            "ON_ERROR_STOP=1",
            "-c",
            "CREATE IMAGE REPOSITORY my_images",
            "-c",
            f"CREATE MODEL clf WITH VERSION v1 FROM '{source}'",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert setup.returncode == 0, setup.stderr
    done = subprocess.run(
        [*program, "images", "build", "clf", "v1", "--repo", "my_images"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == sklearn_build.built.image
    assert "is up to date" in done.stderr
    missing = subprocess.run(
        [*program, "images", "build", "clf", "v9", "--repo", "my_images"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert missing.returncode == 1 and "V9" in missing.stderr

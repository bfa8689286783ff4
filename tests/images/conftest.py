"""Real Docker: on the stand-in base image (tests/conftest.py), one scikit-learn model's image
once per test session; its container runs on a free loopback port and is removed afterwards."""

from __future__ import annotations

import socket
import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
import requests
from sklearn.linear_model import LogisticRegression

import sqlgate
from sqlgate.executors.docker_build import BuiltImage
from sqlgate.registry import Registry
from sqlgate.registry.api import ModelVersion


@dataclass
class SklearnBuild:
    home: Path
    conn: sqlgate.Connection
    version: ModelVersion
    built: BuiltImage
    progress: list[str]
    X: pd.DataFrame


@pytest.fixture(scope="session")
def sklearn_build(base_image, tmp_path_factory) -> SklearnBuild:
    home = tmp_path_factory.mktemp("images") / "home"
    X = pd.DataFrame({"a": [0.0, 1, 2, 3, 4, 5, 6, 7], "b": [1.0, 0, 1, 0, 1, 0, 1, 0]})
    y = [0, 0, 0, 0, 1, 1, 1, 1]
    conn = sqlgate.connect(home)
    registry = Registry(session=conn)
    version = registry.log_model(
        LogisticRegression().fit(X, y), model_name="clf", version_name="v1", sample_input_data=X
    )
    conn.execute("CREATE IMAGE REPOSITORY my_images")
    progress: list[str] = []
    built = version.build_image("my_images", progress=progress.append)
    yield SklearnBuild(home, conn, version, built, progress, X)
    conn.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


MAX_BODY = 20_000


@pytest.fixture(scope="session")
def server(docker_client, sklearn_build) -> str:
    """The image running standalone, as `docker run -p 8080:8080 <image>` would; its URL."""
    port = free_port()
    container = docker_client.containers.run(
        sklearn_build.built.image,
        detach=True,
        ports={"8080/tcp": ("127.0.0.1", port)},
        environment={"SQLGATE_MAX_BODY_BYTES": str(MAX_BODY)},
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                if requests.get(f"{url}/health", timeout=2).ok:
                    break
            except requests.ConnectionError:
                pass
            container.reload()
            if container.status == "exited" or time.monotonic() > deadline:
                raise AssertionError(f"container did not start:\n{container.logs().decode()}")
            time.sleep(0.5)
        yield url
    finally:
        container.remove(force=True)

"""One real uvicorn server on 127.0.0.1 (a free port) for the server tests, on a fresh data
directory whose ADMIN password comes from SQLGATE_ADMIN_PASSWORD, with a model to call."""

from __future__ import annotations

import os
import socket
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import requests
import snowflake.connector
import uvicorn
from sklearn.linear_model import LinearRegression

from sqlgate.gateway.engine import Engine
from sqlgate.server.app import create_app
from tests.test_model_calls import save_version

ADMIN_PASSWORD = "admin-test-password"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, home: Path, **options) -> None:
        os.environ["SQLGATE_ADMIN_PASSWORD"] = ADMIN_PASSWORD
        try:
            self.engine = Engine(home)
            self.app = create_app(self.engine, **options)
        finally:
            del os.environ["SQLGATE_ADMIN_PASSWORD"]
        self.port = free_port()
        config = uvicorn.Config(
            self.app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="on"
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            assert time.monotonic() < deadline, "server did not start"
            time.sleep(0.05)
        self.url = f"http://127.0.0.1:{self.port}"

    def connect(self, user: str = "admin", password: str = ADMIN_PASSWORD, **kwargs):
        return snowflake.connector.connect(
            host="127.0.0.1",
            port=self.port,
            protocol="http",
            account="sqlgate",
            user=user,
            password=password,
            login_timeout=15,
            network_timeout=30,
            **kwargs,
        )

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=15)
        self.engine.close()


@pytest.fixture(scope="session")
def model_dir(tmp_path_factory) -> Path:
    sample = pd.DataFrame({"a": np.arange(20.0), "b": np.arange(20.0) * 2})
    model = LinearRegression().fit(sample.to_numpy(), sample.a + sample.b)
    return save_version(model, sample, ["predict"], tmp_path_factory.mktemp("model") / "v1")


@pytest.fixture(scope="session")
def server(tmp_path_factory, model_dir):
    srv = Server(tmp_path_factory.mktemp("home"), max_body_bytes=256 * 1024)
    with srv.connect() as conn:
        conn.cursor().execute(f"CREATE MODEL sqlgate.public.linear FROM '{model_dir}'")
    yield srv
    srv.stop()


@pytest.fixture
def admin(server):
    with server.connect(paramstyle="qmark") as conn:
        yield conn


def make_user(server, name: str, *, role: str | None = None, password: str = "pw") -> str:
    """A user (and a role of the same name granted to it); returns a fresh PAT secret."""
    with server.connect() as conn:
        cur = conn.cursor()
        role = role or f"{name}_role"
        cur.execute(f"CREATE ROLE IF NOT EXISTS {role}")
        cur.execute(
            f"CREATE USER IF NOT EXISTS {name} PASSWORD = '{password}' DEFAULT_ROLE = {role}"
        )
        cur.execute(f"GRANT ROLE {role} TO USER {name}")
        cur.execute(f"GRANT USAGE ON DATABASE sqlgate TO ROLE {role}")
        cur.execute(f"GRANT USAGE ON SCHEMA sqlgate.public TO ROLE {role}")
        token = f"t{int(time.time() * 1e6)}"
        cur.execute(f"ALTER USER {name} ADD PROGRAMMATIC ACCESS TOKEN {token}")
        return cur.fetchall()[0][1]


def sql_api(server, token: str | None, body, *, params=None, headers=None, raw=None):
    all_headers = {"Authorization": f"Bearer {token}"} if token else {}
    all_headers.update(headers or {})
    if raw is not None:
        return requests.post(
            f"{server.url}/api/v2/statements", data=raw, headers=all_headers, params=params
        )
    return requests.post(
        f"{server.url}/api/v2/statements", json=body, headers=all_headers, params=params
    )

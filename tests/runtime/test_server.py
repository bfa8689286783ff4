"""The model server of sqlgate/runtime/server.py over real HTTP on 127.0.0.1, in-process (the
Docker tests run the same server inside a model image)."""

from __future__ import annotations

import socket
import threading
import time

import pandas as pd
import pytest
import requests
import uvicorn

from sqlgate.registry import custom_model
from sqlgate.registry.version_dir import save_model
from sqlgate.runtime import server
from sqlgate.runtime.loaded import LoadedModel

LIMIT = 2_000


class Doubler(custom_model.CustomModel):
    @custom_model.inference_api
    def predict(self, X: pd.DataFrame) -> pd.DataFrame:
        return pd.DataFrame({"doubled": X["value"] * 2})


@pytest.fixture(scope="module")
def url(tmp_path_factory):
    directory = tmp_path_factory.mktemp("doubler")
    save_model(
        Doubler(custom_model.ModelContext()),
        directory,
        label="doubler",
        sample_input_data=pd.DataFrame({"value": [1.0, 2.0]}),
    )
    app = server.create_app(LoadedModel.load(directory, "Model DOUBLER"), limit=LIMIT)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    instance = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    while not instance.started:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    instance.should_exit = True
    thread.join(10)


def test_invocations_calls_the_only_function(url):
    response = requests.post(f"{url}/invocations", json={"inputs": {"value": [1.5]}}, timeout=10)
    assert response.json() == {"predictions": [3.0]}
    response = requests.post(f"{url}/PREDICT", json={"data": [[4, 2.0]]}, timeout=10)
    assert response.json() == {"data": [[4, {"doubled": 4.0}]]}


def test_a_streamed_body_over_the_limit_is_413(url):
    rows = (f"[{i}, 1.0]," for i in range(LIMIT))

    def chunks():  # no Content-Length: the server counts what arrives
        yield b'{"data": ['
        for row in rows:
            yield row.encode()
        yield b"[0, 1.0]]}"

    response = requests.post(
        f"{url}/predict", data=chunks(), headers={"Content-Type": "application/json"}, timeout=10
    )
    assert response.status_code == 413
    assert f"at most {LIMIT} bytes" in response.json()["error"]


def test_a_null_input_gets_a_null_output(url):
    response = requests.post(f"{url}/predict", json={"data": [[0, None]]}, timeout=10)
    # a NULL input reaches the model as NaN; NaN is answered as JSON null
    assert response.status_code == 200 and response.json() == {"data": [[0, {"doubled": None}]]}

"""Service ingress over real HTTP: a real uvicorn server (tests/server's) on the session's local
Ray, one service for the module. Seed 000's HTTP example as written (a connector session token),
programmatic access tokens with every body format, and what bad callers and bad bodies get."""

from __future__ import annotations

import io
import json

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
import requests
import snowflake.connector
from sklearn.linear_model import LinearRegression

from sqlgate.gateway.session import Session
from tests.server.conftest import Server, make_user
from tests.test_model_calls import save_version

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("ray_cluster")]

SAMPLE = pd.DataFrame({"a": np.arange(50.0), "b": np.arange(50.0) * 2})
MODEL = LinearRegression().fit(SAMPLE.to_numpy(), SAMPLE.a * 3 + SAMPLE.b)
INPUT = pd.DataFrame({"a": [1.0, 2.5, -4.0], "b": [0.5, 7.0, 2.0]})
EXPECTED = list(MODEL.predict(INPUT.to_numpy()))


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    srv = Server(tmp_path_factory.mktemp("home"), max_body_bytes=64 * 1024)
    srv.engine.http_address = f"127.0.0.1:{srv.port}"  # what `sqlgate serve` records
    version = save_version(MODEL, SAMPLE, ["predict"], tmp_path_factory.mktemp("m") / "v1")
    try:
        with srv.connect() as conn:
            cur = conn.cursor()
            cur.execute(
                "CREATE COMPUTE POOL pool MIN_NODES = 1 MAX_NODES = 2"
                " INSTANCE_FAMILY = 'CPU_X64_XS'"
            )
            cur.execute(f"CREATE MODEL lin FROM '{version}'")
            cur.execute(
                "CREATE SERVICE svc IN COMPUTE POOL pool FOR MODEL lin VERSION v1"
                " INGRESS_ENABLED = TRUE"
            )
            cur.execute("CREATE SERVICE closed IN COMPUTE POOL pool FOR MODEL lin VERSION v1")
            cur.execute("CALL SYSTEM$GET_SERVICE_STATUS('svc', 300)")
            assert "READY" in cur.fetchall()[0][0]
        yield srv
    finally:
        # a data directory's services outlive its engine: drop them even when set-up failed,
        # so later tests get the session's Ray back (in process: deleting Serve applications
        # can outlast the connector's network timeout)
        admin = Session(srv.engine)
        admin.execute("DROP SERVICE IF EXISTS svc; DROP SERVICE IF EXISTS closed")
        admin.close()
        srv.stop()


@pytest.fixture(scope="module")
def ana(server) -> str:
    """A user whose role holds USAGE on the service (and nothing on the model)."""
    token = make_user(server, "ana")
    with server.connect() as conn:
        conn.cursor().execute("GRANT USAGE ON SERVICE sqlgate.public.svc TO ROLE ana_role")
    return token


@pytest.fixture(scope="module")
def url(server) -> str:
    with server.connect() as conn:
        cur = conn.cursor()
        cur.execute("SHOW ENDPOINTS IN SERVICE svc")
        names = [d[0] for d in cur.description]
        endpoint = dict(zip(names, cur.fetchall()[0], strict=True))
    assert endpoint["is_public"] is True
    return "http://" + endpoint["ingress_url"]


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def test_seed_000_http_example_as_written(server, ana, url):
    """Seed 000's example: a connector session's token in `Snowflake Token="..."`, rows as
    [index, a, b], answered [index, result] in order."""
    connection = snowflake.connector.connect(
        host="127.0.0.1", port=server.port, protocol="http", account="sqlgate",
        user="ana", password="pw",
        session_parameters={"PYTHON_CONNECTOR_QUERY_RESULT_FORMAT": "json"},
    )  # fmt: skip
    token = connection._rest._token_request("ISSUE")
    headers = {"Authorization": f'Snowflake Token="{token["data"]["sessionToken"]}"'}
    data = {"data": []}
    for idx, x in enumerate(INPUT.itertuples(index=False)):
        data["data"].append([idx, *x])
    output = requests.post(url + "/predict", json=data, headers=headers)
    assert output.status_code == 200, output.text
    answered = json.loads(output.content)["data"]
    assert [row[0] for row in answered] == [0, 1, 2]
    assert [row[1]["output_feature_0"] for row in answered] == pytest.approx(EXPECTED)


@pytest.mark.parametrize(
    "body",
    [
        {"dataframe_split": {"columns": ["a", "b"], "data": INPUT.values.tolist()}},
        {"dataframe_records": INPUT.to_dict(orient="records")},
        {"inputs": {"a": INPUT.a.tolist(), "b": INPUT.b.tolist()}},
    ],
    ids=["dataframe_split", "dataframe_records", "inputs"],
)
def test_mlflow_formats_with_a_token(ana, url, body):
    answer = requests.post(url + "/PREDICT", json=body, headers=bearer(ana))
    assert answer.status_code == 200, answer.text
    assert answer.json()["predictions"] == pytest.approx(EXPECTED)


def test_arrow_in_arrow_out(ana, url):
    sink = io.BytesIO()
    table = pa.Table.from_pandas(INPUT, preserve_index=False)
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    answer = requests.post(
        url + "/predict",
        data=sink.getvalue(),
        headers={**bearer(ana), "Content-Type": "application/vnd.apache.arrow.stream"},
    )
    assert answer.status_code == 200, answer.text
    result = pa.ipc.open_stream(answer.content).read_all()
    assert result.column("output_feature_0").to_pylist() == pytest.approx(EXPECTED)


def test_metrics_count_rows_per_service(server, ana, url):
    requests.post(url + "/predict", json={"data": [[0, 1.0, 2.0]]}, headers=bearer(ana))
    text = requests.get(f"{server.url}/metrics").text
    assert 'sqlgate_service_rows_total{method="PREDICT",service="SQLGATE.PUBLIC.SVC"' in text


def test_callers_without_credentials_or_usage_are_refused(server, ana, url):
    body = {"data": [[0, 1.0, 2.0]]}
    anonymous = requests.post(url + "/predict", json=body)
    assert anonymous.status_code == 401
    assert "programmatic access token" in anonymous.json()["message"]
    forged = requests.post(url + "/predict", json=body, headers=bearer(ana[:-4] + "AAAA"))
    assert forged.status_code == 401
    stale = requests.post(
        url + "/predict", json=body, headers={"Authorization": 'Snowflake Token="x"'}
    )
    assert stale.status_code == 401
    # a user whose role holds nothing on the service learns nothing about it
    bob = make_user(server, "bob")
    refused = requests.post(url + "/predict", json=body, headers=bearer(bob))
    assert refused.status_code == 404
    assert "does not exist or not authorized" in refused.json()["message"]


def test_bad_requests_name_the_problem(server, ana, url):
    body = {"data": [[0, 1.0, 2.0]]}
    unknown = requests.post(url + "/explain", json=body, headers=bearer(ana))
    assert unknown.status_code == 404 and "/predict" in unknown.json()["message"]
    closed = url.replace("SVC", "CLOSED")
    with server.connect() as conn:
        conn.cursor().execute("GRANT USAGE ON SERVICE closed TO ROLE ana_role")
    no_ingress = requests.post(closed + "/predict", json=body, headers=bearer(ana))
    assert no_ingress.status_code == 404 and "INGRESS_ENABLED" in no_ingress.json()["message"]
    endpoints = url.rsplit("/", 1)[0]
    for _ in range(2):  # the second time from the parsed-name cache
        odd = requests.post(endpoints + "/a.b.c.d(/predict", json=body, headers=bearer(ana))
        assert odd.status_code == 404 and "not a service name" in odd.json()["message"]
    short = requests.post(url + "/predict", json={"data": [[0, 1.0]]}, headers=bearer(ana))
    assert short.status_code == 400, short.text
    garbage = requests.post(
        url + "/predict",
        data=b"{not json",
        headers={**bearer(ana), "Content-Type": "application/json"},
    )
    assert garbage.status_code == 400
    big = {"data": [[i, 1.0, 2.0] for i in range(10_000)]}  # ~170 KB over the 64 KiB limit
    too_large = requests.post(url + "/predict", json=big, headers=bearer(ana))
    assert too_large.status_code == 413
    assert "Arrow" in too_large.json()["message"]


def test_overload_answers_429_with_retry_after(server, ana, url):
    admission = server.app.state.ingress_admission
    limit, admission.limit = admission.limit, 0  # every slot taken
    try:
        answer = requests.post(
            url + "/predict", json={"data": [[0, 1.0, 2.0]]}, headers=bearer(ana)
        )
    finally:
        admission.limit = limit
    assert answer.status_code == 429
    assert answer.headers["Retry-After"] == "1"
    again = requests.post(url + "/predict", json={"data": [[0, 1.0, 2.0]]}, headers=bearer(ana))
    assert again.status_code == 200

"""The request/response codecs shared by the model image's server and the gateway's ingress."""

from __future__ import annotations

import datetime as dt
import decimal
import json

import pyarrow as pa
import pytest

from sqlgate.registry.manifest import Column
from sqlgate.runtime import protocols as p

INPUTS = (Column("a", "DOUBLE"), Column("B", "INT64"))
EXPECTED = pa.table({"a": pa.array([1.5, 2.0]), "B": pa.array([3, 4], pa.int64())})


def decode_json(payload: object) -> p.Request:
    return p.decode(json.dumps(payload).encode(), "application/json", INPUTS)


@pytest.mark.parametrize(
    "payload",
    [
        {"data": [[0, 1.5, 3], [1, 2.0, 4]]},
        {"dataframe_split": {"columns": ["a", "B"], "data": [[1.5, 3], [2.0, 4]]}},
        {"dataframe_split": {"columns": ["b", "A"], "data": [[3, 1.5], [4, 2.0]]}},  # any case
        {"dataframe_split": {"data": [[1.5, 3], [2.0, 4]]}},  # positional
        {"dataframe_records": [{"a": 1.5, "B": 3}, {"a": 2.0, "B": 4}]},
        {"inputs": {"a": [1.5, 2.0], "B": [3, 4]}},
        {"inputs": [{"a": 1.5, "B": 3}, {"a": 2.0, "B": 4}]},
        {"inputs": [[1.5, 3], [2.0, 4]]},
    ],
)
def test_every_json_format_reads_the_same_table(payload):
    request = decode_json(payload)
    assert request.table.equals(EXPECTED)


def test_snowflake_format_answers_row_indexes_with_objects():
    request = decode_json({"data": [[7, 1.5, 3], [9, 2.0, 4]]})
    body, media = p.encode(request, pa.table({"output": [0.25, float("nan")]}))
    assert media == "application/json"
    assert json.loads(body) == {"data": [[7, {"output": 0.25}], [9, {"output": None}]]}


def test_python_json_with_nan_is_read_as_the_standard_library_reads_it():
    # json.dumps writes NaN, which strict JSON (and the fast parser) refuses; the row reaches
    # the model's input checks, which fail that row alone, rather than the request with a 400
    # (as a missing value, the way pandas reads NaN)
    request = decode_json({"data": [[0, float("nan"), 3], [1, 2.0, 4]]})
    assert request.table.column("a").to_pylist() == [None, 2.0]


def test_answers_write_every_output_type():
    request = decode_json({"dataframe_records": [{"a": 1.5, "B": 3}]})
    outputs = pa.table(
        {
            "d": pa.array([decimal.Decimal("1.10")], pa.decimal128(5, 2)),
            "b": [b"\x01\xff"],
            "t": pa.array([dt.datetime(2026, 1, 2, 3, 4, 5)], pa.timestamp("us")),
            "inf": [float("inf")],
        }
    )
    body, _ = p.encode(request, outputs)
    assert json.loads(body) == {
        "predictions": [{"d": "1.10", "b": "01ff", "t": "2026-01-02T03:04:05", "inf": None}]
    }


def test_mlflow_formats_answer_predictions():
    request = decode_json({"dataframe_records": [{"a": 1.5, "B": 3}]})
    one, _ = p.encode(request, pa.table({"label": [1]}))
    two, _ = p.encode(request, pa.table({"x": [1], "y": ["z"]}))
    assert json.loads(one) == {"predictions": [1]}
    assert json.loads(two) == {"predictions": [{"x": 1, "y": "z"}]}


def test_arrow_stream_round_trip_casts_to_the_signature():
    sink = pa.BufferOutputStream()
    given = pa.table({"b": pa.array([3, 4], pa.int32()), "a": [1.5, 2.0]})
    with pa.ipc.new_stream(sink, given.schema) as writer:
        writer.write_table(given)
    request = p.decode(sink.getvalue().to_pybytes(), p.ARROW_STREAM, INPUTS)
    assert request.table.equals(EXPECTED)
    body, media = p.encode(request, pa.table({"output": [1.0, 2.0]}))
    assert media == p.ARROW_STREAM
    assert pa.ipc.open_stream(body).read_all().column("output").to_pylist() == [1.0, 2.0]


@pytest.mark.parametrize(
    ("body", "content_type", "problem"),
    [
        (b"{not json", "application/json", "not valid JSON"),
        (b"[1, 2]", "application/json", "got a JSON list"),
        (b'{"rows": []}', "application/json", "got an object with 'rows'"),
        (b'{"data": [[0, 1.5]]}', "application/json", "row 0 must be a list of 3 values"),
        (b'{"data": [[0, "x", 3]]}', "application/json", "column 'a' expects DOUBLE"),
        (b'{"dataframe_records": [{"a": 1}]}', "application/json", "has no column 'B'"),
        (b'{"inputs": {"a": [1], "B": [2], "c": [3]}}', None, "unknown column(s) C"),
        (b"\x00\x01garbage", p.ARROW_STREAM, "not an Arrow IPC stream"),
        (b"a,B\n1,2\n", "text/csv", "Unsupported Content-Type 'text/csv'"),
    ],
)
def test_bad_bodies_say_what_is_wrong(body, content_type, problem):
    with pytest.raises(p.BadRequest) as caught:
        p.decode(body, content_type, INPUTS)
    assert problem in caught.value.message
    assert caught.value.status == 400


def test_too_large_says_how_to_send_more():
    p.check_size(100, 100)
    with pytest.raises(p.PayloadTooLarge) as caught:
        p.check_size(101, 100)
    assert caught.value.status == 413
    assert "several smaller requests" in caught.value.message
    assert p.ARROW_STREAM in caught.value.message

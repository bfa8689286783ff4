"""Request and response bodies of a model method's HTTP endpoint, as pure functions.

The standalone image's server (runtime/server.py) and the gateway's service ingress
(`POST /endpoints/<service>/<method>`) both decode with `decode` and answer with `encode`, so a
client sees one protocol wherever the model runs. Accepted bodies:

- Snowflake's external-function format: `{"data": [[row_index, a, b], ...]}`, answered
  `{"data": [[row_index, {"output": ...}], ...]}` (one object of the outputs per row, as
  Snowflake's model service functions return);
- MLflow's scoring formats: `{"dataframe_split": {"columns": [...], "data": [[...]]}}`,
  `{"dataframe_records": [{...}, ...]}` and `{"inputs": ...}` (a column dict, a list of records
  or a list of rows), answered `{"predictions": [...]}` (values for one output, else records);
- an Arrow IPC stream (Content-Type application/vnd.apache.arrow.stream), answered with one.

Input columns are matched to the signature by name (exactly, else ignoring case); rows given
as lists are positional. A body that cannot be read raises BadRequest naming the problem.
"""

from __future__ import annotations

import decimal
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import orjson
import pyarrow as pa

from sqlgate.registry.manifest import Column

ARROW_STREAM = "application/vnd.apache.arrow.stream"
JSON = "application/json"
DEFAULT_MAX_BODY_BYTES = 64 << 20

SNOWFLAKE = "snowflake"
DATAFRAME_SPLIT = "dataframe_split"
DATAFRAME_RECORDS = "dataframe_records"
INPUTS = "inputs"
ARROW = "arrow"
MLFLOW_FORMATS = (DATAFRAME_SPLIT, DATAFRAME_RECORDS, INPUTS)


class ProtocolError(ValueError):
    status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BadRequest(ProtocolError):
    status = 400


class PayloadTooLarge(ProtocolError):
    status = 413


@dataclass(frozen=True)
class Request:
    format: str
    table: pa.Table  # the signature's input columns, in its order and types
    row_ids: list[Any] | None = None  # the Snowflake format's row indexes


def check_size(size: int, limit: int) -> None:
    """413 for a body of `size` bytes over `limit`, saying how to send more."""
    if size > limit:
        raise PayloadTooLarge(
            f"Request body is {size} bytes; this endpoint accepts at most {limit} bytes"
            " (SQLGATE_MAX_BODY_BYTES). Send the rows in several smaller requests, or as an"
            f" Arrow IPC stream (Content-Type: {ARROW_STREAM}), which is more compact than JSON"
        )


def decode(body: bytes, content_type: str | None, inputs: Sequence[Column]) -> Request:
    """The rows of a request body, as a table of the signature's `inputs`."""
    media = (content_type or "").split(";")[0].strip().lower()
    if media == ARROW_STREAM:
        return Request(ARROW, _from_arrow(body, inputs))
    # curl -d sends JSON labelled as a form; read it as the JSON it is
    lenient = ("", JSON, "text/json", "application/x-www-form-urlencoded")
    if media not in lenient and not media.endswith("+json"):
        raise BadRequest(
            f"Unsupported Content-Type '{content_type}': send {JSON} (Snowflake's"
            f' {{"data": ...}} or MLflow\'s scoring formats) or {ARROW_STREAM}'
        )
    payload = _loads(body)
    if not isinstance(payload, dict):
        raise BadRequest(_expected(f"a JSON {type(payload).__name__}"))
    formats = [key for key in (SNOWFLAKE_KEY, *MLFLOW_FORMATS) if key in payload]
    if len(formats) != 1:
        found = ", ".join(repr(k) for k in payload) or "no keys"
        raise BadRequest(_expected(f"an object with {found}"))
    key = formats[0]
    value = payload[key]
    if key == SNOWFLAKE_KEY:
        row_ids, table = _from_snowflake(value, inputs)
        return Request(SNOWFLAKE, table, row_ids)
    if key == DATAFRAME_SPLIT:
        return Request(key, _from_split(value, inputs))
    if key == DATAFRAME_RECORDS:
        return Request(key, _from_records(value, inputs, key))
    return Request(key, _from_inputs(value, inputs))


SNOWFLAKE_KEY = "data"


def _loads(body: bytes) -> Any:
    """orjson first: JSON parsing is most of a large JSON request's cost (a 10,000-row body
    parses ~4x faster). It is strict, so a body it refuses (NaN, which Python's json.dumps
    writes, or integers beyond 64 bits) gets the standard library's more lenient reading."""
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError:
        pass
    try:
        return json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise BadRequest(f"The request body is not valid JSON: {e}") from None


def _expected(found: str) -> str:
    return (
        f"Expected a JSON object with one of 'data' (Snowflake's external-function format),"
        f" {', '.join(repr(f) for f in MLFLOW_FORMATS)} (MLflow's scoring formats), or an"
        f" Arrow IPC stream body; got {found}"
    )


def _columns(by_name: dict[str, list[Any]], inputs: Sequence[Column], where: str) -> pa.Table:
    """Columns given by name, matched to the signature exactly or else ignoring case."""
    folded = {name.upper(): name for name in by_name}
    arrays = []
    for column in inputs:
        name = column.name if column.name in by_name else folded.get(column.name.upper())
        if name is None:
            given = ", ".join(by_name) or "none"
            raise BadRequest(f"{where} has no column '{column.name}' (columns given: {given})")
        arrays.append(_array(by_name[name], column, where))
    extra = sorted(set(folded) - {c.name.upper() for c in inputs})
    if extra:
        expected = ", ".join(c.name for c in inputs)
        raise BadRequest(f"{where} has unknown column(s) {', '.join(extra)}; expected {expected}")
    return pa.Table.from_arrays(arrays, names=[c.name for c in inputs])


def _array(values: list[Any], column: Column, where: str) -> pa.Array:
    try:
        return pa.array(values, type=column.arrow_type, from_pandas=True)
    except (pa.ArrowException, TypeError, ValueError, OverflowError) as e:
        raise BadRequest(
            f"{where}: column '{column.name}' expects {column.type} values: {e}"
        ) from None


def _rows(rows: Any, inputs: Sequence[Column], where: str, skip: int = 0) -> pa.Table:
    """Positional rows (lists) after `skip` leading values each."""
    if not isinstance(rows, list):
        raise BadRequest(f"{where} must be a list of rows, got {type(rows).__name__}")
    width = len(inputs) + skip
    for i, row in enumerate(rows):
        if not isinstance(row, list) or len(row) != width:
            got = len(row) if isinstance(row, list) else type(row).__name__
            raise BadRequest(
                f"{where}: row {i} must be a list of {width} values"
                f"{' (the row index first)' if skip else ''}, got {got}"
            )
    columns = {c.name: [row[skip + j] for row in rows] for j, c in enumerate(inputs)}
    return _columns(columns, inputs, where)


def _from_snowflake(value: Any, inputs: Sequence[Column]) -> tuple[list[Any], pa.Table]:
    table = _rows(value, inputs, "'data'", skip=1)
    return [row[0] for row in value], table


def _from_split(value: Any, inputs: Sequence[Column]) -> pa.Table:
    where = "'dataframe_split'"
    if not isinstance(value, dict) or "data" not in value:
        raise BadRequest(f"{where} must be an object with 'data' (and 'columns')")
    names = value.get("columns")
    if names is None:
        return _rows(value["data"], inputs, f"{where}.data")
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise BadRequest(f"{where}.columns must be a list of column names")
    rows = value["data"]
    if not isinstance(rows, list) or any(
        not isinstance(r, list) or len(r) != len(names) for r in rows
    ):
        raise BadRequest(f"{where}.data must be a list of rows of {len(names)} values each")
    return _columns({n: [r[j] for r in rows] for j, n in enumerate(names)}, inputs, where)


def _from_records(value: Any, inputs: Sequence[Column], where: str) -> pa.Table:
    if not isinstance(value, list) or not all(isinstance(r, dict) for r in value):
        raise BadRequest(f"'{where}' must be a list of objects, one per row")
    if not value:
        return _columns({c.name: [] for c in inputs}, inputs, f"'{where}'")
    names = list(dict.fromkeys(k for record in value for k in record))
    return _columns({n: [r.get(n) for r in value] for n in names}, inputs, f"'{where}'")


def _from_inputs(value: Any, inputs: Sequence[Column]) -> pa.Table:
    if isinstance(value, dict):
        if not all(isinstance(v, list) for v in value.values()):
            raise BadRequest("'inputs' as an object must map each column to a list of values")
        if len({len(v) for v in value.values()}) > 1:
            raise BadRequest("'inputs': the columns have different numbers of values")
        return _columns(dict(value), inputs, "'inputs'")
    if isinstance(value, list) and value and all(isinstance(r, dict) for r in value):
        return _from_records(value, inputs, "inputs")
    if isinstance(value, list) and len(inputs) == 1 and all(not isinstance(v, list) for v in value):
        return _columns({inputs[0].name: value}, inputs, "'inputs'")
    return _rows(value, inputs, "'inputs'")


def _from_arrow(body: bytes, inputs: Sequence[Column]) -> pa.Table:
    try:
        table = pa.ipc.open_stream(body).read_all()
    except (pa.ArrowInvalid, pa.ArrowException) as e:
        raise BadRequest(f"The request body is not an Arrow IPC stream: {e}") from None
    by_name = {name: table.column(name) for name in table.column_names}
    if len(by_name) != table.num_columns:
        raise BadRequest("The Arrow stream has two columns with the same name")
    folded = {name.upper(): name for name in by_name}
    arrays = []
    for column in inputs:
        name = column.name if column.name in by_name else folded.get(column.name.upper())
        if name is None:
            raise BadRequest(
                f"The Arrow stream has no column '{column.name}'"
                f" (columns given: {', '.join(by_name) or 'none'})"
            )
        try:
            arrays.append(by_name[name].cast(column.arrow_type))
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as e:
            raise BadRequest(
                f"Arrow column '{name}' ({by_name[name].type}) cannot be read as {column.type}: {e}"
            ) from None
    return pa.Table.from_arrays(arrays, names=[c.name for c in inputs])


# --- responses ----------------------------------------------------------------------------------


def _json_default(value: Any) -> Any:
    """What orjson cannot write itself (it writes NaN and infinities as null, JSON having
    neither, and dates and times as ISO 8601)."""
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, decimal.Decimal):
        return str(value)  # exact: a float could lose digits
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def encode(request: Request, outputs: pa.Table) -> tuple[bytes, str]:
    """The response body (and its Content-Type) for `outputs`, in the request's format."""
    if request.format == ARROW:
        sink = pa.BufferOutputStream()
        with pa.ipc.new_stream(sink, outputs.schema) as writer:
            writer.write_table(outputs)
        return sink.getvalue().to_pybytes(), ARROW_STREAM
    names = outputs.column_names
    columns = [c.to_pylist() for c in outputs.columns]
    records = [dict(zip(names, row, strict=True)) for row in zip(*columns, strict=True)]
    if request.format == SNOWFLAKE:
        assert request.row_ids is not None
        payload: dict[str, Any] = {
            "data": [[i, r] for i, r in zip(request.row_ids, records, strict=True)]
        }
    else:
        payload = {"predictions": columns[0] if len(names) == 1 else records}
    return orjson.dumps(payload, default=_json_default), JSON

"""Model functions as DuckDB UDFs: one vectorized Arrow UDF per (version artifact, function,
MODEL_CALL_ON_ERROR), registered once on the warehouse's shared connection and kept for the
life of the engine.

The name is derived from the artifact path, which is unique forever (registry/store.py), so a
name never needs re-registering: an alias that moves or a new default version resolves to
another artifact and so to another UDF. Registrations of dropped versions stay behind; they
are a few hundred bytes each (the model itself lives in the cache, not in the UDF) and no query
can reach them, since names come only from resolving a model call against the catalog. User SQL
cannot call them by name either (model_calls.py refuses the prefix).

The UDF stays lean, because DuckDB calls it once per vector of at most 2,048 rows: no catalog
reads, no pandas; it looks the model up in the cache (a dict hit) and hands the Arrow arrays to
runtime/batch.py.
"""

from __future__ import annotations

import hashlib
import inspect
import re
import threading
import typing as t
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa

from sqlgate.errors import InvalidValue, Position, QueryError, SqlgateError
from sqlgate.gateway.warehouse import Warehouse, quote
from sqlgate.registry.manifest import Column, Function
from sqlgate.runtime.batch import BatchCaller, result_fields
from sqlgate.runtime.cache import ModelCache

PREFIX = "sqlgate_model_"

# Parameter types are the widest of each kind, so DuckDB's implicit casts accept any narrower
# argument (an INTEGER column for a DOUBLE input); the UDF narrows to the signature's type and
# fails the rows that do not fit. A VARCHAR for a number is a bind error naming the signature.
_PARAMETER_TYPES = {
    "INT8": "BIGINT",
    "INT16": "BIGINT",
    "INT32": "BIGINT",
    "INT64": "BIGINT",
    "UINT8": "BIGINT",
    "UINT16": "BIGINT",
    "UINT32": "BIGINT",
    "UINT64": "UBIGINT",
    "FLOAT": "DOUBLE",
    "DOUBLE": "DOUBLE",
    "BOOL": "BOOLEAN",
    "STRING": "VARCHAR",
    "BYTES": "BLOB",
    "TIMESTAMP_NTZ": "TIMESTAMP",
}
# DuckDB's name for each Arrow type a signature output can have.
_RESULT_TYPES = {
    pa.int8(): "TINYINT",
    pa.int16(): "SMALLINT",
    pa.int32(): "INTEGER",
    pa.int64(): "BIGINT",
    pa.uint8(): "UTINYINT",
    pa.uint16(): "USMALLINT",
    pa.uint32(): "UINTEGER",
    pa.uint64(): "UBIGINT",
    pa.float32(): "FLOAT",
    pa.float64(): "DOUBLE",
    pa.bool_(): "BOOLEAN",
    pa.string(): "VARCHAR",
    pa.binary(): "BLOB",
    pa.timestamp("us"): "TIMESTAMP",
}


@dataclass(frozen=True)
class ServiceRoute:
    """Calls of a UDF go to this service (gateway/services.py) instead of a model loaded here."""

    service: str  # DB.SCHEMA.NAME
    # (function, MODEL_CALL_ON_ERROR, inputs) -> the STRUCT array BatchCaller would give
    call: Callable[[str, str, pa.Table], pa.Array] = field(compare=False, repr=False)


@dataclass(frozen=True)
class ModelUdf:
    """What a registered UDF runs: for error messages, and for the projection path
    (projection_path.py), which calls the model itself without going through DuckDB."""

    name: str
    directory: Path
    label: str  # "DB.S.M version V1"
    function: Function
    signature: str  # "PREDICT(A FLOAT, B FLOAT) RETURN OBJECT"
    on_error: str
    service: ServiceRoute | None = None


def make_caller(
    udf: ModelUdf, cache: ModelCache
) -> Callable[[Sequence[pa.Array | pa.ChunkedArray]], pa.Array]:
    """What scores one batch of a UDF's argument columns: the model loaded in this process
    (through BatchCaller), or the service that hosts the version (the replica runs the same
    BatchCaller, so checks, MODEL_CALL_ON_ERROR and the ERROR field behave alike)."""
    route = udf.service
    if route is not None:
        names = [c.name for c in udf.function.inputs]
        name = udf.function.name

        def remote(columns: Sequence[pa.Array | pa.ChunkedArray]) -> pa.Array:
            return route.call(name, udf.on_error, pa.Table.from_arrays(list(columns), names))

        return remote
    caller = BatchCaller(udf.function, on_error=udf.on_error)
    directory, label = udf.directory, udf.label

    def local(columns: Sequence[pa.Array | pa.ChunkedArray]) -> pa.Array:
        # loaded before the query started; a reload happens only if evicted meanwhile
        return caller(cache.get(directory, label), columns)

    return local


class _Callable:
    """The Python function DuckDB calls with one vector of arguments."""

    def __init__(self, udf: ModelUdf, cache: ModelCache) -> None:
        self._caller = make_caller(udf, cache)
        # DuckDB counts parameters with inspect.signature, which sees only *columns
        self.__signature__ = inspect.Signature(
            [
                inspect.Parameter(f"input_{i}", inspect.Parameter.POSITIONAL_ONLY)
                for i in range(len(udf.function.inputs))
            ]
        )

    def __call__(self, *columns: pa.ChunkedArray) -> pa.Array:
        return self._caller(columns)


def udf_name(
    artifact: str, label: str, function: str, on_error: str, service: str | None = None
) -> str:
    key = "\0".join((artifact, label, function.upper(), on_error, *([service] if service else [])))
    return PREFIX + hashlib.sha256(key.encode()).hexdigest()[:20]


def parameter_type(column: Column) -> str:
    """The DuckDB type the UDF declares for an input (arguments are implicitly cast to it)."""
    return _PARAMETER_TYPES[column.type]


def return_type(function: Function) -> str:
    fields = ", ".join(f"{quote(f.name)} {_RESULT_TYPES[f.type]}" for f in result_fields(function))
    return f"STRUCT({fields})"


class ModelUdfs:
    def __init__(self, warehouse: Warehouse, cache: ModelCache) -> None:
        self._warehouse = warehouse
        self._cache = cache
        self._lock = threading.Lock()
        # strong references for as long as DuckDB may call them (a collected callable crashes)
        self._registered: dict[str, tuple[ModelUdf, _Callable]] = {}

    def ensure(self, udf: ModelUdf) -> None:
        with self._lock:
            if udf.name in self._registered:
                return
            function = _Callable(udf, self._cache)
            self._warehouse.create_function(
                udf.name,
                function,
                [parameter_type(c) for c in udf.function.inputs],
                return_type(udf.function),
            )
            self._registered[udf.name] = (udf, function)

    def get(self, name: str) -> ModelUdf | None:
        with self._lock:
            found = self._registered.get(name.lower())
        return found[0] if found else None


_UDF_EXCEPTION = re.compile(
    r"Python exception occurred while executing the UDF: (\w+): (.*)", re.DOTALL
)
_NO_MATCH = re.compile(r"argument types '(" + PREFIX + r"[0-9a-f]+)\((.*?)\)'", re.IGNORECASE)
_MODEL_ERRORS = ("ModelCallError", "ModelLoadError")  # runtime/loaded.py's error classes


def translate_error(
    message: str, udfs: ModelUdfs, positions: Mapping[str, Position | None]
) -> SqlgateError | None:
    """A DuckDB error about a model UDF as the user should read it, or None if it is not one:
    the model's own error without DuckDB's wrapping, and argument types that match no
    signature shown against the function's signature, at the call (`positions`: UDF name ->
    where its call was written)."""
    raised = _UDF_EXCEPTION.search(message)
    if raised is not None:
        kind, text = raised.groups()
        if kind not in _MODEL_ERRORS:
            return QueryError(f"{kind}: {text.strip()}")
        from sqlgate.runtime import loaded  # imported already: a model ran

        return t.cast(type[SqlgateError], getattr(loaded, kind))(text.strip())
    mismatch = _NO_MATCH.search(message)
    udf = udfs.get(mismatch.group(1)) if mismatch is not None else None
    if mismatch is None or udf is None:
        return None
    given = re.sub(r"_LITERAL\b", "", mismatch.group(2))  # INTEGER_LITERAL: a literal 1
    return InvalidValue(
        f"Invalid argument types for function {udf.function.name.upper()} of model {udf.label}:"
        f" {udf.function.name.upper()}({given}); expected {udf.signature}. Cast the arguments",
        positions.get(udf.name),
    )

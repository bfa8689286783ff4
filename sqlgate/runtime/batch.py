"""One model function called on a batch of rows, where one bad row must not lose the others.

A batch pipeline scoring a hundred million rows cannot fail on one of them, so rows are kept
apart in two steps:

1. inputs are checked vectorized first: a NULL in any input, a NaN or infinity in a numeric one,
   or an integer out of the signature type's range fails that row with a message; the model
   never sees it (most estimators would raise for the whole batch, or silently mis-predict);
2. the model is called on the remaining rows; if it raises, the batch is bisected (halves
   retried, small pieces row by row) until every failing row is isolated, so the good rows keep
   their results.

The result is the signature's outputs plus an error column (NULL for good rows). What happens to
failed rows is the caller's choice: RETURN_NULL keeps them as NULL outputs with the message in
the error column, ABORT raises for the first one. Either way a batch in which every row that
reached the model failed with the very same error (at least BROKEN_MIN_ROWS of them) raises:
that is a broken model (a method it lacks, an incompatible library), not bad data, and NULLs
would only hide it.
"""

from __future__ import annotations

import typing as t
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from sqlgate.registry.manifest import Column, Function

if t.TYPE_CHECKING:
    from sqlgate.runtime.loaded import LoadedModel, ModelCallError

_Column = pa.Array | pa.ChunkedArray

ABORT = "ABORT"
RETURN_NULL = "RETURN_NULL"
ON_ERROR_VALUES = (ABORT, RETURN_NULL)

BROKEN_MIN_ROWS = 32  # fewer identical failures than this can still be a few bad rows
LEAF_ROWS = 4  # failing pieces this small are retried row by row instead of halved again

_FLOATS = {"FLOAT", "DOUBLE"}
_INT_RANGES = {
    name: (int(np.iinfo(dtype).min), int(np.iinfo(dtype).max))
    for name, dtype in {
        "INT8": np.int8,
        "INT16": np.int16,
        "INT32": np.int32,
        "UINT8": np.uint8,
        "UINT16": np.uint16,
        "UINT32": np.uint32,
    }.items()
}


def error_field(function: Function) -> str:
    """The name of the error column: ERROR, unless an output already has that name."""
    taken = {o.name.upper() for o in function.outputs}
    return "ERROR" if "ERROR" not in taken else "SQLGATE_ERROR"


def result_fields(function: Function) -> list[pa.Field]:
    outputs = [pa.field(o.name, o.arrow_type) for o in function.outputs]
    return [*outputs, pa.field(error_field(function), pa.string())]


@dataclass
class _Isolated:
    """Where each row of the model's input ended up while bisecting."""

    ok: list[tuple[int, pa.Table]] = field(default_factory=list)  # (first row, outputs)
    failed: dict[int, str] = field(default_factory=dict)  # row -> message


class BatchCaller:
    """Calls `function` of a loaded model on batches of input columns (signature order)."""

    def __init__(self, function: Function, *, on_error: str) -> None:
        if on_error not in ON_ERROR_VALUES:
            raise ValueError(f"on_error must be one of {ON_ERROR_VALUES}, got {on_error!r}")
        self.function = function
        self.abort = on_error == ABORT
        self.names = [c.name for c in function.inputs]
        self.fields = result_fields(function)
        # what each input's checks need, looked up once: DuckDB calls a UDF per 2,048 rows
        self._inputs = [
            (c, c.arrow_type, _INT_RANGES.get(c.type), c.type in _FLOATS) for c in function.inputs
        ]

    def __call__(
        self, model: LoadedModel, columns: Sequence[pa.Array | pa.ChunkedArray]
    ) -> pa.StructArray:
        given = [_input(c) for c in columns]
        rows = len(given[0]) if given else 0
        arrays, problems = self._checked(given)
        table = pa.Table.from_arrays(arrays, names=self.names)
        if problems is None:  # the common case: one call, no copies
            try:
                return self._struct(self._call(model, table).columns, _no_errors(rows))
            except Exception as e:
                if self.abort:
                    raise self._first_failure(model, table, e) from None
                return self._isolated(model, table, np.arange(rows), {}, e)
        if self.abort:
            first = min(problems)
            as_given = pa.Table.from_arrays(given, names=self.names)
            raise self._failure(model, problems[first], as_given, first)
        keep = np.ones(rows, dtype=bool)
        keep[list(problems)] = False
        return self._isolated(model, table, np.flatnonzero(keep), problems)

    # --- checks before the model sees a row ------------------------------------------------
    def _checked(self, arrays: list[_Column]) -> tuple[list[_Column], dict[int, str] | None]:
        """Inputs cast to the signature's types, and the rows that must not reach the model.
        Clean columns (the common case) cost a null count, a min/max or one sum each: no masks
        are built unless something is wrong."""
        found: list[tuple[np.ndarray, Column, _Column]] = []  # (bad mask, column, as given)
        cast: list[_Column] = []
        with np.errstate(over="ignore", invalid="ignore"):  # for _finite's sums
            for given, (column, arrow_type, bounds, floating) in zip(
                arrays, self._inputs, strict=True
            ):
                array = given
                bad = np.asarray(array.is_null()) if array.null_count else None
                if bounds is not None and _outside(array, bounds):
                    values = array.fill_null(0).to_numpy(zero_copy_only=False)
                    outside = (values < bounds[0]) | (values > bounds[1])
                    bad = outside if bad is None else bad | outside
                if array.type != arrow_type:
                    # unsafe: out-of-range values are on rows already marked bad
                    array = pc.cast(array, arrow_type, safe=False)
                if floating:
                    finite = _finite(array)
                    if finite is not None:
                        bad = ~finite if bad is None else bad | ~finite
                if bad is not None and bad.any():
                    found.append((bad, column, given))
                cast.append(array)
        if not found:
            return cast, None
        problems: dict[int, str] = {}
        for bad, column, array in found:  # first input with a problem names the row's problem
            for row in np.flatnonzero(bad).tolist():
                if row not in problems:
                    problems[row] = _problem(column, array[row].as_py())
        return cast, problems

    # --- calling the model ------------------------------------------------------------------
    def _call(self, model: LoadedModel, table: pa.Table) -> pa.Table:
        return model.call(self.function.name, table, checked=True)  # _checked kept bad rows out

    def _isolated(
        self,
        model: LoadedModel,
        table: pa.Table,
        good: np.ndarray,
        problems: dict[int, str],
        error: Exception | None = None,
    ) -> pa.StructArray:
        """Results for every row, bisecting the rows in `good` until failures are isolated;
        `error` is what calling all of them raised, if that was tried already."""
        rows = table.num_rows
        found = _Isolated()
        if len(good):
            chosen = table if len(good) == rows else table.take(pa.array(good))
            self._bisect(model, chosen, 0, len(good), found, error)
        if not found.ok and len(found.failed) >= BROKEN_MIN_ROWS:
            messages = set(found.failed.values())
            if len(messages) == 1:
                raise _call_error()(
                    f"{messages.pop()} (all {len(found.failed)} rows of a batch failed the same"
                    " way: the model version looks broken, so the query stops even though"
                    " MODEL_CALL_ON_ERROR = RETURN_NULL)"
                )
        label = f"{model.label} {self.function.name.upper()}"
        failed_rows = [*problems, *good[list(found.failed)].tolist()]
        messages = [*(f"{label}: {m}" for m in problems.values()), *found.failed.values()]
        errors = _scatter(pa.array(messages, pa.string()), np.array(failed_rows, np.int64), rows)
        ok_rows = [good[start : start + outputs.num_rows] for start, outputs in found.ok]
        if ok_rows:
            combined = pa.concat_tables([outputs for _, outputs in found.ok])
            placed = np.concatenate(ok_rows)
            columns = [_scatter(c, placed, rows) for c in combined.columns]
        else:
            columns = [pa.nulls(rows, f.type) for f in self.fields[:-1]]
        return self._struct(columns, errors)

    def _bisect(
        self,
        model: LoadedModel,
        table: pa.Table,
        start: int,
        stop: int,
        found: _Isolated,
        error: Exception | None,
    ) -> None:
        """Call rows [start, stop); `error` is what that range already raised, if known."""
        if error is None:
            try:
                found.ok.append((start, self._call(model, table.slice(start, stop - start))))
                return
            except Exception as e:
                error = e
        if stop - start == 1:
            found.failed[start] = self._message(model, error)
        elif stop - start <= LEAF_ROWS:
            for row in range(start, stop):
                self._bisect(model, table, row, row + 1, found, None)
        else:
            middle = (start + stop) // 2
            self._bisect(model, table, start, middle, found, None)
            self._bisect(model, table, middle, stop, found, None)

    def _first_failure(self, model: LoadedModel, table: pa.Table, error: Exception) -> Exception:
        """ABORT: the error of the first row that fails on its own (halving: log2(rows) calls)."""
        start, stop = 0, table.num_rows
        while stop - start > 1:
            middle = (start + stop) // 2
            try:
                self._call(model, table.slice(start, middle - start))
            except Exception as e:
                stop, error = middle, e
            else:
                start = middle
        try:
            self._call(model, table.slice(start, 1))
        except Exception as e:
            return self._failure(model, self._message(model, e), table, start)
        # no single row fails alone: the batch fails as a whole
        return self._failure(model, self._message(model, error), None, None)

    # --- messages ---------------------------------------------------------------------------
    def _message(self, model: LoadedModel, error: Exception) -> str:
        if isinstance(error, _call_error()):
            return error.message
        name = self.function.name.upper()
        return f"{model.label} {name} failed: {type(error).__name__}: {error}"

    def _failure(
        self, model: LoadedModel, message: str, table: pa.Table | None, row: int | None
    ) -> ModelCallError:
        if not message.startswith(model.label):
            message = f"{model.label} {self.function.name.upper()}: {message}"
        if table is not None and row is not None:
            message += f" (row: {_row_text(table, row)})"
        return _call_error()(
            message + ". ALTER SESSION SET MODEL_CALL_ON_ERROR = RETURN_NULL keeps the other rows"
            " and reports each failure in the ERROR field"
        )

    def _struct(
        self, columns: Sequence[pa.Array | pa.ChunkedArray], errors: pa.Array
    ) -> pa.StructArray:
        return pa.StructArray.from_arrays([*map(_array, columns), errors], fields=self.fields)


def _call_error() -> type[ModelCallError]:
    # loaded.py imports every flavor's library (scikit-learn, pandas: about a second), which
    # only a session that calls a model should pay for; by then it is imported already
    from sqlgate.runtime.loaded import ModelCallError

    return ModelCallError


_NO_ERRORS = pa.nulls(0, pa.string())
_NO_ERRORS_MAX = 1 << 20  # rows the shared array may grow to (4 MiB of offsets)


def _no_errors(rows: int) -> pa.Array:
    """`rows` NULL messages: a slice of one shared all-NULL array, so the ERROR column of good
    rows costs no memory per batch (offsets alone would be 4 bytes a row, a fifth of a result
    of two doubles)."""
    global _NO_ERRORS
    shared = _NO_ERRORS
    if len(shared) < rows:
        if rows > _NO_ERRORS_MAX:
            return pa.nulls(rows, pa.string())
        shared = _NO_ERRORS = pa.nulls(max(rows, min(2 * len(shared), _NO_ERRORS_MAX)), pa.string())
    return shared.slice(0, rows)


def _scatter(values: pa.Array | pa.ChunkedArray, rows: np.ndarray, length: int) -> pa.Array:
    """An array of `length` with values[i] at rows[i] and NULL everywhere else."""
    index = np.full(length, -1, dtype=np.int64)
    index[rows] = np.arange(len(rows))
    return _array(values).take(pa.array(index, mask=index < 0))


def _array(column: _Column) -> pa.Array:
    if isinstance(column, pa.ChunkedArray):
        return column.chunk(0) if column.num_chunks == 1 else column.combine_chunks()
    return column


def _input(column: _Column) -> _Column:
    """An input column as the checks and the model take it: a chunked one stays in its chunks
    (the flavors copy them straight into the model's 2-D array; gluing them would be a copy
    more), unless it has just one."""
    if isinstance(column, pa.ChunkedArray) and column.num_chunks <= 1:
        return _array(column)
    return column


def _outside(array: _Column, bounds: tuple[int, int]) -> bool:
    """Whether any value of an integer column lies outside `bounds` (NULLs aside)."""
    extremes = pc.min_max(array)
    low, high = extremes["min"].as_py(), extremes["max"].as_py()
    return low is not None and (low < bounds[0] or high > bounds[1])


def _finite(column: _Column) -> np.ndarray | None:
    """None when every value is finite, else the mask of finite values (NULL reads as NaN). A
    NaN or an infinity makes the sum non-finite, so one sum a chunk clears a clean column; a sum
    that merely overflows falls through to the exact check (call under np.errstate(over=,
    invalid="ignore"))."""
    chunks = column.chunks if isinstance(column, pa.ChunkedArray) else [column]
    if all(np.isfinite(c.to_numpy(zero_copy_only=False).sum()) for c in chunks):
        return None
    return np.isfinite(column.to_numpy(zero_copy_only=False))


def _problem(column: Column, value: object) -> str:
    if value is None:
        return f"input {column.name} is NULL"
    if isinstance(value, float):
        return f"input {column.name} is {value} (a {column.type} input must be finite)"
    return f"input {column.name} = {value} is out of range for {column.type}"


def _row_text(table: pa.Table, row: int, limit: int = 60) -> str:
    values = table.slice(row, 1).to_pylist()[0]
    parts = []
    for name, value in values.items():
        text = "NULL" if value is None else repr(value)
        parts.append(f"{name}={text[:limit] + '...' if len(text) > limit else text}")
    return ", ".join(parts)

"""Signatures inferred from sample input data, as snowflake-ml-python infers them: input columns
from the sample's columns and dtypes, outputs from calling the method on a few sample rows."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from sqlgate.errors import InvalidValue
from sqlgate.registry.manifest import TYPES, Column

SAMPLE_ROWS = 10  # enough to learn output shapes; small enough to stay cheap


def as_frame(data: Any) -> pd.DataFrame:
    """pandas, pyarrow or NumPy sample data as a DataFrame with string column names."""
    if isinstance(data, pd.DataFrame):
        frame = data
    elif isinstance(data, pa.Table | pa.RecordBatch):
        frame = data.to_pandas()
    elif isinstance(data, pd.Series):
        frame = data.to_frame()
    elif isinstance(data, np.ndarray):
        array = data.reshape(-1, 1) if data.ndim == 1 else data
        frame = pd.DataFrame(array, columns=[f"input_feature_{i}" for i in range(array.shape[1])])
    else:
        raise InvalidValue(
            "sample_input_data must be a pandas DataFrame, a pyarrow Table or a NumPy array,"
            f" got {type(data).__name__}"
        )
    if frame.empty:
        raise InvalidValue("sample_input_data has no rows")
    return frame.rename(columns=str)


def type_of(dtype: Any, where: str) -> str:
    """The signature type of a NumPy/pandas dtype."""
    dtype = np.dtype(dtype) if not isinstance(dtype, pd.api.extensions.ExtensionDtype) else dtype
    if pd.api.types.is_bool_dtype(dtype):
        return "BOOL"
    if pd.api.types.is_integer_dtype(dtype):
        kind = np.dtype(getattr(dtype, "numpy_dtype", dtype))
        return f"{'U' if kind.kind == 'u' else ''}INT{kind.itemsize * 8}"
    if pd.api.types.is_float_dtype(dtype):
        return "FLOAT" if np.dtype(getattr(dtype, "numpy_dtype", dtype)).itemsize == 4 else "DOUBLE"
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return "TIMESTAMP_NTZ"
    if pd.api.types.is_string_dtype(dtype) or pd.api.types.is_object_dtype(dtype):
        return "STRING"
    raise InvalidValue(f"{where} has dtype {dtype}, which a signature cannot describe")


def input_columns(frame: pd.DataFrame) -> tuple[Column, ...]:
    return tuple(
        Column(name, type_of(frame[name].dtype, f"input column {name!r}")) for name in frame.columns
    )


def output_columns(output: Any, method: str) -> tuple[Column, ...]:
    """Columns of what `method` returned on the sample (DataFrame, Series or array)."""
    if isinstance(output, pd.DataFrame):
        return tuple(
            Column(str(c), type_of(output[c].dtype, f"{method} output {c!r}"))
            for c in output.columns
        )
    if isinstance(output, pd.Series):
        return (Column(str(output.name or "output_feature_0"), type_of(output.dtype, method)),)
    array = np.asarray(output)
    if array.ndim == 1:
        return (Column("output_feature_0", type_of(array.dtype, f"{method} output")),)
    if array.ndim == 2:
        kind = type_of(array.dtype, f"{method} output")
        return tuple(Column(f"output_feature_{i}", kind) for i in range(array.shape[1]))
    raise InvalidValue(f"{method} returned a {array.ndim}-D array; a signature needs 1-D or 2-D")


def arrow_schema(columns: tuple[Column, ...]) -> pa.Schema:
    return pa.schema([(c.name, TYPES[c.type][0]) for c in columns])

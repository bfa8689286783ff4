"""Signatures inferred from sample input data, as snowflake-ml-python infers them: input columns
from the sample's columns and dtypes, outputs from calling the method on a few sample rows.

Explicit signatures use a small API shaped like snowflake-ml-python's `model_signature`:

    from sqlgate.registry.signature import DataType, FeatureSpec, ModelSignature
    ModelSignature(inputs=[FeatureSpec("a", DataType.DOUBLE)],
                   outputs=[FeatureSpec("label", DataType.STRING)])
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from sqlgate.errors import InvalidValue
from sqlgate.registry.manifest import TYPES, Column

SAMPLE_ROWS = 10  # enough to learn output shapes; small enough to stay cheap


def as_frame(data: Any, what: str = "sample_input_data") -> pd.DataFrame:
    """pandas, pyarrow or NumPy data as a DataFrame with string column names."""
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
            f"{what} must be a pandas DataFrame, a pyarrow Table or a NumPy array,"
            f" got {type(data).__name__}"
        )
    if frame.empty:
        raise InvalidValue(f"{what} has no rows")
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


def to_table(frame: pd.DataFrame, columns: tuple[Column, ...], label: str) -> pa.Table:
    """`frame`'s columns named by `columns` (exact name first, else case-insensitively), converted
    to the signature's types, in signature order: what a flavor's call receives."""
    by_upper: dict[str, list[str]] = {}
    for name in frame.columns:
        by_upper.setdefault(str(name).upper(), []).append(str(name))
    arrays = []
    for column in columns:
        found = column.name if column.name in frame.columns else None
        if found is None:
            matches = by_upper.get(column.name.upper(), [])
            if len(matches) > 1:
                raise InvalidValue(
                    f"{label}: input column {column.name!r} matches {len(matches)} columns of the"
                    f" data ({', '.join(matches)}); rename all but one"
                )
            found = matches[0] if matches else None
        if found is None:
            expected = ", ".join(c.name for c in columns)
            raise InvalidValue(
                f"{label}: the data has no column {column.name!r} (expected columns: {expected})"
            )
        series = frame[found]
        if isinstance(series, pd.DataFrame):  # duplicate column labels
            raise InvalidValue(f"{label}: the data has more than one column named {found!r}")
        try:
            arrays.append(pa.array(series, type=column.arrow_type, from_pandas=True))
        except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError) as e:
            raise InvalidValue(
                f"{label}: input column {column.name!r} ({series.dtype}) cannot be read as"
                f" {column.type}: {e}"
            ) from None
    return pa.Table.from_arrays(arrays, schema=arrow_schema(columns))


# --- explicit signatures, shaped like snowflake-ml-python's model_signature ---------------------


class DataType(enum.Enum):
    """A signature column type; the names are manifest.TYPES' (and snowflake-ml's DataType)."""

    INT8 = "INT8"
    INT16 = "INT16"
    INT32 = "INT32"
    INT64 = "INT64"
    UINT8 = "UINT8"
    UINT16 = "UINT16"
    UINT32 = "UINT32"
    UINT64 = "UINT64"
    FLOAT = "FLOAT"
    DOUBLE = "DOUBLE"
    BOOL = "BOOL"
    STRING = "STRING"
    BYTES = "BYTES"
    TIMESTAMP_NTZ = "TIMESTAMP_NTZ"

    @classmethod
    def from_numpy_type(cls, dtype: Any) -> DataType:
        return cls(type_of(dtype, "dtype"))


@dataclass(frozen=True)
class FeatureSpec:
    """One named column of a signature. `dtype` is a DataType or its name. snowflake-ml's
    `shape` (array-valued features) has no counterpart here and must stay None; columns are
    always nullable, so `nullable` is accepted for compatibility only."""

    name: str
    dtype: DataType | str
    shape: tuple[int, ...] | None = None
    nullable: bool = True

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name:
            raise InvalidValue(f"FeatureSpec name must be a non-empty string, got {self.name!r}")
        dtype = self.dtype
        if isinstance(dtype, str):
            if dtype.upper() not in TYPES:
                known = ", ".join(TYPES)
                raise InvalidValue(f"FeatureSpec {self.name!r}: dtype must be one of {known}")
            dtype = DataType(dtype.upper())
        if not isinstance(dtype, DataType):
            raise InvalidValue(f"FeatureSpec {self.name!r}: dtype must be a DataType")
        object.__setattr__(self, "dtype", dtype)
        if self.shape is not None:
            raise InvalidValue(
                f"FeatureSpec {self.name!r}: array-valued features (shape) are not supported"
            )

    def column(self) -> Column:
        return Column(self.name, DataType(self.dtype).value)


@dataclass(frozen=True)
class ModelSignature:
    inputs: Sequence[FeatureSpec]
    outputs: Sequence[FeatureSpec]

    def __post_init__(self) -> None:
        for side in ("inputs", "outputs"):
            specs = tuple(getattr(self, side))
            if not all(isinstance(s, FeatureSpec) for s in specs):
                raise InvalidValue(f"ModelSignature {side} must be FeatureSpecs")
            object.__setattr__(self, side, specs)
        if not self.outputs:
            raise InvalidValue("ModelSignature needs at least one output")

    def input_columns(self) -> tuple[Column, ...]:
        return tuple(s.column() for s in self.inputs)

    def output_columns(self) -> tuple[Column, ...]:
        return tuple(s.column() for s in self.outputs)

    @classmethod
    def from_columns(cls, inputs: Sequence[Column], outputs: Sequence[Column]) -> ModelSignature:
        return cls(
            inputs=[FeatureSpec(c.name, DataType(c.type)) for c in inputs],
            outputs=[FeatureSpec(c.name, DataType(c.type)) for c in outputs],
        )


def infer_signature(input_data: Any, output_data: Any) -> ModelSignature:
    """A signature from example inputs and the outputs a method gave for them."""
    return ModelSignature.from_columns(
        input_columns(as_frame(input_data)), output_columns(output_data, "output_data")
    )

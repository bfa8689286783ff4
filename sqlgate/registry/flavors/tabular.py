"""Model inputs as arrays, shared by the scikit-learn, XGBoost and LightGBM flavors."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa


def matrix(inputs: pa.Table) -> np.ndarray:
    """The inputs as one column-major 2-D array, columns in signature order (the dtype
    np.column_stack would give): each column is then one contiguous copy, where a row-major fill
    writes with a stride and takes several times longer, and the estimators run as fast or
    faster on it. Chunks are copied straight into place: the projection path hands a batch
    over as the pieces DuckDB streamed, and gluing them together first would copy it twice."""
    columns = [
        [chunk.to_numpy(zero_copy_only=False) for chunk in column.chunks]
        or [column.to_numpy(zero_copy_only=False)]
        for column in inputs.columns
    ]
    dtype = np.result_type(*(part for parts in columns for part in parts))
    result = np.empty((inputs.num_rows, len(columns)), dtype=dtype, order="F")
    for i, parts in enumerate(columns):
        start = 0
        for part in parts:
            result[start : start + len(part), i] = part
            start += len(part)
    return result


def features(model: Any, inputs: pa.Table) -> np.ndarray | pd.DataFrame:
    """A DataFrame with the fitted feature names where the model has them (each column keeps its
    own dtype, which XGBoost and LightGBM require of a DataFrame), else a 2-D array."""
    names = getattr(model, "feature_names_in_", None)
    if names is None:
        return matrix(inputs)
    frame = inputs.to_pandas()
    frame.columns = [str(n) for n in names]  # by position: the signature keeps the fitted order
    return frame

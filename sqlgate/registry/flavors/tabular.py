"""Inputs for gradient-boosting libraries, shared by the XGBoost and LightGBM flavors."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa


def matrix(inputs: pa.Table) -> np.ndarray:
    """The inputs as one 2-D array, columns in signature order."""
    return np.column_stack([column.to_numpy(zero_copy_only=False) for column in inputs.columns])


def features(model: Any, inputs: pa.Table) -> np.ndarray | pd.DataFrame:
    """A DataFrame with the fitted feature names where the model has them (each column keeps its
    own dtype, which XGBoost and LightGBM require of a DataFrame), else a 2-D array."""
    names = getattr(model, "feature_names_in_", None)
    if names is None:
        return matrix(inputs)
    frame = inputs.to_pandas()
    frame.columns = [str(n) for n in names]  # by position: the signature keeps the fitted order
    return frame

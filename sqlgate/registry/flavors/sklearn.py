"""scikit-learn estimators and pipelines, saved with joblib (pickle) and called on NumPy arrays
(or a DataFrame when the estimator was fitted with feature names).

scikit-learn and joblib are imported only when a model needs them: importing scikit-learn
takes seconds, and SQL sessions that never touch a scikit-learn model should not pay for it.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from sqlgate.registry.flavors.tabular import matrix
from sqlgate.registry.manifest import Function, Manifest

NAME = "sklearn"
MODEL_FILE = "model.joblib"
# In the order snowflake-ml-python offers them.
INFERENCE_METHODS = (
    "predict",
    "predict_proba",
    "predict_log_proba",
    "decision_function",
    "transform",
    "score_samples",
)


def matches(model: object) -> bool:
    # an estimator exists only if scikit-learn was imported to make it
    base = sys.modules.get("sklearn.base")
    return base is not None and isinstance(model, base.BaseEstimator)


def default_methods(model: object) -> list[str]:
    return [m for m in INFERENCE_METHODS if callable(getattr(model, m, None))]


def save(model: object, directory: Path) -> dict[str, str]:
    import joblib
    import sklearn

    joblib.dump(model, directory / MODEL_FILE)
    return {"scikit-learn": sklearn.__version__}


def load(directory: Path, manifest: Manifest) -> object:
    import joblib

    return joblib.load(directory / MODEL_FILE)


def call(model: Any, function: Function, inputs: pa.Table) -> object:
    return getattr(model, function.target_method)(features(model, function, inputs))


def call_checked(model: Any, function: Function, inputs: pa.Table) -> object:
    """`call` on inputs already found free of NULL, NaN and infinity (runtime/batch.py checks
    every batch before the model sees it): scikit-learn's own check would be a second pass over
    the data, a quarter of a linear model's time."""
    from sklearn import config_context

    with config_context(assume_finite=True):
        return call(model, function, inputs)


def features(model: Any, function: Function, inputs: pa.Table) -> np.ndarray | pd.DataFrame:
    """A 2-D array of the inputs; a DataFrame only where the estimator was fitted with feature
    names (otherwise the array is cheaper and scikit-learn would warn about names)."""
    array = matrix(inputs)
    names = getattr(model, "feature_names_in_", None)
    if names is None:
        return array
    return pd.DataFrame(array, columns=list(names), copy=False)

"""XGBoost models: the scikit-learn wrappers (XGBClassifier, XGBRegressor, ...) and Boosters.

They are saved in XGBoost's own UBJSON format, which later XGBoost releases read back, unlike a
pickle. A wrapper that this format cannot rebuild (a subclass defined outside xgboost, or one
with a Python objective function) is pickled with joblib instead. xgboost.json records which.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pyarrow as pa

from sqlgate.registry.flavors import sklearn as sklearn_flavor
from sqlgate.registry.flavors.tabular import features, matrix
from sqlgate.registry.manifest import Function, Manifest

NAME = "xgboost"
MODEL_FILE = "model.ubj"
PICKLE_FILE = "model.joblib"
INFO_FILE = "xgboost.json"  # {"class": "XGBClassifier" | "Booster" | null (pickled)}
BOOSTER = "Booster"


def matches(model: object) -> bool:
    xgb = sys.modules.get("xgboost")  # an XGBoost model exists only if xgboost was imported
    return xgb is not None and isinstance(model, xgb.XGBModel | xgb.Booster)


def default_methods(model: object) -> list[str]:
    import xgboost as xgb

    if isinstance(model, xgb.Booster):
        return ["predict"]
    return sklearn_flavor.default_methods(model)


def _native_class(model: object) -> str | None:
    """The xgboost class name to rebuild `model` from a saved booster, or None to pickle it."""
    import xgboost as xgb

    if isinstance(model, xgb.Booster):
        return BOOSTER
    cls = type(model)
    if getattr(xgb, cls.__name__, None) is not cls or callable(getattr(model, "objective", None)):
        return None
    return cls.__name__


def save(model: Any, directory: Path) -> dict[str, str]:
    import xgboost as xgb

    libraries = {"xgboost": xgb.__version__}
    name = _native_class(model)
    if name is None:
        import joblib
        import sklearn

        joblib.dump(model, directory / PICKLE_FILE)
        libraries["scikit-learn"] = sklearn.__version__
    else:
        model.save_model(str(directory / MODEL_FILE))
    (directory / INFO_FILE).write_text(json.dumps({"class": name}))
    return libraries


def load(directory: Path, manifest: Manifest) -> object:
    import xgboost as xgb

    name = json.loads((directory / INFO_FILE).read_text())["class"]
    if name is None:
        import joblib

        return joblib.load(directory / PICKLE_FILE)
    if name == BOOSTER:
        booster = xgb.Booster()
        booster.load_model(str(directory / MODEL_FILE))
        return booster
    cls = getattr(xgb, name, None)
    if not (isinstance(cls, type) and issubclass(cls, xgb.XGBModel)):
        raise ValueError(f"{INFO_FILE} names {name!r}, which is not an XGBoost model class")
    model = cls()
    model.load_model(str(directory / MODEL_FILE))
    return model


def call(model: Any, function: Function, inputs: pa.Table) -> object:
    import xgboost as xgb

    method = getattr(model, function.target_method)
    if isinstance(model, xgb.Booster):
        # a Booster trained on a DataFrame checks feature names; the signature keeps their order
        return method(xgb.DMatrix(matrix(inputs), feature_names=model.feature_names))
    return method(features(model, inputs))

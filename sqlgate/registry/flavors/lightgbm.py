"""LightGBM models: the scikit-learn wrappers (LGBMClassifier, LGBMRegressor, ...), pickled with
joblib (LightGBM's model file holds the booster only, not the wrapper's label encoding), and
Boosters, saved as LightGBM's own text model file."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pyarrow as pa

from sqlgate.registry.flavors import sklearn as sklearn_flavor
from sqlgate.registry.flavors.tabular import features, matrix
from sqlgate.registry.manifest import Function, Manifest

NAME = "lightgbm"
MODEL_FILE = "model.txt"
PICKLE_FILE = "model.joblib"
INFO_FILE = "lightgbm.json"  # {"class": "Booster" | null (pickled wrapper)}
BOOSTER = "Booster"


def matches(model: object) -> bool:
    lgb = sys.modules.get("lightgbm")  # a LightGBM model exists only if lightgbm was imported
    return lgb is not None and isinstance(model, lgb.LGBMModel | lgb.Booster)


def default_methods(model: object) -> list[str]:
    import lightgbm as lgb

    if isinstance(model, lgb.Booster):
        return ["predict"]
    return sklearn_flavor.default_methods(model)


def save(model: Any, directory: Path) -> dict[str, str]:
    import lightgbm as lgb

    libraries = {"lightgbm": lgb.__version__}
    if isinstance(model, lgb.Booster):
        model.save_model(str(directory / MODEL_FILE))
        name: str | None = BOOSTER
    else:
        import joblib
        import sklearn

        joblib.dump(model, directory / PICKLE_FILE)
        libraries["scikit-learn"] = sklearn.__version__
        name = None
    (directory / INFO_FILE).write_text(json.dumps({"class": name}))
    return libraries


def load(directory: Path, manifest: Manifest) -> object:
    import lightgbm as lgb

    name = json.loads((directory / INFO_FILE).read_text())["class"]
    if name == BOOSTER:
        return lgb.Booster(model_file=str(directory / MODEL_FILE))
    if name is not None:
        raise ValueError(f"{INFO_FILE} names {name!r}, which is not a LightGBM model class")
    import joblib

    return joblib.load(directory / PICKLE_FILE)


def call(model: Any, function: Function, inputs: pa.Table) -> object:
    import lightgbm as lgb

    method = getattr(model, function.target_method)
    if isinstance(model, lgb.Booster):
        return method(matrix(inputs))
    return method(features(model, inputs))

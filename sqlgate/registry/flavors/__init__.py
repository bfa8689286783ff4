"""Model flavors: how one kind of model object is saved into a version directory, loaded back,
and called on a batch of rows. One module per flavor, each exporting:

    NAME: str                                   the manifest's "flavor"
    matches(model) -> bool                      is this object of my kind?
    default_methods(model) -> list[str]         inference methods it offers (predict, ...)
    save(model, directory) -> dict[str, str]    write its files; returns library versions
    load(directory, manifest) -> object         the model object back
    call(model, function, inputs) -> object     run `function.target_method` on an Arrow table;
                                                returns what the library returns (ndarray, ...)

FLAVORS is the order `flavor_for` tries them: a CustomModel subclass is custom whatever else it
inherits from; XGBoost's and LightGBM's scikit-learn wrappers are scikit-learn estimators too, so
they come before scikit-learn. (tabular.py is not a flavor: input helpers the boosters share.)

A flavor module imports its library only when a model needs it (`matches` looks in
sys.modules: a model object exists only if its library was imported), so loading this package
stays cheap.
"""

from __future__ import annotations

from types import ModuleType

from sqlgate.errors import InvalidValue
from sqlgate.registry.flavors import custom, lightgbm, sklearn, xgboost

FLAVORS: list[ModuleType] = [custom, xgboost, lightgbm, sklearn]


def flavor_for(model: object) -> ModuleType:
    for flavor in FLAVORS:
        if flavor.matches(model):
            return flavor
    names = ", ".join(f.NAME for f in FLAVORS)
    raise InvalidValue(
        f"Cannot log a model of type {type(model).__module__}.{type(model).__qualname__};"
        f" supported flavors: {names}"
    )


def by_name(name: str) -> ModuleType:
    for flavor in FLAVORS:
        if name == flavor.NAME:
            return flavor
    raise InvalidValue(f"Unknown model flavor '{name}'")

"""A model version loaded into memory, callable on Arrow tables."""

from __future__ import annotations

from importlib import metadata
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from sqlgate.errors import InvalidValue, SqlgateError
from sqlgate.registry import flavors
from sqlgate.registry import manifest as manifests
from sqlgate.registry.manifest import Column, Function, Manifest


class ModelLoadError(SqlgateError):
    sqlstate = "58030"


class ModelCallError(SqlgateError):
    sqlstate = "38000"


def _version_tuple(text: str) -> tuple[int, ...]:
    parts = []
    for piece in text.split(".")[:3]:
        digits = "".join(ch for ch in piece if ch.isdigit())
        parts.append(int(digits) if digits else 0)
    return tuple(parts)


def installed_version(library: str) -> str | None:
    """The installed version of `library`: its distribution's, or that of a variant distribution
    providing the module of the same name (xgboost-cpu installs the `xgboost` module)."""
    try:
        return metadata.version(library)
    except metadata.PackageNotFoundError:
        pass
    for distribution in metadata.packages_distributions().get(library.replace("-", "_"), []):
        try:
            return metadata.version(distribution)
        except metadata.PackageNotFoundError:
            continue
    return None


def check_libraries(saved: dict[str, str], label: str) -> None:
    """Refuse a model saved with a newer library than this process has: unpickling it would
    fail in obscure ways, or worse, silently behave differently."""
    for library, version in saved.items():
        installed = installed_version(library)
        if installed is None:
            raise ModelLoadError(f"{label} needs {library} {version}, which is not installed")
        if _version_tuple(installed)[:2] < _version_tuple(version)[:2]:
            raise ModelLoadError(
                f"{label} was saved with {library} {version}; this gateway has {installed}."
                f" Log it again with {library} {installed} or upgrade {library}"
            )


class LoadedModel:
    def __init__(self, manifest: Manifest, flavor: ModuleType, model: object, label: str) -> None:
        self.manifest = manifest
        self.flavor = flavor
        self.model = model
        self.label = label

    @classmethod
    def load(cls, directory: Path, label: str) -> LoadedModel:
        """Load the version in `directory`; `label` names it in errors ("DB.S.M version V1")."""
        manifest, _ = manifests.load(directory)
        try:
            flavor = flavors.by_name(manifest.flavor)
        except InvalidValue:
            raise ModelLoadError(
                f"{label} has flavor '{manifest.flavor}', which this gateway cannot load"
            ) from None
        check_libraries(manifest.libraries, label)
        try:
            model = flavor.load(directory, manifest)
        except Exception as e:  # any failure to unpickle or parse is the model's, not ours
            raise ModelLoadError(f"{label} failed to load: {type(e).__name__}: {e}") from e
        return cls(manifest, flavor, model, label)

    def function(self, name: str) -> Function:
        found = self.manifest.function(name)
        if found is None:
            names = ", ".join(f.name.upper() for f in self.manifest.functions)
            raise InvalidValue(f"{self.label} has no function {name.upper()}; it has {names}")
        return found

    def call(self, name: str, inputs: pa.Table, *, checked: bool = False) -> pa.Table:
        """Run function `name` on `inputs` (columns in signature order); one output row per
        input row, columns and types as the signature's outputs. `checked`: the caller has
        made sure no input is NULL, NaN or infinite, so a flavor may skip its own check."""
        function = self.function(name)
        run = (
            getattr(self.flavor, "call_checked", self.flavor.call) if checked else self.flavor.call
        )
        try:
            raw = run(self.model, function, inputs)
        except Exception as e:
            raise ModelCallError(
                f"{self.label} {function.name.upper()} failed: {type(e).__name__}: {e}"
            ) from e
        return to_arrow(raw, function, inputs.num_rows, self.label)


def to_arrow(raw: Any, function: Function, rows: int, label: str) -> pa.Table:
    """What a model method returned, as a table with the signature's output columns."""
    outputs = function.outputs
    if isinstance(raw, pd.DataFrame):
        by_name = {str(c).upper(): c for c in raw.columns}
        if all(o.name.upper() in by_name for o in outputs):
            arrays = [raw[by_name[o.name.upper()]].to_numpy() for o in outputs]
        else:
            arrays = [raw.iloc[:, i].to_numpy() for i in range(raw.shape[1])]
    elif isinstance(raw, pd.Series):
        arrays = [raw.to_numpy()]
    else:
        array = np.asarray(raw)
        arrays = [array] if array.ndim == 1 else [array[:, i] for i in range(array.shape[1])]
    if len(arrays) != len(outputs):
        raise ModelCallError(
            f"{label} {function.name.upper()} returned {len(arrays)} columns;"
            f" its signature has {len(outputs)}"
        )
    if any(len(a) != rows for a in arrays):
        raise ModelCallError(
            f"{label} {function.name.upper()} returned {len(arrays[0])} rows for {rows} inputs"
        )
    with np.errstate(over="ignore", invalid="ignore"):  # for _column's sums
        columns = [_column(a, o) for a, o in zip(arrays, outputs, strict=True)]
    return pa.Table.from_arrays(columns, names=[o.name for o in outputs])


_FLOAT_DTYPES = {"FLOAT": np.dtype(np.float32), "DOUBLE": np.dtype(np.float64)}


def _column(values: Any, output: Column) -> pa.Array:
    """One output column; a NaN becomes NULL (from_pandas). Scanning for NaN that way costs
    several times the conversion itself, so a float column of the signature's type whose sum
    is not NaN (it has no NaN, then) is wrapped as it is: contiguous NumPy memory, copied by
    NumPy if it is a strided column of a 2-D output (the allocation then takes 17-30% less
    resident memory than the copy pyarrow would make, and results are kept)."""
    arrow_type = output.arrow_type
    dtype = _FLOAT_DTYPES.get(output.type)  # not compared when None: dtype(None) is float64
    if (
        dtype is not None
        and isinstance(values, np.ndarray)
        and values.dtype == dtype
        and not np.isnan(values.sum())
    ):
        return pa.array(np.ascontiguousarray(values), type=arrow_type)
    return pa.array(values, type=arrow_type, from_pandas=True)

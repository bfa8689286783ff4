"""Custom Python models (registry.custom_model.CustomModel subclasses), pickled with cloudpickle.

The context's artifact files are copied under artifacts/ in the version directory, and the
pickle is made without them; loading rebuilds the context with paths into the loaded directory,
so the model reads the registry's copies, never the files it was logged from.

A model class defined in the user's own code (a notebook, a script, a module that is not an
installed package) is pickled by value, so that the gateway can load it without that code on
its path; classes from installed packages are pickled by reference, as pickle does.
"""

from __future__ import annotations

import contextlib
import copy
import json
import shutil
import site
import sys
import sysconfig
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path
from types import ModuleType
from typing import Any

import pyarrow as pa

from sqlgate.errors import InvalidValue
from sqlgate.registry.manifest import Function, Manifest
from sqlgate.registry.store import safe_part

NAME = "custom"
MODEL_FILE = "model.pkl"
INFO_FILE = "custom_model.json"  # {"artifacts": {name: path relative to the version directory}}
ARTIFACTS_DIR = "artifacts"
_CUSTOM_MODEL = "sqlgate.registry.custom_model"


def matches(model: object) -> bool:
    module = sys.modules.get(_CUSTOM_MODEL)
    return module is not None and isinstance(model, module.CustomModel)


def default_methods(model: object) -> list[str]:
    from sqlgate.registry.custom_model import inference_methods

    return inference_methods(type(model))


def save(model: Any, directory: Path) -> dict[str, str]:
    import cloudpickle

    from sqlgate.registry.custom_model import ModelContext

    context = model.context
    layout: dict[str, str] = {}
    for name, source in context.artifacts.items():
        path = Path(source)
        if not path.exists():
            raise InvalidValue(f"Artifact {name!r} of the model context does not exist: {source}")
        relative = f"{ARTIFACTS_DIR}/{safe_part(name)}/{path.resolve().name}"
        target = directory / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if path.is_dir():
            shutil.copytree(path, target)
        else:
            shutil.copyfile(path, target)
        layout[name] = relative
    # Pickle a shallow copy without the artifact paths: they point at the user's files.
    bare = copy.copy(model)
    bare.context = ModelContext(models=context.model_refs)
    with _by_value(type(model)), (directory / MODEL_FILE).open("wb") as f:
        cloudpickle.dump(bare, f)
    (directory / INFO_FILE).write_text(json.dumps({"artifacts": layout}, sort_keys=True))
    return {"cloudpickle": cloudpickle.__version__, "pandas": metadata.version("pandas")}


def load(directory: Path, manifest: Manifest) -> object:
    import cloudpickle

    from sqlgate.registry.custom_model import ModelContext

    layout = json.loads((directory / INFO_FILE).read_text())["artifacts"]
    with (directory / MODEL_FILE).open("rb") as f:
        model = cloudpickle.load(f)
    artifacts = {name: str(directory.joinpath(*rel.split("/"))) for name, rel in layout.items()}
    model.context = ModelContext(artifacts=artifacts, models=model.context.model_refs)
    return model


def call(model: Any, function: Function, inputs: pa.Table) -> object:
    return getattr(model, function.target_method)(inputs.to_pandas())


# --- pickling user code by value --------------------------------------------------------------


def _installed_roots() -> list[Path]:
    paths = sysconfig.get_paths()
    roots = [paths[k] for k in ("stdlib", "platstdlib", "purelib", "platlib") if k in paths]
    roots += [*site.getsitepackages(), site.getusersitepackages()]
    return [Path(r).resolve() for r in roots]


def _is_user_code(module: ModuleType) -> bool:
    """A module of the user's own, not of an installed package (nor of sqlgate itself)."""
    if module.__name__ == "__main__" or module.__name__.split(".")[0] == "sqlgate":
        return False  # cloudpickle pickles __main__ by value already
    file = getattr(module, "__file__", None)
    if not file:
        return False
    path = Path(file).resolve()
    return not any(root == path or root in path.parents for root in _installed_roots())


@contextlib.contextmanager
def _by_value(cls: type) -> Iterator[None]:
    import cloudpickle

    module = sys.modules.get(cls.__module__)
    registered = cloudpickle.list_registry_pickle_by_value()
    if module is None or module.__name__ in registered or not _is_user_code(module):
        yield
        return
    cloudpickle.register_pickle_by_value(module)
    try:
        yield
    finally:
        cloudpickle.unregister_pickle_by_value(module)

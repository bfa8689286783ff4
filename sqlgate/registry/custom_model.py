"""Custom Python models, shaped like snowflake-ml-python's `custom_model` module so that code
written for it ports by changing the import:

    from sqlgate.registry import custom_model

    class Scaler(custom_model.CustomModel):
        def __init__(self, context: custom_model.ModelContext) -> None:
            super().__init__(context)
            self.factor = float(Path(self.context.path("factor")).read_text())

        @custom_model.inference_api
        def predict(self, X: pd.DataFrame) -> pd.DataFrame:
            return pd.DataFrame({"scaled": X["value"] * self.factor})

    model = Scaler(custom_model.ModelContext(artifacts={"factor": "factor.txt"}))

Methods marked with `inference_api` become the model's functions; each takes a pandas DataFrame
(columns named as in the signature) and returns one with a row per input row. When the model is
logged, the artifact files are copied into the version directory, and once loaded back
`self.context.path(name)` points at the copy.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from os import PathLike
from typing import Any, TypeVar

from sqlgate.errors import InvalidValue

_MARK = "_sqlgate_inference_api"

F = TypeVar("F", bound=Callable[..., Any])


def inference_api(method: F) -> F:
    """Mark a CustomModel method as an inference method (a function of the logged model)."""
    setattr(method, _MARK, True)
    return method


def is_inference_api(method: object) -> bool:
    return bool(getattr(method, _MARK, False))


class ModelContext:
    """What a custom model needs besides its own attributes: artifact files (name -> path) and
    other model objects it calls (name -> model), both carried into the registry with it."""

    def __init__(
        self,
        *,
        artifacts: Mapping[str, str | PathLike[str]] | None = None,
        models: Mapping[str, Any] | None = None,
    ) -> None:
        self.artifacts: dict[str, str] = {str(k): str(v) for k, v in (artifacts or {}).items()}
        self.model_refs: dict[str, Any] = dict(models or {})

    def path(self, key: str) -> str:
        """The path of artifact `key` (inside the version directory once logged)."""
        if key not in self.artifacts:
            known = ", ".join(repr(k) for k in self.artifacts) or "none"
            raise InvalidValue(f"The model context has no artifact {key!r} (it has {known})")
        return self.artifacts[key]

    def model_ref(self, name: str) -> Any:
        """The model object registered under `name`."""
        if name not in self.model_refs:
            known = ", ".join(repr(k) for k in self.model_refs) or "none"
            raise InvalidValue(f"The model context has no model {name!r} (it has {known})")
        return self.model_refs[name]


class CustomModel:
    """Base class of custom models; subclasses mark their inference methods with
    `@inference_api`."""

    def __init__(self, context: ModelContext | None = None) -> None:
        self.context = context if context is not None else ModelContext()


def inference_methods(cls: type) -> list[str]:
    """The names of `cls`'s inference methods, in the order they were defined (base classes
    first; an override keeps its base's position)."""
    names: dict[str, None] = {}
    for klass in reversed(cls.__mro__):
        names.update(dict.fromkeys(vars(klass)))
    return [
        n for n in names if callable(getattr(cls, n, None)) and is_inference_api(getattr(cls, n))
    ]

"""The model registry: the version directory format (manifest.py), the artifact store that copies
verified version directories under the data directory (store.py), flavors that save, load and
call model objects (flavors/), signatures (signature.py), and the Python API shaped like
snowflake-ml-python's (api.py: Registry, Model, ModelVersion; custom_model.py).

`from sqlgate.registry import Registry` imports the API on first use: the SQL side imports this
package for the store and manifests, and should not pay for pandas and the flavors.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlgate.registry.api import Model, ModelVersion, Registry

__all__ = ["Model", "ModelVersion", "Registry"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from sqlgate.registry import api

        return getattr(api, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

"""sqlgate: serve machine-learning models from Snowflake-style SQL on your own machines.

The public names load on first use: a service replica imports `sqlgate.runtime` and must not
pay for the gateway (sqlglot, DuckDB, the executors), about 3 s of imports, on every start.
"""

from __future__ import annotations

import importlib
import typing as t

__version__ = "0.1.0"
__all__ = ["Connection", "Result", "Session", "SqlgateError", "__version__", "connect"]

# public name -> the module that defines it ("dbapi" is the PEP 249 module itself)
_PUBLIC = {
    "Connection": "sqlgate.dbapi",
    "connect": "sqlgate.dbapi",
    "SqlgateError": "sqlgate.errors",
    "Result": "sqlgate.gateway.result",
    "Session": "sqlgate.gateway.session",
    "dbapi": "sqlgate.dbapi",
}

if t.TYPE_CHECKING:
    from sqlgate import dbapi as dbapi
    from sqlgate.dbapi import Connection, connect
    from sqlgate.errors import SqlgateError
    from sqlgate.gateway.result import Result
    from sqlgate.gateway.session import Session


def __getattr__(name: str) -> t.Any:
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module 'sqlgate' has no attribute {name!r}")
    loaded = importlib.import_module(module)
    value = loaded if name == "dbapi" else getattr(loaded, name)
    globals()[name] = value
    return value

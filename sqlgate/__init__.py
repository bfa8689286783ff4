"""sqlgate: serve machine-learning models from Snowflake-style SQL on your own machines."""

from sqlgate.dbapi import Connection, connect
from sqlgate.errors import SqlgateError
from sqlgate.gateway.result import Result
from sqlgate.gateway.session import Session

__version__ = "0.1.0"
__all__ = ["Connection", "Result", "Session", "SqlgateError", "__version__", "connect"]

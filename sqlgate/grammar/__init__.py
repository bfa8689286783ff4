"""The sqlgate SQL dialect (Snowflake's, plus sqlgate's statements), registered as "sqlgate"."""

from sqlgate.grammar.dialect import Sqlgate, sqlgate_nodes
from sqlgate.grammar.nodes import SqlgateExpression, SqlgateStatement

__all__ = ["Sqlgate", "SqlgateExpression", "SqlgateStatement", "sqlgate_nodes"]

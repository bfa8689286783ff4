"""Model calls inside queries: `m!method(...)`, `db.schema.m!method(...)`, `MODEL(m, v)!method(...)`
and `WITH x AS MODEL m VERSION v`. https://docs.snowflake.com/en/sql-reference/commands-model

`m!method(...)` is sqlglot's ModelAttribute already; only its printing (keep the method's case)
and the MODEL CTE are ours.
"""

from __future__ import annotations

import typing as t

from sqlglot import exp
from sqlglot.tokens import TokenType

from sqlgate.grammar.nodes import SqlgateExpression

if t.TYPE_CHECKING:
    from sqlglot.generators.snowflake import SnowflakeGenerator as Generator
    from sqlglot.parsers.snowflake import SnowflakeParser as Parser


class ModelVersion(exp.Table, SqlgateExpression):
    """The body of `WITH alias AS MODEL name [VERSION v]`, stored as the `this` of an exp.CTE.

    A Table subclass on purpose: sqlglot's scope builder (run by the Snowflake generator and the
    optimizer) then sees a source it knows instead of logging "Cannot traverse scope". Code that
    collects real tables must skip it.
    """

    arg_types: t.ClassVar[dict[str, bool]] = {**exp.Table.arg_types, "model_version": False}


def parse_model_cte(self: Parser) -> exp.CTE | None:
    """`alias AS MODEL name [VERSION v]`, or None (and nothing consumed) for an ordinary CTE."""
    index = self._index
    alias = self._parse_table_alias(self.ID_VAR_TOKENS)
    if alias and self._match(TokenType.ALIAS) and self._match_text_seq("MODEL"):
        model = self._parse_table_parts()
        if not model or not model.this:
            self.raise_error("Expected a model name after AS MODEL")
        version = None
        if self._match_text_seq("VERSION"):
            version = self._parse_id_var(any_token=False)
            if version is None:
                self.raise_error("Expected a version or alias name after VERSION")
        body = ModelVersion(**model.args, model_version=version)
        return self.expression(exp.CTE(this=body, alias=alias))
    self._retreat(index)
    return None


def model_version_sql(self: Generator, expression: ModelVersion) -> str:
    version = self.sql(expression, "model_version")
    version = f" VERSION {version}" if version else ""
    return f"MODEL {self.table_parts(expression)}{version}"


def model_attribute_sql(self: Generator, expression: exp.ModelAttribute) -> str:
    method = expression.expression
    if isinstance(method, exp.Anonymous):  # keep `m!predict`; Snowflake's prints `m!PREDICT`
        method_sql = self.func(method.name, *method.expressions, normalize=False)
    else:
        method_sql = self.sql(method)
    return f"{self.sql(expression, 'this')}!{method_sql}"


TRANSFORMS = {ModelVersion: model_version_sql}

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


def parse_method_calls(
    self: Parser, this: exp.Expr | None, rest: t.Callable[[exp.Expr | None], exp.Expr | None]
) -> exp.Expr | None:
    """`m!method(...)` with the method always an anonymous function: a model's methods are its
    own, so `m!transform(x)` or `m!sum(a, b)` must not become sqlglot's TRANSFORM or SUM (which
    then fail on their own arity rules). `rest` parses any operators that follow."""
    while (
        this is not None
        and self._curr is not None
        and self._curr.token_type == TokenType.EXCLAMATION
        and self._next is not None
        and self._next.token_type not in (TokenType.L_PAREN, TokenType.EQ)
        and self._index + 2 < len(self._tokens)
        and self._tokens[self._index + 2].token_type == TokenType.L_PAREN
    ):
        self._advance()  # the `!`
        method = self._parse_function(anonymous=True, any_token=True)
        if not isinstance(method, exp.Anonymous):
            self.raise_error("Expected a method call after !")
        # as sqlglot does for qualified calls: db.s.m becomes Dots, a bare m an Identifier
        target = this.transform(
            lambda n: n.to_dot(include_dots=False) if isinstance(n, exp.Column) else n
        )
        this = self._parse_bracket(
            self.expression(exp.ModelAttribute(this=target, expression=method))
        )
    return rest(this)


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

"""Session parameters: https://docs.snowflake.com/en/sql-reference/sql/alter-session and
.../show-parameters.

sqlglot parses ALTER SESSION into its generic Alter node, which the gateway sends to DuckDB as
plain SQL; this family gives it a node of its own so an executor runs it. Parameter names and
values are checked by the executor (an unknown name is an error there, with its position),
so the grammar accepts any `NAME = value`.
"""

from __future__ import annotations

import typing as t

from sqlglot import exp
from sqlglot.tokens import TokenType

from sqlgate.grammar import options as opt
from sqlgate.grammar.nodes import SqlgateStatement, expect_end

if t.TYPE_CHECKING:
    from sqlglot.generators.snowflake import SnowflakeGenerator as Generator
    from sqlglot.parsers.snowflake import SnowflakeParser as Parser


class AlterSession(SqlgateStatement):
    """ALTER SESSION SET name = value [...] | ALTER SESSION UNSET name [, ...]."""

    arg_types: t.ClassVar[dict[str, bool]] = {
        "action": True,  # SET or UNSET
        "expressions": False,  # SET: Property(name, value)
        "unset": False,  # UNSET: names
    }


class ShowParameters(SqlgateStatement):
    """SHOW PARAMETERS [LIKE '<pattern>'] [IN SESSION]."""

    arg_types: t.ClassVar[dict[str, bool]] = {"like": False, "in_session": False}


def _parse_name(self: Parser) -> exp.Expr:
    if not self._curr or self._curr.token_type in (TokenType.STRING, TokenType.NUMBER):
        self.raise_error("Expected a parameter name")
    token = self._curr
    name = exp.var(token.text.upper())
    self._advance()
    name.meta.update(line=token.line, col=token.col, start=token.start)
    return name


def _parse_value(self: Parser, name: str) -> exp.Expr:
    if self._match_set((TokenType.TRUE, TokenType.FALSE)):
        return exp.Boolean(this=self._prev.token_type == TokenType.TRUE)
    value = self._parse_string() or self._parse_number() or self._parse_var(any_token=True)
    if value is None:
        self.raise_error(f"Expected a value for {name}")
    return t.cast(exp.Expr, value)


def parse_alter_session(self: Parser) -> AlterSession:
    if self._match(TokenType.SET):
        settings: list[exp.Expr] = []
        while self._curr and self._curr.token_type != TokenType.SEMICOLON:
            name = _parse_name(self)
            if not self._match(TokenType.EQ):
                self.raise_error(f"Expected = after {name.name}")
            setting = exp.Property(this=name, value=_parse_value(self, name.name))
            setting.meta.update(name.meta)  # errors about the setting point at its name
            settings.append(setting)
            self._match(TokenType.COMMA)
        if not settings:
            self.raise_error("Expected a parameter after ALTER SESSION SET")
        node = AlterSession(action="SET", expressions=settings)
    elif self._match_text_seq("UNSET"):
        node = AlterSession(action="UNSET", unset=self._parse_csv(lambda: _parse_name(self)))
    else:
        self.raise_error("Expected SET or UNSET after ALTER SESSION")
    expect_end(self)
    return self.expression(node)


def parse_show_parameters(self: Parser) -> ShowParameters:
    like = self._parse_string() if self._match(TokenType.LIKE) else None
    in_session = False
    if self._match(TokenType.IN):
        if not self._match_text_seq("SESSION"):
            self.raise_error("sqlgate has session parameters only: SHOW PARAMETERS [IN SESSION]")
        in_session = True
    expect_end(self)
    return self.expression(ShowParameters(like=like, in_session=in_session))


def alter_session_sql(self: Generator, expression: AlterSession) -> str:
    if expression.args["action"] == "UNSET":
        return f"ALTER SESSION UNSET {self.expressions(expression, key='unset', flat=True)}"
    return f"ALTER SESSION SET{opt.options_sql(self, expression.expressions)}"


def show_parameters_sql(self: Generator, expression: ShowParameters) -> str:
    like = self.sql(expression, "like")
    like = f" LIKE {like}" if like else ""
    scope = " IN SESSION" if expression.args.get("in_session") else ""
    return f"SHOW PARAMETERS{like}{scope}"


ALTER_PARSERS = {"SESSION": parse_alter_session}
SHOW_PARSERS = {"PARAMETERS": parse_show_parameters}
TRANSFORMS = {AlterSession: alter_session_sql, ShowParameters: show_parameters_sql}

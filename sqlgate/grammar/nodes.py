"""The base of every node sqlgate adds to sqlglot, and the header shared by CREATE statements."""

from __future__ import annotations

import typing as t

from sqlglot import exp
from sqlglot.tokens import TokenType

if t.TYPE_CHECKING:
    from sqlglot.generators.snowflake import SnowflakeGenerator as Generator
    from sqlglot.parsers.snowflake import SnowflakeParser as Parser


class SqlgateExpression(exp.Expression):
    """Marker base for sqlgate's own nodes (tests enumerate its subclasses)."""


class SqlgateStatement(SqlgateExpression):
    """A whole statement that an executor runs (as opposed to a query fragment)."""


CREATE_ARGS: dict[str, bool] = {
    "this": True,
    "exists": False,  # IF NOT EXISTS
    "replace": False,  # OR REPLACE
    "expressions": False,  # KEY = value options
}


def parse_object_name(self: Parser, what: str, *, qualified: bool) -> exp.Expr:
    """`name` for account-level objects, `[db.][schema.]name` for schema-level ones."""
    name: exp.Expr | None
    if qualified:
        name = self._parse_table_parts() if self._curr else None
        if isinstance(name, exp.Table) and not name.this:
            name = None
    else:
        name = self._parse_id_var(any_token=False)
    if name is None:
        self.raise_error(f"Expected {what} name")
    return t.cast(exp.Expr, name)


def parse_if_not_exists(self: Parser) -> bool:
    return bool(self._parse_exists(not_=True))


def match_words(self: Parser, *words: str) -> bool:
    return bool(self._match_text_seq(*words))


def expect_words(self: Parser, *words: str) -> None:
    if not self._match_text_seq(*words):
        self.raise_error(f"Expected {' '.join(words)}")


def expect_end(self: Parser) -> None:
    """Anything left over after a statement of ours is an error, never silently ignored."""
    if self._curr and self._curr.token_type != TokenType.SEMICOLON:
        self.raise_error(f"Unexpected '{self._curr.text}'")


def create_header_sql(self: Generator, expression: exp.Expr, kind: str) -> str:
    replace = " OR REPLACE" if expression.args.get("replace") else ""
    exists = " IF NOT EXISTS" if expression.args.get("exists") else ""
    return f"CREATE{replace} {kind}{exists} {self.sql(expression, 'this')}"


def exists_sql(expression: exp.Expr) -> str:
    return " IF EXISTS" if expression.args.get("exists") else ""

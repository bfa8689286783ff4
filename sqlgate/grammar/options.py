"""`KEY = value` option lists, as Snowflake's object parameters are written.

Each statement declares the options it accepts and what kind of value each takes, so an
unknown or misspelt option, or a value of the wrong kind, is a parse error with a position
rather than something silently stored.
"""

from __future__ import annotations

import typing as t
from collections.abc import Mapping

from sqlglot import exp
from sqlglot.tokens import TokenType

if t.TYPE_CHECKING:
    from sqlglot.generators.snowflake import SnowflakeGenerator as Generator
    from sqlglot.parsers.snowflake import SnowflakeParser as Parser

# Value kinds an option can take.
INT = "an integer"
BOOL = "TRUE or FALSE"
STRING = "a string"
NAME = "a name or a string"  # INSTANCE_FAMILY = CPU_X64_M or = 'CPU_X64_M'
OBJECT = "an object name"  # IMAGE_REPOSITORY = db.schema.repo (qualified like any object)
LIST = "a parenthesised list"  # VALUE_LIST = ('a', 'b'), ALLOWED_NETWORK_RULES = (r1, r2)
NESTED = "a parenthesised option list"  # ENCRYPTION = (TYPE = 'SNOWFLAKE_SSE')
TAGS = "a tag list"  # [WITH] TAG (k = 'v', ...)

OptionSpec = Mapping[str, str]


def parse_options(self: Parser, spec: OptionSpec, statement: str) -> list[exp.Expr]:
    """Read options until the statement ends; anything not in `spec` is an error."""
    options: list[exp.Expr] = []
    seen: set[str] = set()
    while self._curr and self._curr.token_type != TokenType.SEMICOLON:
        with_tag = self._curr.text.upper() == "WITH" and self._next and _is_tag(self._next.text)
        if with_tag:
            self._advance()
        key = self._curr.text.upper()
        if key not in spec or self._curr.token_type in (TokenType.STRING, TokenType.NUMBER):
            expected = ", ".join(sorted(spec))
            self.raise_error(
                f"Unknown option '{self._curr.text}' for {statement}; expected one of {expected}"
            )
        if key in seen:
            self.raise_error(f"Option {key} given twice")
        seen.add(key)
        key_token = self._curr
        self._advance()
        kind = spec[key]
        if kind == TAGS:
            value = _parse_tags(self, wrapped=True)
            key = "WITH TAG" if with_tag else key
        else:
            if not self._match(TokenType.EQ):
                self.raise_error(f"Expected = after {key}")
            value = parse_value(self, kind, key)
        option = exp.Property(this=exp.var(key), value=value)
        # where the option starts, so errors found later (MIN_NODES > MAX_NODES) can point at it
        option.meta.update(line=key_token.line, col=key_token.col, start=key_token.start)
        options.append(option)
        self._match(TokenType.COMMA)
    return options


def parse_tag_assignments(self: Parser) -> exp.Tuple:
    """`k = 'v' [, ...]` without parentheses, as in ALTER ... SET TAG."""
    return _parse_tags(self, wrapped=False)


def parse_value(self: Parser, kind: str, key: str) -> exp.Expr:
    value: exp.Expr | None = None
    if kind == INT:
        negative = self._match(TokenType.DASH)
        if self._curr and self._curr.token_type == TokenType.NUMBER and "." not in self._curr.text:
            self._advance()
            value = exp.Literal.number(("-" if negative else "") + self._prev.text)
    elif kind == BOOL:
        if self._match_set((TokenType.TRUE, TokenType.FALSE)):
            value = exp.Boolean(this=self._prev.token_type == TokenType.TRUE)
    elif kind == STRING:
        value = self._parse_string()
    elif kind == NAME:
        value = self._parse_string() or self._parse_id_var(any_token=False)
    elif kind == OBJECT:
        value = self._parse_table_parts()
    elif kind == LIST:
        if self._match(TokenType.L_PAREN):
            items = (
                []
                if self._match(TokenType.R_PAREN, advance=False)
                else self._parse_csv(lambda: self._parse_string() or self._parse_table_parts())
            )
            if not self._match(TokenType.R_PAREN):
                self.raise_error(f"Expected ) to close {key}")
            value = exp.Tuple(expressions=items)
    elif kind == NESTED and self._match(TokenType.L_PAREN):
        inner = []
        while self._curr and not self._match(TokenType.R_PAREN):
            inner_key = self._parse_var(any_token=True, upper=True)
            if not inner_key or not self._match(TokenType.EQ):
                self.raise_error(f"Expected KEY = value inside {key} ( ... )")
            inner_value = self._parse_string() or self._parse_id_var(any_token=False)
            inner.append(exp.Property(this=inner_key, value=inner_value))
            self._match(TokenType.COMMA)
        value = exp.Tuple(expressions=inner)
    if value is None:
        self.raise_error(f"{key} expects {kind}")
    return t.cast(exp.Expr, value)


def _is_tag(text: str) -> bool:
    return text.upper() == "TAG"


def _parse_tags(self: Parser, *, wrapped: bool) -> exp.Tuple:
    if wrapped and not self._match(TokenType.L_PAREN):
        self.raise_error("Expected ( after TAG")
    tags = []
    while True:
        name = self._parse_table_parts()
        if not name or not self._match(TokenType.EQ):
            self.raise_error("Expected tag_name = 'tag_value'")
        value = self._parse_string()
        if value is None:
            self.raise_error("A tag value must be a string")
        tags.append(exp.Property(this=name, value=value))
        if not self._match(TokenType.COMMA):
            break
    if wrapped and not self._match(TokenType.R_PAREN):
        self.raise_error("Expected ) to close TAG ( ... )")
    return exp.Tuple(expressions=tags)


def value_sql(self: Generator, value: exp.Expr) -> str:
    if isinstance(value, exp.Tuple):
        return "(" + ", ".join(value_sql(self, v) for v in value.expressions) + ")"
    if isinstance(value, exp.Property):
        return f"{self.sql(value, 'this')} = {value_sql(self, value.args['value'])}"
    if isinstance(value, exp.RawString):  # keep $$...$$ as written
        return f"$${value.name}$$"
    return self.sql(value)


def option_sql(self: Generator, option: exp.Expr) -> str:
    key = option.name
    value = option.args["value"]
    if key.endswith("TAG") and isinstance(value, exp.Tuple):
        return f"{key} {value_sql(self, value)}"
    return f"{key} = {value_sql(self, value)}"


def options_sql(self: Generator, options: list[exp.Expr] | None, sep: str = " ") -> str:
    """Options with a leading space, or nothing."""
    if not options:
        return ""
    return " " + sep.join(option_sql(self, o) for o in options)


def tag_assignments_sql(self: Generator, tags: exp.Tuple) -> str:
    return ", ".join(value_sql(self, tag) for tag in tags.expressions)


def to_py(value: exp.Expr | None) -> t.Any:
    """The Python value of an option: int, bool, str, list, or dict for nested options."""
    if value is None:
        return None
    if isinstance(value, exp.Tuple):
        items = value.expressions
        if items and all(isinstance(i, exp.Property) for i in items):
            return {i.name.upper(): to_py(i.args["value"]) for i in items}
        return [to_py(i) for i in items]
    if isinstance(value, exp.Property):
        return {value.name: to_py(value.args["value"])}
    if isinstance(value, exp.Table):
        return ".".join(p.name for p in value.parts)
    if isinstance(value, exp.Identifier | exp.Var):
        return value.name
    if isinstance(value, exp.RawString):
        return value.name
    return value.to_py()


def option_dict(options: list[exp.Expr] | None) -> dict[str, exp.Expr]:
    """Options keyed by upper-case name ("WITH TAG" is filed under "TAG")."""
    return {o.name.upper().removeprefix("WITH "): o.args["value"] for o in options or []}

"""Splitting a script into statements, and positions in the text the user sent.

Statements are split on `;` with sqlglot's tokenizer, so semicolons inside strings, `$$` blocks
and comments do not split. Each statement is parsed on its own, so one bad statement in a
script does not stop the others from running (psql's behaviour without ON_ERROR_STOP).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import sqlglot
from sqlglot.errors import ParseError, TokenError
from sqlglot.tokens import TokenType

from sqlgate.errors import Position, SqlSyntaxError
from sqlgate.grammar import Sqlgate

# sqlglot logs a warning when it falls back to exp.Command; the gateway reports that itself.
logging.getLogger("sqlglot").setLevel(logging.ERROR)


@dataclass(frozen=True)
class Statement:
    text: str
    offset: int  # where `text` starts in the script

    def position(self, script: str, offset_in_statement: int) -> Position:
        return position_at(script, self.offset + offset_in_statement)


def position_at(text: str, offset: int) -> Position:
    before = text[:offset]
    line = before.count("\n") + 1
    return Position(line, offset - (before.rfind("\n") + 1) + 1)


def tokenize(script: str) -> list:
    try:
        return Sqlgate().tokenize(script)
    except TokenError as e:
        raise SqlSyntaxError(f"Syntax error: {e}") from None


def split(script: str) -> list[Statement]:
    statements: list[Statement] = []
    start: int | None = None
    end = 0
    for token in tokenize(script):
        if token.token_type == TokenType.SEMICOLON:
            if start is not None:
                statements.append(Statement(script[start : end + 1], start))
            start = None
            continue
        if start is None:
            # a comment before the statement's first token belongs to the statement
            start = token.start
        end = token.end
    if start is not None:
        statements.append(Statement(script[start : end + 1], start))
    return statements


def is_complete(text: str) -> bool:
    """True when the text ends with `;` outside strings, comments and `$$` blocks."""
    try:
        tokens = Sqlgate().tokenize(text)
    except TokenError:
        return False  # an unterminated string or comment is still being typed
    return bool(tokens) and tokens[-1].token_type == TokenType.SEMICOLON


def parse(statement: Statement, script: str) -> sqlglot.exp.Expr:
    """Parse one statement; a syntax error names the problem and where it is in the script."""
    try:
        tree = sqlglot.parse_one(statement.text, read="sqlgate")
    except ParseError as e:
        error = e.errors[0] if e.errors else {}
        line, col = error.get("line") or 1, error.get("col") or 1
        # sqlglot's column is the last character of the offending token; point at its first
        col = max(1, col - len(error.get("highlight") or " ") + 1)
        # sqlglot's line/col are within the statement; move them into the script
        lines = statement.text.split("\n")
        offset = sum(len(x) + 1 for x in lines[: line - 1]) + col - 1
        description = error.get("description") or str(e).split("\n")[0]
        raise SqlSyntaxError(
            f"Syntax error: {description}", statement.position(script, offset)
        ) from None
    except RecursionError:
        raise SqlSyntaxError(
            "Syntax error: the statement is nested too deeply to parse",
            statement.position(script, 0),
        ) from None
    if tree is None:
        raise SqlSyntaxError("Empty statement", statement.position(script, 0))
    return tree

"""Errors every front-end can render the same way: a message, a Snowflake error code and SQLSTATE,
and for SQL a position (1-based line and column in the text the user sent)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Position:
    line: int
    col: int

    def __str__(self) -> str:
        return f"line {self.line}, column {self.col}"


class SqlgateError(Exception):
    """Base of every error sqlgate reports to a user."""

    sqlstate = "XX000"
    errno = 0

    def __init__(self, message: str, position: Position | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.position = position

    def __str__(self) -> str:
        return f"{self.message} ({self.position})" if self.position else self.message

    def at(self, position: Position | None) -> SqlgateError:
        """Attach a position if the error has none yet (errors raised deep down lack one)."""
        if self.position is None and position is not None:
            self.position = position
        return self


class SqlSyntaxError(SqlgateError):
    sqlstate = "42000"
    errno = 1003


class UnsupportedStatement(SqlgateError):
    sqlstate = "0A000"
    errno = 2

    def __init__(self, what: str, position: Position | None = None) -> None:
        super().__init__(f"Unsupported statement: {what}", position)


class ObjectNotFound(SqlgateError):
    sqlstate = "02000"
    errno = 2003

    def __init__(self, kind: str, name: str, position: Position | None = None) -> None:
        super().__init__(f"{kind} '{name}' does not exist or not authorized.", position)
        self.kind, self.name = kind, name


class ObjectExists(SqlgateError):
    sqlstate = "42710"
    errno = 2002

    def __init__(self, kind: str, name: str, position: Position | None = None) -> None:
        super().__init__(f"{kind} '{name}' already exists.", position)
        self.kind, self.name = kind, name


class InvalidValue(SqlgateError):
    """A statement that parses but asks for something impossible (MIN_NODES > MAX_NODES, ...)."""

    sqlstate = "22023"
    errno = 2141


class ObjectInUse(SqlgateError):
    """The object cannot change because something else depends on it."""

    sqlstate = "55006"
    errno = 2149


class QueryError(SqlgateError):
    """An error DuckDB raised while running plain SQL."""

    sqlstate = "42000"
    errno = 2000

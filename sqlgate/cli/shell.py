"""The shell: what the REPL and batch mode share. It runs SQL statement by statement (printing
each result or error as it completes, as psql does), runs backslash commands, and holds the
display settings those commands change.
"""

from __future__ import annotations

import re
import shutil
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, TextIO

import pyarrow as pa

from sqlgate.cli import commands
from sqlgate.cli.format import (
    FORMATS,
    display_width,
    error_text,
    format_aligned,
    format_vertical,
    render,
)
from sqlgate.errors import Position, SqlgateError
from sqlgate.gateway import script as scripts
from sqlgate.gateway.session import Session

MAX_INCLUDE_DEPTH = 16  # \i of a file that includes itself must end somewhere


@dataclass(frozen=True)
class Outcome:
    ok: bool  # no statement or command failed
    stopped: bool = False  # ON_ERROR_STOP ended the script early


@dataclass(frozen=True)
class Chunk:
    """A piece of a script: a backslash command line, or SQL text ending in a full statement."""

    start: int
    end: int
    command: str | None = None


_LINE = re.compile(r"[^\n]*\n|[^\n]+\Z")


def _blank(text: str) -> bool:
    """True when `text` holds no SQL token (only blanks and comments)."""
    try:
        return not scripts.tokenize(text)
    except SqlgateError:
        return False  # an open string or comment is SQL still being written


def chunks(text: str) -> Iterator[Chunk]:
    """Split a script into backslash-command lines and SQL pieces, psql-style: a line starting
    with `\\` is a command unless it continues an unfinished statement."""
    start: int | None = None
    for match in _LINE.finditer(text):
        line, offset, end = match.group(), match.start(), match.end()
        if line.lstrip().startswith("\\") and (start is None or _blank(text[start:offset])):
            start = None
            yield Chunk(offset, end, line.strip())
            continue
        if start is None and line.strip():
            start = offset
        # only a line with a semicolon can end a statement, so only those pay for tokenizing
        if start is not None and ";" in line and scripts.is_complete(text[start:end]):
            yield Chunk(start, end)
            start = None
    if start is not None and not _blank(text[start:]):
        yield Chunk(start, len(text))  # psql runs what is left at the end of the input


def check_variable(name: str, value: str) -> None:
    """Refuse what psql refuses: odd names, and a non-boolean ON_ERROR_STOP."""
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
        raise ValueError(f'invalid variable name: "{name}"')
    if name == "ON_ERROR_STOP" and commands.parse_bool(value) is None:
        raise ValueError(f'unrecognized value "{value}" for "{name}": Boolean expected')


class Shell:
    def __init__(
        self,
        session: Session,
        home: str,
        *,
        output_format: str = "aligned",
        variables: dict[str, str] | None = None,
    ) -> None:
        if output_format not in FORMATS:
            raise ValueError(f"unknown output format {output_format!r}")
        self.session = session
        self.home = home
        self.output_format = output_format
        self.expanded: bool | Literal["auto"] = False
        self.timing = False
        self.variables: dict[str, str] = {}
        for name, value in (variables or {}).items():
            self.set_variable(name, value)
        self.quit = False
        # bumped after every statement, so the completer knows when to re-read the catalog
        self.generation = 0
        self._output: TextIO | None = None  # a \o file; None is standard output
        self._depth = 0

    # --- settings ---------------------------------------------------------------------------
    @property
    def on_error_stop(self) -> bool:
        return commands.parse_bool(self.variables.get("ON_ERROR_STOP", "off")) is True

    def set_variable(self, name: str, value: str) -> None:
        check_variable(name, value)
        self.variables[name] = value

    def set_output(self, path: Path | None) -> None:
        """\\o: results go to `path` (truncated, as psql does), or back to standard output."""
        new = path.open("w", encoding="utf-8") if path is not None else None
        if self._output is not None:
            self._output.close()
        self._output = new

    def close(self) -> None:
        self.set_output(None)

    # --- printing ---------------------------------------------------------------------------
    @property
    def out(self) -> TextIO:
        return self._output or sys.stdout

    def say(self, text: str) -> None:
        """A message for the user (command feedback, timing): always the terminal, never \\o."""
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        sys.stdout.flush()

    def error(self, text: str) -> None:
        sys.stderr.write(text if text.endswith("\n") else text + "\n")
        sys.stderr.flush()

    def sql_error(
        self, message: str, position: Position | None = None, script: str | None = None
    ) -> None:
        sys.stdout.flush()  # keep results and errors in order on a shared terminal
        self.error(error_text(message, position, script))

    def show(self, table: pa.Table) -> None:
        out = self.out
        out.write(self._render(table, out))
        out.flush()

    def _render(self, table: pa.Table, out: TextIO) -> str:
        if self.output_format != "aligned" or self.expanded is False:
            return render(table, self.output_format)
        if self.expanded is True:
            return format_vertical(table)
        text = format_aligned(table)  # \x auto: vertical only when a row would not fit
        widest = max((display_width(line) for line in text.split("\n")), default=0)
        if out.isatty() and widest > shutil.get_terminal_size().columns:
            return format_vertical(table)
        return text

    # --- running ----------------------------------------------------------------------------
    def run_statement(
        self, statement: scripts.Statement, script: str, *, show_position: bool = True
    ) -> bool:
        started = time.perf_counter()
        try:
            result = self.session.run(statement, script)
        except SqlgateError as e:
            elapsed = time.perf_counter() - started
            self.sql_error(e.message, e.position if show_position else None, script)
            ok = False
        except Exception as e:  # a bug below the gateway must not end the user's session
            elapsed = time.perf_counter() - started
            self.sql_error(f"internal error: {type(e).__name__}: {e}")
            ok = False
        else:
            elapsed = time.perf_counter() - started
            self.show(result.table)
            ok = True
        self.generation += 1
        if self.timing:
            self.say(f"Time: {elapsed * 1000:.3f} ms")
        return ok

    def run_statements(
        self,
        script: str,
        start: int = 0,
        end: int | None = None,
        *,
        stop_on_error: bool,
        show_position: bool = True,
    ) -> bool:
        """Run the statements of script[start:end] one at a time; error positions stay
        relative to the whole script, so LINE n is the line the user sees."""
        try:
            statements = scripts.split(script[start:end])
        except SqlgateError as e:
            self.sql_error(e.message, e.position, script)
            return False
        ok = True
        for piece in statements:
            statement = scripts.Statement(piece.text, piece.offset + start)
            if not self.run_statement(statement, script, show_position=show_position):
                ok = False
                if stop_on_error:
                    break
        return ok

    def run_command(self, line: str) -> bool:
        return commands.run_command(self, line)

    def run_script(self, text: str) -> Outcome:
        """Run SQL and backslash commands, going on after errors unless ON_ERROR_STOP is set."""
        ok = True
        for chunk in chunks(text):
            if self.quit:
                break
            if chunk.command is not None:
                success = self.run_command(chunk.command)
            else:
                success = self.run_statements(
                    text, chunk.start, chunk.end, stop_on_error=self.on_error_stop
                )
            if not success:
                ok = False
                if self.on_error_stop:
                    return Outcome(ok=False, stopped=True)
        return Outcome(ok=ok)

    def run_command_string(self, text: str) -> bool:
        """-c: one backslash command, or SQL that stops at its first error (psql sends a -c
        string as one query, which the server abandons at the first failing statement)."""
        if text.lstrip().startswith("\\"):
            return self.run_script(text).ok  # `-c '\x'`, or commands and SQL on lines
        return self.run_statements(text, stop_on_error=True)

    def run_file(self, path: str) -> bool:
        """\\i FILE."""
        if self._depth >= MAX_INCLUDE_DEPTH:
            self.error(f"{path}: too many nested \\i commands")
            return False
        try:
            text = Path(path).expanduser().read_text(encoding="utf-8")
        except OSError as e:
            self.error(f"{path}: {e.strerror or e}")
            return False
        self._depth += 1
        try:
            return self.run_script(text).ok
        finally:
            self._depth -= 1

    def run_generated(self, sql: str) -> bool:
        """SQL a backslash command stands for; its errors carry no LINE (the user did not type
        that text)."""
        try:
            count = len(scripts.split(sql))
        except SqlgateError:
            count = 0
        if count != 1:  # `\d x; drop table y` must not smuggle a second statement in
            self.sql_error(f"invalid argument in: {sql}")
            return False
        return self.run_statements(sql, stop_on_error=True, show_position=False)

    def query(self, sql: str) -> pa.Table | None:
        """The result of one statement a command needs, or None after printing its error."""
        try:
            statement = scripts.split(sql)[0]
            return self.session.run(statement, sql).table
        except SqlgateError as e:
            self.sql_error(e.message)
            return None
        except Exception as e:  # as in run_statement: report, do not crash the session
            self.sql_error(f"internal error: {type(e).__name__}: {e}")
            return None
        finally:
            self.generation += 1

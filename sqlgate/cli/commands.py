"""Backslash commands: one table of (name, args, description, handler), so `\\?` is generated
from the same rows that dispatch, and a new command is one row plus its handler.

A handler gets the shell and the rest of the line, and returns False when the command failed
(which counts as an error for ON_ERROR_STOP and exit codes, as in psql).
"""

from __future__ import annotations

import shlex
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa

from sqlgate.cli.format import FORMATS

if TYPE_CHECKING:
    from sqlgate.cli.shell import Shell

Handler = Callable[["Shell", str], bool]


@dataclass(frozen=True)
class Command:
    name: str  # without the backslash
    args: str  # usage of the arguments, "" when it takes none
    description: str
    handler: Handler

    @property
    def usage(self) -> str:
        return f"\\{self.name} {self.args}".rstrip()


# --- handlers -----------------------------------------------------------------------------


def _help(shell: Shell, args: str) -> bool:
    shell.say(help_text())
    return True


def _quit(shell: Shell, args: str) -> bool:
    shell.quit = True
    return True


def _sql(sql: str) -> Handler:
    """A command that is a shorthand for one statement (its errors are that statement's)."""

    def run(shell: Shell, args: str) -> bool:
        return shell.run_generated(sql)

    return run


def _describe(shell: Shell, args: str) -> bool:
    name = args.strip().rstrip(";").strip()
    if name:
        return shell.run_generated(f"DESCRIBE TABLE {name}")
    # psql's "List of relations": tables and views of the current schema in one table
    tables = shell.query("SHOW TABLES")
    views = shell.query("SHOW VIEWS")
    if tables is None or views is None:
        return False
    rows = [
        (r.get("schema_name"), r.get("name"), kind, r.get("owner"))
        for kind, found in (("table", tables), ("view", views))
        for r in found.to_pylist()
    ]
    if not rows:
        shell.say("Did not find any relations.")
        return True
    rows.sort(key=lambda r: (r[0] or "", r[1] or ""))
    names = ["schema", "name", "type", "owner"]
    shell.show(
        pa.table({n: pa.array([r[i] for r in rows], pa.string()) for i, n in enumerate(names)})
    )
    return True


def _on_off(value: str, current: bool, what: str) -> bool | None:
    """psql's boolean arguments: on/off, true/false, yes/no, 1/0; no argument toggles."""
    if not value:
        return not current
    parsed = parse_bool(value)
    if parsed is None:
        raise ValueError(f'unrecognized value "{value}" for "{what}": Boolean expected')
    return parsed


def parse_bool(value: str) -> bool | None:
    lowered = value.strip().lower()
    if lowered in ("1", "on", "true", "yes", "t", "y"):
        return True
    if lowered in ("0", "off", "false", "no", "f", "n"):
        return False
    return None


def _expanded(shell: Shell, args: str) -> bool:
    value = args.strip()
    if value.lower() == "auto":
        shell.expanded = "auto"
        shell.say("Expanded display is used automatically.")
        return True
    try:
        on = _on_off(value, shell.expanded is True, "\\x")
    except ValueError as e:
        shell.error(f"\\x: {e}")
        return False
    shell.expanded = bool(on)
    shell.say(f"Expanded display is {'on' if on else 'off'}.")
    return True


def _timing(shell: Shell, args: str) -> bool:
    try:
        on = _on_off(args.strip(), shell.timing, "\\timing")
    except ValueError as e:
        shell.error(f"\\timing: {e}")
        return False
    shell.timing = bool(on)
    shell.say(f"Timing is {'on' if on else 'off'}.")
    return True


def _words(args: str) -> list[str]:
    """File names and values, with psql-style single or double quotes for spaces."""
    return shlex.split(args, posix=True)


def _include(shell: Shell, args: str) -> bool:
    words = _words(args)
    if len(words) != 1:
        shell.error("\\i: missing required argument" if not words else "\\i: too many arguments")
        return False
    return shell.run_file(words[0])


def _output(shell: Shell, args: str) -> bool:
    words = _words(args)
    if len(words) > 1:
        shell.error("\\o: too many arguments")
        return False
    try:
        shell.set_output(Path(words[0]) if words else None)
    except OSError as e:
        shell.error(f"\\o: {words[0]}: {e.strerror or e}")
        return False
    return True


def _format(shell: Shell, args: str) -> bool:
    value = args.strip().lower()
    if value and value not in FORMATS:
        shell.error(f"\\format: allowed formats are {', '.join(FORMATS)}")
        return False
    if value:
        shell.output_format = value
    shell.say(f"Output format is {shell.output_format}.")
    return True


def _conninfo(shell: Shell, args: str) -> bool:
    session = shell.session
    shell.say(
        f'You are connected to data directory "{shell.home}" as role "{session.role}", '
        f'database "{session.database or ""}", schema "{session.schema or ""}".'
    )
    return True


def _set(shell: Shell, args: str) -> bool:
    words = args.split(None, 1)
    if not words:
        for name, value in sorted(shell.variables.items()):
            shell.say(f"{name} = '{value}'")
        return True
    try:
        shell.set_variable(words[0], words[1].strip() if len(words) > 1 else "")
    except ValueError as e:
        shell.error(f"\\set: {e}")
        return False
    return True


def _unset(shell: Shell, args: str) -> bool:
    for name in args.split():
        shell.variables.pop(name, None)
    return True


def _echo(shell: Shell, args: str) -> bool:
    shell.say(" ".join(_words(args)) if args.strip() else "")
    return True


COMMANDS: list[Command] = [
    Command("?", "", "show this help", _help),
    Command("q", "", "quit sqlgate", _quit),
    Command("d", "[NAME]", "list tables and views, or describe table NAME", _describe),
    Command("dt", "", "list tables (SHOW TABLES)", _sql("SHOW TABLES")),
    Command("dv", "", "list views (SHOW VIEWS)", _sql("SHOW VIEWS")),
    Command("dn", "", "list schemas (SHOW SCHEMAS)", _sql("SHOW SCHEMAS")),
    Command("l", "", "list databases (SHOW DATABASES)", _sql("SHOW DATABASES")),
    Command("dm", "", "list models (SHOW MODELS)", _sql("SHOW MODELS")),
    Command("dp", "", "list compute pools (SHOW COMPUTE POOLS)", _sql("SHOW COMPUTE POOLS")),
    Command("ds", "", "list services (SHOW SERVICES)", _sql("SHOW SERVICES")),
    Command("x", "[on|off|auto]", "toggle expanded (vertical) output", _expanded),
    Command("timing", "[on|off]", "toggle printing how long each statement takes", _timing),
    Command("format", "FORMAT", f"set the output format ({'|'.join(FORMATS)})", _format),
    Command("i", "FILE", "run the statements and commands in FILE", _include),
    Command("o", "[FILE]", "send results to FILE, or back to standard output", _output),
    Command("conninfo", "", "show the data directory, database, schema and role", _conninfo),
    Command("set", "[NAME [VALUE]]", "set a variable (e.g. ON_ERROR_STOP), or list them", _set),
    Command("unset", "NAME", "remove a variable", _unset),
    Command("echo", "[TEXT]", "print TEXT", _echo),
]

BY_NAME: dict[str, Command] = {c.name: c for c in COMMANDS}


def help_text() -> str:
    width = max(len(c.usage) for c in COMMANDS) + 2
    lines = ["General"]
    lines += [f"  {c.usage.ljust(width)}{c.description}" for c in COMMANDS]
    return "\n".join(lines) + "\n"


def split_command(line: str) -> tuple[str, str]:
    """`\\x on` -> ("x", "on"): the name runs to the first blank, as in psql."""
    body = line.strip()[1:]
    name, _, args = body.partition(" ")
    if "\t" in name:
        name, _, rest = name.partition("\t")
        args = f"{rest} {args}".strip()
    return name, args.strip()


def run_command(shell: Shell, line: str) -> bool:
    name, args = split_command(line)
    command = BY_NAME.get(name)
    if command is None:
        shell.error(f"invalid command \\{name}\nTry \\? for help.")
        return False
    return command.handler(shell, args)

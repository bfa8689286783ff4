"""`sqlgate`: the psql-style command line.

With no subcommand it opens the REPL on the data directory, or runs SQL non-interactively
(-c, -f, or standard input when that is not a terminal). Exit codes are psql's: 0 success,
1 a client error or an SQL error in -c, 2 the data directory cannot be opened, 3 a script
stopped by ON_ERROR_STOP. Later subcommands (`sqlgate serve`, ...) hang off the same app.
"""

from __future__ import annotations

import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

# typer bundles its own click; usage errors are its ClickException, which must exit 1 here
from typer._click.exceptions import ClickException

from sqlgate import __version__, dbapi
from sqlgate.cli.images import images
from sqlgate.cli.shell import Shell, check_variable
from sqlgate.config import default_home
from sqlgate.errors import SqlgateError

EXIT_OK, EXIT_ERROR, EXIT_BAD_DATA_DIRECTORY, EXIT_SCRIPT_STOPPED = 0, 1, 2, 3


class OutputFormat(StrEnum):
    aligned = "aligned"
    csv = "csv"
    json = "json"
    markdown = "markdown"
    vertical = "vertical"


app = typer.Typer(
    name="sqlgate",
    help="Snowflake Model Registry and Snowpark Container Services SQL on your own machines.",
    invoke_without_command=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


app.add_typer(images, name="images")


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"sqlgate {__version__}")
        raise typer.Exit()


def parse_variables(assignments: list[str]) -> dict[str, str]:
    """-v NAME=VALUE, as psql takes them."""
    variables = {}
    for item in assignments:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise typer.BadParameter(f"expected NAME=VALUE, got {item!r}", param_hint="'-v'")
        try:
            check_variable(name, value)
        except ValueError as e:
            raise typer.BadParameter(str(e), param_hint="'-v'") from None
        variables[name] = value
    return variables


@app.callback()
def sqlgate(
    ctx: typer.Context,
    command: Annotated[
        list[str] | None,
        typer.Option(
            "-c",
            "--command",
            metavar="SQL",
            help="Run SQL (or one backslash command) and exit; repeatable, runs in order.",
        ),
    ] = None,
    file: Annotated[
        list[str] | None,
        typer.Option(
            "-f", "--file", metavar="FILE", help="Run the script FILE ('-' is stdin); repeatable."
        ),
    ] = None,
    variable: Annotated[
        list[str] | None,
        typer.Option(
            "-v",
            "--set",
            "--variable",
            metavar="NAME=VALUE",
            help="Set a variable, e.g. -v ON_ERROR_STOP=1; repeatable.",
        ),
    ] = None,
    output_format: Annotated[
        OutputFormat,
        typer.Option("--format", case_sensitive=False, help="How results are printed."),
    ] = OutputFormat.aligned,
    home: Annotated[
        str | None,
        typer.Option(
            "--home",
            metavar="PATH",
            help="Data directory (default $SQLGATE_HOME or ~/.sqlgate; ':memory:' for none).",
        ),
    ] = None,
    url: Annotated[
        str | None,
        typer.Option(
            "--url",
            metavar="URL",
            help="A `sqlgate serve` to connect to (e.g. http://127.0.0.1:8000) instead of a"
            " data directory; credentials from --user and $SQLGATE_TOKEN or $SQLGATE_PASSWORD.",
        ),
    ] = None,
    user: Annotated[
        str | None, typer.Option("--user", "-U", metavar="USER", help="User for --url.")
    ] = None,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="Print the version."
        ),
    ] = False,
) -> None:
    """Open the REPL, or run -c / -f / piped SQL."""
    if ctx.invoked_subcommand is not None:
        ctx.obj = {"home": home}
        return  # a subcommand does its own work
    variables = parse_variables(variable or [])
    raise typer.Exit(
        run(
            commands=command or [],
            files=file or [],
            variables=variables,
            output_format=output_format.value,
            home=home,
            url=url,
            user=user,
        )
    )


def run(
    *,
    commands: list[str],
    files: list[str],
    variables: dict[str, str],
    output_format: str,
    home: str | None,
    url: str | None = None,
    user: str | None = None,
) -> int:
    location = url or (home if home is not None else str(default_home()))
    try:
        if url:  # secrets from the environment, never from the command line (ps shows it)
            connection = dbapi.connect(
                url=url,
                user=user or os.environ.get("SQLGATE_USER"),
                token=os.environ.get("SQLGATE_TOKEN"),
                password=os.environ.get("SQLGATE_PASSWORD"),
            )
        else:
            connection = dbapi.connect(location)
    except (SqlgateError, dbapi.Error) as e:
        typer.echo(f"sqlgate: error: {e}", err=True)  # e.g. another process holds the catalog
        return EXIT_BAD_DATA_DIRECTORY
    except OSError as e:
        typer.echo(f"sqlgate: error: cannot open data directory {location}: {e}", err=True)
        return EXIT_BAD_DATA_DIRECTORY
    session = connection.session
    shell = Shell(session, location, output_format=output_format, variables=variables)
    try:
        if commands or files:
            return _batch(shell, commands, files)
        if not sys.stdin.isatty():
            return _script(shell, sys.stdin.read())
        from sqlgate.cli import repl  # prompt_toolkit and pygments only when interactive

        return repl.run(shell)
    finally:
        shell.close()
        connection.close()
        if not url:
            session.engine.close()  # checkpoint DuckDB files now rather than at exit


def _script(shell: Shell, text: str) -> int:
    outcome = shell.run_script(text)
    return EXIT_SCRIPT_STOPPED if outcome.stopped else EXIT_OK


def _batch(shell: Shell, commands: list[str], files: list[str]) -> int:
    """-c strings, then -f files. psql goes on to the next one after an error unless
    ON_ERROR_STOP is set; any failed -c makes the exit status 1."""
    status = EXIT_OK
    for text in commands:
        if not shell.run_command_string(text):
            status = EXIT_ERROR
            if shell.on_error_stop:
                return status
        if shell.quit:
            return status
    for name in files:
        if name == "-":
            text = sys.stdin.read()
        else:
            try:
                text = Path(name).expanduser().read_text(encoding="utf-8")
            except OSError as e:
                typer.echo(f"sqlgate: error: {name}: {e.strerror or e}", err=True)
                return EXIT_ERROR
        outcome = shell.run_script(text)
        if outcome.stopped:
            return EXIT_SCRIPT_STOPPED
        if shell.quit:
            break
    return status


@app.command("serve")
def serve(
    home: Annotated[
        str | None,
        typer.Option("--home", metavar="PATH", help="Data directory (as for the REPL)."),
    ] = None,
    host: Annotated[
        str,
        typer.Option(help="Address to listen on; keep 127.0.0.1 unless a proxy fronts it."),
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    max_body_bytes: Annotated[
        int, typer.Option(help="Largest request body accepted; larger ones get 413.")
    ] = 16 * 1024 * 1024,
) -> None:
    """Serve the Snowflake connector protocol and SQL API v2 over HTTP on the data directory."""
    from sqlgate.gateway.engine import engine_for
    from sqlgate.server.app import serve as run_server

    try:
        engine = engine_for(home if home is not None else default_home())
    except SqlgateError as e:
        typer.echo(f"sqlgate: {e}", err=True)
        raise typer.Exit(EXIT_BAD_DATA_DIRECTORY) from None
    typer.echo(f"sqlgate: serving on http://{host}:{port} (docs at /docs)", err=True)
    run_server(engine, host=host, port=port, max_body_bytes=max_body_bytes)


def main(argv: list[str] | None = None) -> None:
    command = typer.main.get_command(app)
    try:
        code = command.main(args=argv, prog_name="sqlgate", standalone_mode=False)
    except ClickException as e:
        e.show()
        code = EXIT_ERROR  # psql exits 1 on a bad option; click would say 2
    except KeyboardInterrupt:
        code = 130
    sys.exit(code if isinstance(code, int) else EXIT_OK)

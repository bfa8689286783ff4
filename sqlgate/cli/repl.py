"""The interactive loop: a prompt_toolkit prompt that behaves like psql's.

Enter submits only a complete input (a `;` outside quotes, comments and `$$`, a backslash
command, or psql's bare `help`/`quit`/`exit`); otherwise it starts a new line under the
continuation prompt. Ctrl-C clears the input (or cancels a running statement), Ctrl-D quits.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from prompt_toolkit import PromptSession
from prompt_toolkit.auto_suggest import AutoSuggestFromHistory
from prompt_toolkit.history import FileHistory, History, InMemoryHistory
from prompt_toolkit.key_binding import KeyBindings, KeyPressEvent
from prompt_toolkit.lexers import PygmentsLexer
from pygments.lexers.sql import SqlLexer

from sqlgate import __version__
from sqlgate.cli.commands import help_text
from sqlgate.cli.completion import SqlCompleter
from sqlgate.config import MEMORY
from sqlgate.gateway import script as scripts

if TYPE_CHECKING:
    from sqlgate.cli.shell import Shell

BARE_WORDS = ("help", "quit", "exit")  # psql accepts these without a semicolon


def ready(text: str) -> bool:
    """Whether Enter should submit `text` rather than start a new line."""
    stripped = text.strip()
    if not stripped or stripped.startswith("\\"):
        return True
    if stripped.rstrip(";").strip().lower() in BARE_WORDS:
        return True
    return scripts.is_complete(text)


def prompt_name(shell: Shell) -> str:
    session = shell.session
    if session.database and session.schema:
        return f"{session.database}.{session.schema}"
    return session.database or "sqlgate"


def _key_bindings() -> KeyBindings:
    bindings = KeyBindings()

    @bindings.add("enter")
    def _enter(event: KeyPressEvent) -> None:
        buffer = event.current_buffer
        state = buffer.complete_state
        if state is not None and state.current_completion is not None:
            buffer.complete_state = None  # Enter takes the highlighted completion
            return
        if ready(buffer.text):
            buffer.validate_and_handle()
        else:
            buffer.insert_text("\n")

    return bindings


def _history(shell: Shell) -> History:
    if shell.home == MEMORY:
        return InMemoryHistory()
    return FileHistory(str(Path(shell.home).expanduser() / "history"))


def make_prompt(shell: Shell) -> PromptSession[str]:
    return PromptSession(
        lexer=PygmentsLexer(SqlLexer),
        history=_history(shell),
        auto_suggest=AutoSuggestFromHistory(),
        completer=SqlCompleter(shell),
        complete_while_typing=False,  # Tab completes, as in psql
        multiline=True,
        key_bindings=_key_bindings(),
        prompt_continuation=lambda width, line_number, is_soft_wrap: (
            f"{prompt_name(shell)}-> ".rjust(width)
        ),
    )


def run(shell: Shell) -> int:
    prompt = make_prompt(shell)
    shell.say(f"sqlgate {__version__} (data directory {shell.home})\nType \\? for help.\n")
    while not shell.quit:
        try:
            text = prompt.prompt(f"{prompt_name(shell)}=> ")
        except KeyboardInterrupt:
            continue  # Ctrl-C drops the input being typed
        except EOFError:
            shell.say("\\q")  # psql echoes the quit on Ctrl-D
            break
        word = text.strip().rstrip(";").strip().lower()
        if word in ("quit", "exit"):
            break
        if word == "help":
            shell.say(help_text())
            continue
        try:
            shell.run_script(text)
        except KeyboardInterrupt:
            shell.sql_error("canceling statement due to user request")
    return 0

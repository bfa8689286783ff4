"""Completion on a real in-memory session: commands, keywords, catalog objects, user tables."""

from __future__ import annotations

import pytest
from prompt_toolkit.completion import CompleteEvent
from prompt_toolkit.document import Document

from sqlgate.cli.completion import SqlCompleter, keywords
from sqlgate.cli.repl import ready
from sqlgate.cli.shell import Shell
from sqlgate.config import MEMORY


@pytest.fixture
def shell(session) -> Shell:
    return Shell(session, MEMORY)


def complete(completer: SqlCompleter, text: str) -> list[str]:
    return [c.text for c in completer.get_completions(Document(text), CompleteEvent())]


def test_keywords_include_sqlglot_and_sqlgate_words() -> None:
    words, functions = keywords()
    for word in ("SELECT", "GROUP BY", "COMPUTE", "POOL", "MODEL", "VERSION", "ALIAS", "SERVICE"):
        assert word in words
    assert "COUNT" in functions


def test_backslash_commands(shell: Shell) -> None:
    completer = SqlCompleter(shell)
    assert complete(completer, "\\d") == ["\\d", "\\dt", "\\dv", "\\dn", "\\dm", "\\dp", "\\ds"]
    assert complete(completer, "\\tim") == ["\\timing"]


def test_catalog_names_follow_the_typed_case_and_refresh(shell: Shell) -> None:
    completer = SqlCompleter(shell)
    assert "mypool" not in complete(completer, "show compute pools like my")
    shell.run_statements(
        "CREATE COMPUTE POOL mypool MIN_NODES = 1 MAX_NODES = 1 INSTANCE_FAMILY = 'CPU_X64_S';"
        'create table orders (amount int); create table "lower case" (x int);',
        stop_on_error=True,
    )
    assert complete(completer, "describe compute pool my") == ["mypool"]
    assert complete(completer, "DESCRIBE COMPUTE POOL MY") == ["MYPOOL"]
    assert complete(completer, "select amo")[0] == "amount"
    assert complete(completer, "select * from ord")[0] == "orders"
    assert '"lower case"' in complete(completer, "select * from low")
    assert complete(completer, "sel") == ["select"]
    assert complete(completer, "SEL") == ["SELECT"]


def test_ready_submits_complete_input_only() -> None:
    assert ready("select 1;")
    assert ready("select 1;  -- done")
    assert not ready("select 1")
    assert not ready("select ';")
    assert not ready("create function f() returns int as $$ 1; ")
    assert ready("\\dp")
    assert ready("")
    assert ready("quit")
    assert ready("help")

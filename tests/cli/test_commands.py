"""The backslash-command table, and the commands run in-process on a real in-memory session."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sqlgate.cli import commands
from sqlgate.cli.shell import Shell, chunks
from sqlgate.config import MEMORY

POOL = (
    "CREATE COMPUTE POOL IF NOT EXISTS mypool MIN_NODES = 2 MAX_NODES = 4 "
    "INSTANCE_FAMILY = 'CPU_X64_M' AUTO_RESUME = TRUE;"
)


@pytest.fixture
def shell(session) -> Shell:
    sh = Shell(session, MEMORY)
    yield sh
    sh.close()


def test_table_rows_are_complete_and_unique() -> None:
    names = [c.name for c in commands.COMMANDS]
    assert len(names) == len(set(names))
    for required in ("?", "q", "d", "dm", "dp", "ds", "x", "timing", "i", "o", "format"):
        assert required in names
    assert "conninfo" in names
    for command in commands.COMMANDS:
        assert command.description and callable(command.handler)


def test_help_lists_every_command(shell: Shell, capsys) -> None:
    assert shell.run_command("\\?")
    out = capsys.readouterr().out
    for command in commands.COMMANDS:
        assert re.search(
            rf"^  {re.escape(command.usage)}\s+{re.escape(command.description)}$", out, re.M
        )


def test_split_command() -> None:
    assert commands.split_command("\\x on") == ("x", "on")
    assert commands.split_command("  \\d  my_table ") == ("d", "my_table")
    assert commands.split_command("\\dp") == ("dp", "")


def test_unknown_command(shell: Shell, capsys) -> None:
    assert not shell.run_command("\\foo")
    assert capsys.readouterr().err == "invalid command \\foo\nTry \\? for help.\n"


def test_dp_x_and_format(shell: Shell, capsys) -> None:
    shell.run_statements(POOL, stop_on_error=True)
    capsys.readouterr()
    assert shell.run_command("\\dp")
    out = capsys.readouterr().out
    assert out.splitlines()[0].split("|")[0].strip() == "name" and "MYPOOL" in out
    assert shell.run_command("\\x")
    assert shell.run_command("\\dp")
    out = capsys.readouterr().out
    assert "Expanded display is on." in out and "-[ RECORD 1 ]" in out
    assert re.search(r"^min_nodes\s+\| 2$", out, re.M)
    assert shell.run_command("\\x off") and shell.expanded is False
    assert shell.run_command("\\format csv")
    assert shell.run_command("\\dp")
    out = capsys.readouterr().out.splitlines()
    assert out[:2] == ["Expanded display is off.", "Output format is csv."]
    assert out[2].startswith("name,state,min_nodes,max_nodes") and out[3].startswith("MYPOOL,")
    assert not shell.run_command("\\format nope")
    assert "allowed formats" in capsys.readouterr().err


def test_ds_prints_the_real_error_until_services_exist(shell: Shell, capsys) -> None:
    ok = shell.run_command("\\ds")
    captured = capsys.readouterr()
    if ok:  # SHOW SERVICES has arrived: its columns, not made-up ones
        assert "name" in captured.out
    else:
        assert captured.err.startswith("ERROR:  ") and "SERVICES" in captured.err.upper()
        assert "LINE" not in captured.err  # the user did not type the generated SQL


def test_d_lists_relations_and_describes(shell: Shell, capsys) -> None:
    assert shell.run_command("\\d")
    assert capsys.readouterr().out == "Did not find any relations.\n"
    shell.run_statements(
        "create table t (a int); create view v as select * from t;", stop_on_error=True
    )
    capsys.readouterr()
    assert shell.run_command("\\d")
    lines = capsys.readouterr().out.splitlines()
    assert [c.strip() for c in lines[0].split("|")] == ["schema", "name", "type", "owner"]
    assert [c.strip() for c in lines[2].split("|")][1:3] == ["T", "table"]
    assert [c.strip() for c in lines[3].split("|")][1:3] == ["V", "view"]
    assert shell.run_command("\\d t")
    assert re.search(r"^ A\s+\| NUMBER", capsys.readouterr().out, re.M)
    assert not shell.run_command("\\d nope")
    assert capsys.readouterr().err.startswith("ERROR:  ")
    assert not shell.run_command("\\d t; drop table t")  # one statement, never two
    assert shell.run_command("\\d t")


def test_timing_conninfo_echo(shell: Shell, capsys) -> None:
    assert shell.run_command("\\timing on")
    shell.run_statements("select 1;", stop_on_error=True)
    out = capsys.readouterr().out
    assert re.search(r"^Time: \d+\.\d{3} ms$", out, re.M)
    assert shell.run_command("\\conninfo")
    out = capsys.readouterr().out
    assert 'database "SQLGATE"' in out and 'schema "PUBLIC"' in out and "ACCOUNTADMIN" in out
    assert shell.run_command("\\echo 'hello world'")
    assert capsys.readouterr().out == "hello world\n"


def test_output_to_file_and_back(shell: Shell, capsys, tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    assert shell.run_command(f"\\o {target}")
    shell.run_statements("select 42 as answer;", stop_on_error=True)
    assert shell.run_command("\\o")
    shell.run_statements("select 7 as seven;", stop_on_error=True)
    assert "42" in target.read_text() and "SEVEN" not in target.read_text()
    out = capsys.readouterr().out
    assert "SEVEN" in out and "42" not in out


def test_include_file_and_on_error_stop(shell: Shell, capsys, tmp_path: Path) -> None:
    script = tmp_path / "s.sql"
    script.write_text("select 1 as one;\nselect * from nope;\nselect 2 as two;\n")
    assert not shell.run_command(f"\\i {script}")  # an error inside counts as failure
    captured = capsys.readouterr()
    assert "ONE" in captured.out and "TWO" in captured.out
    assert "LINE 2: select * from nope;" in captured.err
    assert shell.run_command("\\set ON_ERROR_STOP on") and shell.on_error_stop
    assert not shell.run_command(f"\\i {script}")
    assert "TWO" not in capsys.readouterr().out
    assert not shell.run_command("\\set ON_ERROR_STOP maybe")
    assert "Boolean expected" in capsys.readouterr().err
    assert not shell.run_command(f"\\i {tmp_path / 'missing.sql'}")
    assert "No such file" in capsys.readouterr().err


def test_quit_stops_a_script(shell: Shell, capsys) -> None:
    outcome = shell.run_script("select 1 as a;\n\\q\nselect 2 as b;\n")
    assert outcome.ok and shell.quit
    assert "B" not in capsys.readouterr().out


def test_chunks_split_commands_from_sql() -> None:
    text = "-- setup\n\\x\nselect 1;\nselect\n'\\not a command';\n\\timing\nselect 2"
    pieces = [(c.command, text[c.start : c.end]) for c in chunks(text)]
    assert pieces == [
        ("\\x", "\\x\n"),
        (None, "select 1;\n"),
        (None, "select\n'\\not a command';\n"),
        ("\\timing", "\\timing\n"),
        (None, "select 2"),
    ]

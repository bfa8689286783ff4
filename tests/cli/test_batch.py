"""The real `sqlgate` program in batch mode: -c, -f, stdin, --format, -v, exit codes."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from sqlgate import connect

pytestmark = pytest.mark.slow

ACCEPTANCE = (
    "CREATE COMPUTE POOL IF NOT EXISTS mypool MIN_NODES = 2 MAX_NODES = 4 "
    "INSTANCE_FAMILY = 'CPU_X64_M' AUTO_RESUME = TRUE; SHOW COMPUTE POOLS;"
)
SNOWFLAKE_POOL_COLUMNS = ["name", "state", "min_nodes", "max_nodes", "instance_family"]


def header(line: str) -> list[str]:
    return [c.strip() for c in line.split("|")]


def test_acceptance_command_and_state_persists(sqlgate) -> None:
    first = sqlgate("-c", ACCEPTANCE)
    assert first.returncode == 0, first.stderr
    assert first.stderr == ""
    lines = first.stdout.splitlines()
    # both results print: the DDL status, then SHOW's table with Snowflake's columns
    assert lines[0].strip() == "status"
    assert lines[2] == " Compute pool MYPOOL successfully created."
    show = lines[lines.index("(1 row)") + 2]
    assert header(show)[:6] == [*SNOWFLAKE_POOL_COLUMNS, "num_services"]
    assert re.search(r"^ MYPOOL \| IDLE\s+\|\s+2 \|\s+4 \| CPU_X64_M ", first.stdout, re.M)

    second = sqlgate("-c", "SHOW COMPUTE POOLS", "--format", "csv")
    assert second.returncode == 0, second.stderr
    rows = list(csv.DictReader(io.StringIO(second.stdout)))
    assert [(r["name"], r["min_nodes"], r["max_nodes"]) for r in rows] == [("MYPOOL", "2", "4")]


QUERY = "select 1 as n, 'a|b' as s, null as z, '2024-05-06 07:08:09'::timestamp as t"


@pytest.mark.parametrize("output_format", ["aligned", "csv", "json", "markdown", "vertical"])
def test_formats(sqlgate, output_format: str) -> None:
    done = sqlgate("--format", output_format, "-c", QUERY)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    if output_format == "aligned":
        assert out == (
            " N |  S  | Z |          T\n"
            "---+-----+---+---------------------\n"
            " 1 | a|b |   | 2024-05-06 07:08:09\n"
            "(1 row)\n\n"
        )
    elif output_format == "csv":
        assert out == "N,S,Z,T\n1,a|b,,2024-05-06 07:08:09\n"
    elif output_format == "json":
        assert json.loads(out) == [{"N": 1, "S": "a|b", "Z": None, "T": "2024-05-06T07:08:09"}]
    elif output_format == "markdown":
        assert out.splitlines()[:3] == [
            "|   N | S    | Z   | T                   |",
            "| --: | ---- | --- | ------------------- |",
            "|   1 | a\\|b |     | 2024-05-06 07:08:09 |",
        ]
    else:
        rule = "-" * (1 + 3 + len("2024-05-06 07:08:09") - len("-[ RECORD 1 ]"))
        assert out == f"-[ RECORD 1 ]{rule}\nN | 1\nS | a|b\nZ |\nT | 2024-05-06 07:08:09\n\n"


def test_command_error_shows_line_and_caret_and_exits_1(sqlgate) -> None:
    done = sqlgate("-c", "select 1 as one;\nselect 1 +;\nselect 2 as two;")
    assert done.returncode == 1
    assert "ONE" in done.stdout and "TWO" not in done.stdout  # -c stops at its first error
    lines = done.stderr.splitlines()
    assert lines[0].startswith("ERROR:  Syntax error")
    assert lines[1] == "LINE 2: select 1 +;"
    assert lines[2] == " " * len("LINE 2: ") + " " * len("select 1 ") + "^"


def test_repeated_c_runs_in_order_with_backslash_commands(sqlgate) -> None:
    done = sqlgate("-c", "create table t (a int)", "-c", "insert into t values (7)", "-c", "\\d")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert out.index("successfully created") < out.index("number of rows inserted")
    assert re.search(r"^ PUBLIC\s+\| T\s+\| table", out, re.M)


SCRIPT = """\
select 1 as first;
select * from nope;
select 3 as third;
"""


def test_file_goes_on_after_errors_without_on_error_stop(sqlgate, tmp_path) -> None:
    path = tmp_path / "script.sql"
    path.write_text(SCRIPT)
    done = sqlgate("-f", str(path))
    assert done.returncode == 0  # psql: errors in a script do not change the status
    assert "FIRST" in done.stdout and "THIRD" in done.stdout
    assert done.stderr.startswith("ERROR:  ")
    assert "LINE 2: select * from nope;" in done.stderr


def test_file_stops_with_on_error_stop_and_exits_3(sqlgate, tmp_path) -> None:
    path = tmp_path / "script.sql"
    path.write_text(SCRIPT)
    done = sqlgate("-v", "ON_ERROR_STOP=1", "-f", str(path))
    assert done.returncode == 3
    assert "FIRST" in done.stdout and "THIRD" not in done.stdout
    assert "ERROR:  " in done.stderr


def test_stdin_script(sqlgate) -> None:
    done = sqlgate(input="\\set ON_ERROR_STOP on\nselect 1 as a;\nselect * from nope;\nselect 2;\n")
    assert done.returncode == 3
    assert "A" in done.stdout and "(1 row)" in done.stdout
    assert "LINE 3: select * from nope;" in done.stderr
    done = sqlgate("--format", "csv", input="select 5 as five\n")  # no `;` at the end: still runs
    assert done.returncode == 0 and done.stdout == "FIVE\n5\n"


@pytest.mark.parametrize(
    "args",
    [["-f", "does-not-exist.sql"], ["--bogus"], ["-v", "NOEQUALS"], ["--format", "html"]],
    ids=["missing-file", "bad-option", "bad-variable", "bad-format"],
)
def test_client_errors_exit_1(sqlgate, args: list[str]) -> None:
    done = sqlgate(*args)
    assert done.returncode == 1
    assert done.stderr.strip()


def test_data_directory_in_use_exits_2(sqlgate, home) -> None:
    holder = connect(home)  # this process now holds the catalog's lock
    try:
        done = sqlgate("-c", "select 1")
    finally:
        holder.close()
        holder.session.engine.close()
    assert done.returncode == 2
    assert done.stderr.startswith("sqlgate: error: ") and "in use" in done.stderr

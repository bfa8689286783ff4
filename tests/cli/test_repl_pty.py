"""The real `sqlgate` REPL driven through a pseudo-terminal, as a user types at it.

Each step waits for output only that step produces, then for the next prompt, so the tests
do not depend on how prompt_toolkit redraws the line being edited.
"""

from __future__ import annotations

from pathlib import Path

import pexpect
import pytest

from tests.cli.conftest import SQLGATE

pytestmark = [pytest.mark.slow, pytest.mark.timeout(120)]

PROMPT = "SQLGATE.PUBLIC=>"
CONTINUATION = "SQLGATE.PUBLIC->"


def spawn(home: Path, env: dict[str, str], term: str = "xterm") -> pexpect.spawn:
    child = pexpect.spawn(
        str(SQLGATE),
        env={**env, "SQLGATE_HOME": str(home), "TERM": term, "PROMPT_TOOLKIT_NO_CPR": "1"},
        encoding="utf-8",
        timeout=30,
        dimensions=(50, 250),
    )
    child.expect_exact(PROMPT)
    return child


def finish(child: pexpect.spawn) -> int:
    child.expect(pexpect.EOF)
    child.close()
    return child.exitstatus


def test_session(home: Path, program_env: dict[str, str]) -> None:
    child = spawn(home, program_env)
    try:
        # a statement over two lines: Enter after the first line only continues it
        child.sendline("select 1 as a,")
        child.expect_exact(CONTINUATION)
        child.sendline("2 as b;")
        child.expect(r" A \| B\r\n---\+---\r\n 1 \| 2\r\n\(1 row\)")
        child.expect_exact(PROMPT)

        child.sendline(
            "CREATE COMPUTE POOL mypool MIN_NODES = 2 MAX_NODES = 4 INSTANCE_FAMILY = 'CPU_X64_M';"
        )
        child.expect_exact("Compute pool MYPOOL successfully created.")
        child.expect_exact(PROMPT)
        child.sendline("\\dp")
        child.expect(r" name\s+\| state\s+\| min_nodes")
        child.expect(r" MYPOOL \| IDLE")
        child.expect_exact(PROMPT)

        child.sendline("\\x")
        child.expect_exact("Expanded display is on.")
        child.expect_exact(PROMPT)
        child.sendline("select 42 as answer, 'yes' as ok;")
        child.expect(r"-\[ RECORD 1 \]-+\r\nANSWER \| 42\r\nOK     \| yes")
        child.expect_exact(PROMPT)

        child.sendline("select 1 from nowhere where;")
        child.expect(r"ERROR:  [^\r]+\r\nLINE 1: select 1 from nowhere where;\r\n +\^")
        child.expect_exact(PROMPT)

        child.sendline("\\q")
        assert finish(child) == 0
    finally:
        child.close(force=True)
    history = (home / "history").read_text()
    assert "+select 1 as a,\n+2 as b;" in history and "+\\dp" in history


def test_completion_ctrl_c_and_ctrl_d(home: Path, program_env: dict[str, str]) -> None:
    child = spawn(home, program_env)
    try:
        # Tab completes keywords: POO -> POOL (common to POOL and POOLS)
        child.send("SHOW COMPUTE POO")
        child.send("\t")
        child.send("S;\r")
        child.expect(r" name\s+\| state\s+\| min_nodes")
        child.expect_exact("(0 rows)")
        child.expect_exact(PROMPT)

        # Ctrl-C throws away the statement being typed
        child.send("select this is not sql")
        child.sendintr()
        child.expect_exact(PROMPT)
        child.sendline("select 5 as five;")
        child.expect(r" FIVE\r\n------\r\n +5\r\n\(1 row\)")
        child.expect_exact(PROMPT)

        child.sendeof()  # Ctrl-D quits
        assert finish(child) == 0
    finally:
        child.close(force=True)
    assert (home / "history").exists()


def test_dumb_terminal(home: Path, program_env: dict[str, str]) -> None:
    """TERM=dumb (editors' shells, CI logs): no redrawing, same results."""
    child = spawn(home, program_env, term="dumb")
    try:
        child.sendline("select 'plain' as style;")
        child.expect(r" STYLE\r\n-------\r\n plain\r\n\(1 row\)")
        child.sendline("\\nope")
        child.expect_exact("invalid command \\nope")
        child.expect_exact("Try \\? for help.")
        child.sendline("quit")
        assert finish(child) == 0
    finally:
        child.close(force=True)

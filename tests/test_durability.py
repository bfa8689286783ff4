"""Catalog writes survive concurrency and crashes: 16 threads of DDL lose no row, state persists
across processes, and a kill -9 in the middle of DDL loses no acknowledged statement."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import sqlgate

THREADS = 16
PER_THREAD = 10


def test_sixteen_threads_of_ddl_lose_no_row(tmp_path: Path) -> None:
    setup = sqlgate.connect(tmp_path)
    setup.execute(
        "CREATE COMPUTE POOL shared MIN_NODES = 1 MAX_NODES = 4 INSTANCE_FAMILY = CPU_X64_XS"
    )
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            with sqlgate.connect(tmp_path) as conn:
                for i in range(PER_THREAD):
                    conn.execute(
                        f"CREATE COMPUTE POOL p_{n}_{i} MIN_NODES = 1 MAX_NODES = {1 + i % 3}"
                        " INSTANCE_FAMILY = CPU_X64_XS"
                    )
                    # every thread also updates one shared row: updates must serialise, not conflict
                    conn.execute(f"ALTER COMPUTE POOL shared SET COMMENT = 'thread {n} step {i}'")
                    conn.execute(f"CREATE TABLE t_{n}_{i} AS SELECT {n} AS n, {i} AS i")
        except BaseException as e:  # collected and asserted below
            errors.append(e)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    pools = setup.execute("SHOW COMPUTE POOLS LIKE 'P\\_%'").fetchall()
    assert len(pools) == THREADS * PER_THREAD
    tables = setup.execute("SHOW TABLES").fetchall()
    assert len(tables) == THREADS * PER_THREAD
    comment = setup.execute("DESCRIBE COMPUTE POOL shared").fetch_arrow_table()["comment"][0]
    assert comment.as_py().startswith("thread ")
    setup.close()


def run_python(code: str, home: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "SQLGATE_HOME": str(home)}
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )


def test_state_persists_across_processes(tmp_path: Path) -> None:
    run_python(
        """
        import sqlgate
        with sqlgate.connect() as c:
            c.execute("CREATE COMPUTE POOL kept MIN_NODES = 1 MAX_NODES = 2"
                      " INSTANCE_FAMILY = CPU_X64_S")
            c.execute("CREATE DATABASE analytics")
            c.execute("CREATE TABLE analytics.public.facts AS SELECT 42 AS answer")
        """,
        tmp_path,
    )
    out = run_python(
        """
        import sqlgate
        with sqlgate.connect() as c:
            print(c.execute("SHOW COMPUTE POOLS").fetchall()[0][0])
            print(c.execute("SELECT answer FROM analytics.public.facts").fetchone()[0])
        """,
        tmp_path,
    )
    assert out.stdout.split() == ["KEPT", "42"]
    assert (tmp_path / "catalog.duckdb").exists()
    assert (tmp_path / "databases" / "ANALYTICS.duckdb").exists()


def test_kill_9_during_ddl_loses_no_acknowledged_statement(tmp_path: Path) -> None:
    writer = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                """
                import sys, sqlgate
                c = sqlgate.connect()
                for i in range(100000):
                    c.execute(
                        f"CREATE COMPUTE POOL pool_{i} MIN_NODES = 1 MAX_NODES = 1"
                        " INSTANCE_FAMILY = CPU_X64_XS"
                    )
                    print(i, flush=True)  # acknowledged only after the statement returned
                """
            ),
        ],
        env={**os.environ, "SQLGATE_HOME": str(tmp_path)},
        stdout=subprocess.PIPE,
        text=True,
    )
    acknowledged = -1
    deadline = time.monotonic() + 60
    assert writer.stdout is not None
    while acknowledged < 50 and time.monotonic() < deadline:
        line = writer.stdout.readline()
        if line.strip():
            acknowledged = int(line)
    writer.send_signal(signal.SIGKILL)
    writer.wait(timeout=30)
    assert acknowledged >= 50
    with sqlgate.connect(tmp_path) as conn:
        names = {row[0] for row in conn.execute("SHOW COMPUTE POOLS").fetchall()}
    missing = [i for i in range(acknowledged + 1) if f"POOL_{i}" not in names]
    assert not missing, f"acknowledged but lost after kill -9: {missing}"

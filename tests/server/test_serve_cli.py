"""`sqlgate serve` as a user starts it, in its own process: the issue's 'done when' (the real
connector from a second process), and the first start's ADMIN password, printed exactly once."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time

import pytest
import requests

from tests.server.conftest import free_port

pytestmark = pytest.mark.slow


def _serve(home, env) -> tuple[subprocess.Popen, int]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "sqlgate", "serve", "--home", str(home), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1).ok:
                return process, port
        except requests.ConnectionError:
            time.sleep(0.2)
    process.kill()
    raise AssertionError(process.communicate()[1])


def _stop(process: subprocess.Popen) -> str:
    process.terminate()
    try:
        return process.communicate(timeout=30)[1]
    except subprocess.TimeoutExpired:
        process.kill()
        return process.communicate()[1]


def test_done_when_from_a_second_process(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "SQLGATE_ADMIN_PASSWORD"}
    process, port = _serve(tmp_path / "home", env)
    try:
        time.sleep(0.5)
        stderr_so_far = ""
        deadline = time.monotonic() + 10
        while "password is" not in stderr_so_far and time.monotonic() < deadline:
            stderr_so_far += process.stderr.readline()
        password = re.search(r"password is (\S+)", stderr_so_far).group(1)
        script = (
            "import snowflake.connector as sc\n"
            f"c = sc.connect(host='127.0.0.1', port={port}, protocol='http', account='x',"
            f" user='admin', password='{password}')\n"
            "print(c.cursor().execute('SHOW MODELS').fetchall())\n"
        )
        done = subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip() == "[]"
    finally:
        stderr = stderr_so_far + _stop(process)
    assert stderr.count("password is") == 1
    # the second start prints no password: it was set, hashed, at the first
    process, _ = _serve(tmp_path / "home", env)
    assert "password is" not in _stop(process)
    catalog_bytes = (tmp_path / "home" / "catalog.duckdb").read_bytes()
    assert password.encode() not in catalog_bytes

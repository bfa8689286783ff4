from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

# the console script installed next to the interpreter running the tests (.venv/bin/sqlgate)
SQLGATE = Path(sys.executable).parent / "sqlgate"


@pytest.fixture(scope="session")
def program_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The environment the programs run in. Where PYTHONDONTWRITEBYTECODE is set, every start
    would recompile sqlglot and friends (~1 s); a bytecode cache outside the source tree keeps
    each start well under a second and leaves the repository untouched."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(tmp_path_factory.mktemp("pycache"))
    return env


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


@pytest.fixture
def sqlgate(home: Path, program_env: dict[str, str]):
    """Run the real `sqlgate` program on a fresh data directory."""

    def run(*args: str, input: str = "", cwd: Path | None = None) -> subprocess.CompletedProcess:
        env = dict(program_env, SQLGATE_HOME=str(home))
        return subprocess.run(
            [str(SQLGATE), *args],
            input=input,
            capture_output=True,
            text=True,
            env=env,
            cwd=cwd,
            timeout=60,
            check=False,
        )

    return run

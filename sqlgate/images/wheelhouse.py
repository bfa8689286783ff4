"""A model's requirements resolved on the host into a directory of wheels for the image's Python
and platform, so that the build inside Docker installs with `pip --no-index` and needs no
network. pip runs with this machine's own configuration (pip.conf, PIP_* variables): no index is
named here.
"""

from __future__ import annotations

import importlib.util
import shlex
import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from urllib.parse import urlsplit

from sqlgate.errors import SqlgateError
from sqlgate.images import process

Progress = Callable[[str], None]

# Docker architecture -> the machine name in wheel platform tags.
MACHINES = {"amd64": "x86_64", "arm64": "aarch64"}
# Debian bookworm (the base images) has glibc 2.36: every manylinux tag up to it installs there.
GLIBC_MINOR = 36


def platform_tags(machine: str) -> list[str]:
    """The wheel platform tags an image of `machine` accepts, newest first (pip does not expand
    a given --platform to the older manylinux tags it implies)."""
    tags = [f"manylinux_2_{minor}_{machine}" for minor in range(GLIBC_MINOR, 16, -1)]
    return [*tags, f"manylinux2014_{machine}"]


class WheelhouseError(SqlgateError):
    sqlstate = "58000"


def pip_command() -> list[str]:
    """pip of this interpreter, else of the python3 on PATH (a uv-made venv has no pip)."""
    if importlib.util.find_spec("pip") is not None:
        return [sys.executable, "-m", "pip"]
    python3 = shutil.which("python3")
    if python3 is None:
        raise WheelhouseError("Resolving a model's requirements needs pip; none was found")
    return [python3, "-m", "pip"]


def download(
    requirements: Sequence[str],
    target: Path,
    *,
    python_version: str,
    architecture: str = "amd64",
    log: Progress = lambda _: None,
) -> list[Path]:
    """Download wheels for `requirements` (and their dependencies) into `target`."""
    machine = MACHINES.get(architecture)
    if machine is None:
        raise WheelhouseError(f"No wheel platform known for the architecture '{architecture}'")
    platform = f"manylinux_2_{GLIBC_MINOR}_{machine}"
    target.mkdir(parents=True, exist_ok=True)
    requirements_file = target.parent / "requirements.txt"
    requirements_file.write_text("".join(f"{r}\n" for r in requirements))
    code, tail = pip_download(
        requirements_file, target, python_version=python_version, machine=machine, log=log
    )
    if code != 0:
        problem = next(
            (line for line in reversed(tail) if line.startswith("ERROR:")), tail[-1] if tail else ""
        )
        raise WheelhouseError(
            f"The model's requirements ({', '.join(requirements)}) could not be resolved for"
            f" Python {python_version} on {platform}: {problem.removeprefix('ERROR: ')}"
        )
    return sorted(target.glob("*.whl"))


def pip_download(
    requirements_file: Path,
    target: Path,
    *,
    python_version: str,
    machine: str,
    log: Progress,
    no_deps: bool = False,
) -> tuple[int, list[str]]:
    """`pip download` of binary wheels for CPython `python_version` on Linux `machine` into
    `target`: pip's exit code and its last lines (for the caller's own error)."""
    command = [
        *pip_command(),
        "download",
        "--disable-pip-version-check",
        "--progress-bar=off",
        *(["--no-deps"] if no_deps else []),
        "--only-binary=:all:",
        f"--python-version={python_version}",
        "--implementation=cp",
        f"--abi=cp{python_version.replace('.', '')}",
        *(f"--platform={tag}" for tag in platform_tags(machine)),
        "--dest",
        str(target),
        "-r",
        str(requirements_file),
    ]
    return process.stream(command, log, keep=31, stderr_only=False)


def pip_settings() -> dict[str, list[str]]:
    """This machine's pip settings (files and PIP_* variables), as `pip config list` shows them."""
    listed = subprocess.run(
        [*pip_command(), "config", "list"], capture_output=True, text=True
    ).stdout
    settings: dict[str, list[str]] = {}
    for line in listed.splitlines():
        key, _, value = line.partition("=")
        name = key.rsplit(".", 1)[-1]
        if value:
            settings.setdefault(name, []).extend(shlex.split(value))
    return settings


def pip_indexes(settings: dict[str, list[str]] | None = None) -> list[str]:
    """The package indexes pip on this machine uses: its configured index-url (else pip's own
    default, read from pip) and extra-index-urls."""
    settings = pip_settings() if settings is None else settings
    main = settings.get("index-url")
    if not main:
        default = subprocess.run(
            [
                pip_command()[0],
                "-c",
                "from pip._internal.models.index import PyPI; print(PyPI.simple_url)",
            ],
            capture_output=True,
            text=True,
        ).stdout.strip()
        main = [default] if default else []
    return list(dict.fromkeys([*main[:1], *settings.get("extra-index-url", [])]))


def pip_cert(settings: dict[str, list[str]] | None = None) -> Path | None:
    """The CA bundle pip on this machine verifies indexes with, if one is configured."""
    settings = pip_settings() if settings is None else settings
    given = settings.get("cert")
    return Path(given[-1]) if given and Path(given[-1]).is_file() else None


def allowed(url: str, host_ports: Sequence[str]) -> bool:
    """Does an egress network rule's VALUE_LIST (host, host:port, *.domain) allow `url`?"""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    port = parts.port or (443 if parts.scheme == "https" else 80)
    for value in host_ports:
        rule_host, _, rule_port = value.lower().partition(":")
        if rule_port and rule_port != str(port):
            continue
        if not rule_port and port != 443:  # a rule without a port allows 443 only (Snowflake)
            continue
        if rule_host == host or (rule_host.startswith("*.") and host.endswith(rule_host[1:])):
            return True
    return False

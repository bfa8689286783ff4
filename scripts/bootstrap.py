"""Install sqlgate into .venv from the lock file, using only the standard library.

Both README commands start here. uv does the installing (fast, hash-checked); the package
index settings come from this machine's own pip configuration (pip.conf, PIP_* variables),
translated for uv, so no index or mirror host is named in the repository. A stamp file makes
a second run a no-op unless the lock file or pyproject.toml changed.
"""

from __future__ import annotations

import hashlib
import os
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
LOCK = ROOT / "requirements.lock"
STAMP = VENV / ".sqlgate-installed"
UV_VERSION = "0.13.9"

# pip setting -> uv environment variable with the same meaning.
PIP_TO_UV = {
    "index-url": "UV_DEFAULT_INDEX",
    "extra-index-url": "UV_INDEX",
    "find-links": "UV_FIND_LINKS",
    "cert": "SSL_CERT_FILE",
}


def pip_settings() -> dict[str, str]:
    """Effective pip settings (files and PIP_* variables) as `pip config list` reports them."""
    out = subprocess.run(
        [sys.executable, "-m", "pip", "config", "list"], capture_output=True, text=True
    ).stdout
    settings: dict[str, str] = {}
    for line in out.splitlines():
        key, _, value = line.partition("=")
        name = key.rsplit(".", 1)[-1]
        if name in PIP_TO_UV and value:
            settings[name] = " ".join(shlex.split(value))
    return settings


def uv_env() -> dict[str, str]:
    env = dict(os.environ)
    for name, value in pip_settings().items():
        env.setdefault(PIP_TO_UV[name], value)
    return env


def run(cmd: list[str], env: dict[str, str]) -> None:
    subprocess.run(cmd, check=True, env=env, cwd=ROOT)


def ensure_uv(env: dict[str, str]) -> list[str]:
    uv = [sys.executable, "-m", "uv"]
    probe = subprocess.run([*uv, "--version"], capture_output=True, text=True)
    if probe.returncode != 0 or UV_VERSION not in probe.stdout:
        print(f"sqlgate: installing uv {UV_VERSION} with pip", file=sys.stderr)
        run([sys.executable, "-m", "pip", "install", "-q", f"uv=={UV_VERSION}"], env)
    return uv


def fingerprint() -> str:
    digest = hashlib.sha256()
    for path in (LOCK, ROOT / "pyproject.toml"):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def main() -> None:
    if STAMP.exists() and STAMP.read_text() == fingerprint():
        return
    env = uv_env()
    uv = ensure_uv(env)
    print("sqlgate: installing locked dependencies into .venv", file=sys.stderr)
    if not (VENV / "bin" / "python").exists():
        run([*uv, "venv", "-q", "--python", "3.11", str(VENV)], env)
    python = str(VENV / "bin" / "python")
    run([*uv, "pip", "sync", "-q", "--python", python, str(LOCK)], env)
    run([*uv, "pip", "install", "-q", "--python", python, "--no-deps", "-e", str(ROOT)], env)
    STAMP.write_text(fingerprint())


if __name__ == "__main__":
    main()

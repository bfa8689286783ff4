"""A stand-in for the official `python:3.11-slim` image, built where no registry can be reached.

mmdebstrap makes a Debian bookworm root file system from this machine's own apt sources (their
files are handed to it as they are, so no mirror is named here), with Debian's Python 3.11 made
to look like the official image: a venv *at /usr/local* puts `python`, `python3`, `pip` and
`pip3` in /usr/local/bin and site-packages in /usr/local/lib/python3.11/site-packages, where the
official image has them. The tarball is imported into Docker through the SDK and tagged with
the base image's name, so the model Dockerfiles are the same whichever base is used.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import docker
import docker.errors

from sqlgate.errors import SqlgateError
from sqlgate.images import process
from sqlgate.images.names import DEFAULT_BASE_IMAGE

Progress = Callable[[str], None]

SUITE = "bookworm"
PACKAGES = ("python3.11", "python3.11-venv", "ca-certificates", "netbase", "tzdata")
STAND_IN_LABEL = "org.sqlgate.stand-in"
# What the official image declares, so containers behave the same (PATH puts /usr/local first).
IMAGE_CHANGES = (
    "ENV PATH=/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin",
    "ENV LANG=C.UTF-8",
    "ENV PYTHON_VERSION=3.11",
    f"LABEL {STAND_IN_LABEL}=debian-{SUITE}",
    'CMD ["python3"]',
)
# Keep the image slim as the official one is: no manuals, docs or translations.
DPKG_OPTIONS = (
    "path-exclude=/usr/share/man/*",
    "path-exclude=/usr/share/info/*",
    "path-exclude=/usr/share/locale/*",
    "path-exclude=/usr/share/doc/*",
    "path-include=/usr/share/doc/*/copyright",
)
CUSTOMIZE_HOOKS = (
    'chroot "$1" python3.11 -m venv /usr/local',
    'rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/* "$1"/usr/local/include'
    ' "$1"/usr/local/bin/activate* "$1"/usr/local/bin/Activate.ps1',
    # the smoke test the official image would pass
    'chroot "$1" /usr/local/bin/python3 -m pip --version',
)
APT_SOURCES = Path("/etc/apt")
# Single-line Acquire options (a snapshot archive's Check-Valid-Until, proxies, ...) that the
# host's apt needs to reach its sources; mmdebstrap does not read the host's apt.conf.d.
_ACQUIRE_OPTION = re.compile(r'^\s*(Acquire::[\w:.-]+\s+"[^"]*")\s*;\s*$')


class BaseImageError(SqlgateError):
    sqlstate = "58000"


@dataclass(frozen=True)
class BaseImage:
    tag: str
    image_id: str
    size: int  # bytes
    seconds: float  # 0 when it already existed
    built: bool


def exists(client: docker.DockerClient, tag: str) -> bool:
    try:
        client.images.get(tag)
    except docker.errors.ImageNotFound:
        return False
    return True


def apt_sources() -> list[Path]:
    """This machine's apt source files, passed to mmdebstrap as they are."""
    files = [APT_SOURCES / "sources.list"] if (APT_SOURCES / "sources.list").is_file() else []
    files += sorted((APT_SOURCES / "sources.list.d").glob("*.sources"))
    files += sorted((APT_SOURCES / "sources.list.d").glob("*.list"))
    usable = [f for f in files if f.read_text().strip()]
    if not usable:
        raise BaseImageError(
            f"No apt sources in {APT_SOURCES}: the base image has nowhere to come from"
        )
    return usable


def acquire_options() -> list[str]:
    options: list[str] = []
    for conf in sorted((APT_SOURCES / "apt.conf.d").glob("*")):
        if conf.is_file():
            for line in conf.read_text(errors="replace").splitlines():
                match = _ACQUIRE_OPTION.match(line)
                if match:
                    options.append(match.group(1))
    return options


def ensure_mmdebstrap(progress: Progress) -> str:
    """mmdebstrap's path, installed with apt-get when missing and we are root."""
    found = shutil.which("mmdebstrap")
    if found:
        return found
    if os.geteuid() != 0:
        raise BaseImageError(
            "Building the stand-in base image needs mmdebstrap: install it"
            " (sudo apt-get install mmdebstrap) or run as root"
        )
    progress("installing mmdebstrap with apt-get")
    for command in (["apt-get", "update", "-q"], ["apt-get", "install", "-y", "-q", "mmdebstrap"]):
        done = subprocess.run(
            command,
            capture_output=True,
            text=True,
            env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
        )
        if done.returncode != 0:
            raise BaseImageError(f"{' '.join(command)} failed: {done.stderr.strip()[-2000:]}")
    return shutil.which("mmdebstrap") or "mmdebstrap"


def mmdebstrap_command(mmdebstrap: str, target: Path) -> list[str]:
    command = [mmdebstrap, "--variant=minbase", "--mode=root", "--format=tar"]
    # merged /usr made by mmdebstrap's own hook: without it apt pulls in usrmerge and perl
    command.append("--hook-dir=/usr/share/mmdebstrap/hooks/merged-usr")
    command.append("--include=" + ",".join(PACKAGES))
    command += [f"--aptopt={option}" for option in acquire_options()]
    command += [f"--dpkgopt={option}" for option in DPKG_OPTIONS]
    command += [f"--customize-hook={hook}" for hook in CUSTOMIZE_HOOKS]
    return [*command, SUITE, str(target), *(str(f) for f in apt_sources())]


def _split(tag: str) -> tuple[str, str]:
    repository, _, name = tag.rpartition(":")
    if not repository or "/" in name:
        return tag, "latest"
    return repository, name


def build_base(
    client: docker.DockerClient,
    tag: str = DEFAULT_BASE_IMAGE,
    *,
    force: bool = False,
    progress: Progress = lambda _: None,
) -> BaseImage:
    """Build the stand-in and tag it `tag`; a no-op when `tag` exists (unless `force`)."""
    if exists(client, tag) and not force:
        image = client.images.get(tag)
        progress(f"{tag} already exists ({image.short_id}); nothing to build")
        return BaseImage(tag, image.id, image.attrs["Size"], 0.0, built=False)
    started = time.monotonic()
    mmdebstrap = ensure_mmdebstrap(progress)
    with tempfile.TemporaryDirectory(prefix="sqlgate-base-") as scratch:
        rootfs = Path(scratch) / "rootfs.tar"
        command = mmdebstrap_command(mmdebstrap, rootfs)
        progress(f"building a Debian {SUITE} root file system with Python 3.11 (mmdebstrap)")

        def report(line: str) -> None:
            if line.startswith(("I: ", "E: ", "W: ")):
                progress(line[3:])

        code, tail = process.stream(command, report, keep=41, stderr_only=True)
        if code != 0:
            raise BaseImageError(f"mmdebstrap failed (exit {code}):\n" + "\n".join(tail))
        progress(f"importing {rootfs.stat().st_size >> 20} MiB into Docker as {tag}")
        repository, name = _split(tag)
        client.api.import_image(
            src=str(rootfs), repository=repository, tag=name, changes=list(IMAGE_CHANGES)
        )
    image = client.images.get(tag)
    seconds = time.monotonic() - started
    progress(f"built {tag} ({image.attrs['Size'] / 1e6:.0f} MB) in {seconds:.0f} s")
    return BaseImage(tag, image.id, image.attrs["Size"], seconds, built=True)

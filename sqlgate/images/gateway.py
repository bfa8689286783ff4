"""The gateway's own image: sqlgate and its locked core dependencies on the base image, the one
image docker-compose.yml runs as gateway, Ray head and Ray workers (DESIGN §7, issue 6).

It is built from a source checkout (pyproject.toml and requirements.lock beside the package):
- the core closure: pyproject's dependencies and, transitively, theirs (read from the installed
  distributions' metadata, for this platform), each pinned with its hashes as requirements.lock
  has it; the dev extra stays out;
- those wheels downloaded on the host by pip with this machine's own configuration (no index is
  named here) and checked against the lock's hashes (kept in ~/.cache/sqlgate/gateway-wheels for
  the next build), plus a wheel of sqlgate built from the checkout; the Docker build then runs
  with networking off, installing sqlgate's wheel last so that a change to sqlgate rebuilds
  only that layer;
- a small example model version (scikit-learn) saved under examples/, which the quickstart
  registers with CREATE MODEL ... FROM '<dir>' (a remote user's files are not the gateway's).

The tag is a content hash of the base image, the Dockerfile, the locked closure and the
sources, so building again with nothing changed does nothing; `sqlgate/gateway:latest` names
the newest build (what docker-compose.yml runs).
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import string
import tempfile
import time
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import metadata, resources
from pathlib import Path

import docker
import docker.errors

from sqlgate.errors import SqlgateError
from sqlgate.images import process, wheelhouse
from sqlgate.images.names import DEFAULT_BASE_IMAGE

Progress = Callable[[str], None]

REPOSITORY = "sqlgate/gateway"
LATEST = f"{REPOSITORY}:latest"
LABEL = "org.sqlgate.gateway"  # the content hash; how superseded builds are found
PYTHON_VERSION = "3.11"
TAG_LENGTH = 20
# What goes into sqlgate's wheel (pyproject's packages, package data and metadata).
# README.md is pyproject's readme, but a stub stands in for it: editing the README must not
# rebuild the image.
SOURCES = ("pyproject.toml", "sqlgate", "dbt/adapters/sqlgate", "dbt/include/sqlgate")
README_STUB = "sqlgate, as installed in the sqlgate/gateway image: see the repository's README.\n"
EXAMPLE_DIR = "examples/churn/v1"  # under /opt/sqlgate in the image
KEEP = 4  # gateway images kept, the newest included
COMPLETE = ".complete"  # marks a finished download in the wheel cache
_LOCK_ENTRY = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)")


class GatewayImageError(SqlgateError):
    sqlstate = "58000"


@dataclass(frozen=True)
class GatewayImage:
    image: str  # sqlgate/gateway:<content hash>
    image_id: str
    size: int  # bytes
    seconds: float  # 0 when it already existed
    built: bool


def _normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def source_root() -> Path:
    """The checkout this sqlgate runs from; the image is built from it, not from a package index."""
    root = Path(str(resources.files("sqlgate"))).parent
    if not (root / "pyproject.toml").is_file() or not (root / "requirements.lock").is_file():
        raise GatewayImageError(
            f"The gateway image is built from a sqlgate source checkout; {root} has no"
            " pyproject.toml and requirements.lock (run it from the repository's .venv)"
        )
    return root


def lock_entries(lock_text: str) -> dict[str, str]:
    """requirements.lock's entries by normalized name: `name==version` and its hash lines."""
    entries: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in lock_text.splitlines():
        match = _LOCK_ENTRY.match(line)
        if match:
            current = entries[_normalize(match.group(1))] = [line]
        elif current is not None and line.strip().startswith("--hash="):
            current.append(line)
        else:  # comments ("# via ...") end an entry
            current = None
    return {name: "\n".join(lines).rstrip(" \\") for name, lines in entries.items()}


def core_closure(roots: list[str]) -> list[str]:
    """Normalized names of `roots` (requirement strings) and everything they need on this
    platform, extras followed, from the installed distributions' metadata."""
    from packaging.requirements import Requirement

    extras_seen: dict[str, set[str]] = {}
    todo = [Requirement(r) for r in roots]
    while todo:
        requirement = todo.pop()
        name = _normalize(requirement.name)
        extras = set(requirement.extras)
        if name in extras_seen and extras <= extras_seen[name]:
            continue
        extras_seen.setdefault(name, set()).update(extras)
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            raise GatewayImageError(
                f"{name} (a core dependency) is not installed here: run scripts/bootstrap.py"
            ) from None
        for text in dist.requires or []:
            sub = Requirement(text)
            wanted = sub.marker is None or any(
                sub.marker.evaluate({"extra": extra}) for extra in (extras or {""})
            )
            if wanted:
                todo.append(sub)
    return sorted(extras_seen)


def locked_core(root: Path) -> str:
    """The lock's entries for the core closure: a hash-checked requirements file."""
    project = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    entries = lock_entries((root / "requirements.lock").read_text())
    names = core_closure(project["dependencies"])
    missing = [n for n in names if n not in entries]
    if missing:
        raise GatewayImageError(
            f"requirements.lock lacks {', '.join(missing)}: recompile it (README, dependencies)"
        )
    return "".join(f"{entries[n]}\n" for n in names)


def _source_files(root: Path) -> Iterator[Path]:
    for name in SOURCES:
        path = root / name
        if path.is_file():
            yield path
        else:
            for found in sorted(path.rglob("*")):
                if found.is_file() and "__pycache__" not in found.parts:
                    yield found


def dockerfile(base: str, tag: str) -> str:
    text = resources.files("sqlgate.images").joinpath("Dockerfile.gateway").read_text()
    return string.Template(text).substitute(
        base=base, python_version=PYTHON_VERSION, labels=f"{LABEL}={tag}"
    )


def content_tag(root: Path, base_id: str, requirements: str) -> str:
    digest = hashlib.sha256()
    template = resources.files("sqlgate.images").joinpath("Dockerfile.gateway").read_bytes()
    for part in (base_id.encode(), template, requirements.encode()):
        digest.update(part + b"\0")
    for path in _source_files(root):
        digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:TAG_LENGTH]


def save_example(target: Path) -> None:
    """A churn classifier on two features, saved as a version directory (registry format)."""
    import numpy as np
    import pandas as pd
    from sklearn.linear_model import LogisticRegression

    from sqlgate.registry.version_dir import save_model

    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.random((200, 2)), columns=["TENURE", "SPEND"])
    y = (X.TENURE + 0.3 * X.SPEND > 0.8).astype(int)
    target.mkdir(parents=True)
    model = LogisticRegression().fit(X, y)
    save_model(model, target, label="example CHURN version V1", sample_input_data=X)


def _sqlgate_wheel(root: Path, wheels: Path, log: Progress) -> None:
    """sqlgate's wheel, built from a copy of the sources (setuptools writes build/ and
    *.egg-info beside them)."""
    with tempfile.TemporaryDirectory(prefix="sqlgate-src-") as scratch:
        copy = Path(scratch)
        for path in _source_files(root):
            target = copy / path.relative_to(root)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
        (copy / "README.md").write_text(README_STUB)
        command = [*wheelhouse.pip_command(), "wheel", "--no-deps", "--disable-pip-version-check"]
        code, tail = process.stream(
            [*command, "--progress-bar=off", "-w", str(wheels), str(copy)],
            log,
            keep=21,
            stderr_only=False,
        )
    if code != 0:
        raise GatewayImageError("Building sqlgate's wheel failed:\n" + "\n".join(tail))


def _download(requirements: Path, wheels: Path, architecture: str, log: Progress) -> None:
    machine = wheelhouse.MACHINES.get(architecture)
    if machine is None:
        raise GatewayImageError(f"No wheel platform known for the architecture '{architecture}'")
    code, tail = wheelhouse.pip_download(
        requirements,
        wheels,
        python_version=PYTHON_VERSION,
        machine=machine,
        log=log,
        no_deps=True,  # the file is the whole closure, each entry pinned and hashed
    )
    if code != 0:
        problem = next((line for line in reversed(tail) if line.startswith("ERROR:")), "")
        raise GatewayImageError(
            "The gateway's locked dependencies could not be downloaded: "
            + (problem.removeprefix("ERROR: ") or "\n".join(tail[-10:]))
        )


def _cache_dir(requirements: str) -> Path:
    """Where the wheels of these exact requirements are kept between builds (the lock names
    every file's hash, so the key is the requirements themselves)."""
    root = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    key = hashlib.sha256(requirements.encode()).hexdigest()[:16]
    return root / "sqlgate" / "gateway-wheels" / key


def _wheels(requirements: str, target: Path, architecture: str, log: Progress) -> None:
    """The locked wheels in `target`: from the cache, else downloaded (then cached)."""
    cache = _cache_dir(f"{architecture}\n{requirements}")
    if not (cache / COMPLETE).exists():
        scratch = cache.with_name(cache.name + f".partial-{os.getpid()}")
        shutil.rmtree(scratch, ignore_errors=True)
        scratch.mkdir(parents=True)
        (scratch / "requirements.txt").write_text(requirements)
        _download(scratch / "requirements.txt", scratch / "wheels", architecture, log)
        (scratch / COMPLETE).touch()
        shutil.rmtree(cache, ignore_errors=True)
        scratch.rename(cache)
    for wheel in (cache / "wheels").glob("*.whl"):
        try:
            os.link(wheel, target / wheel.name)
        except OSError:  # another file system
            shutil.copyfile(wheel, target / wheel.name)


def _prune(client: docker.DockerClient, keep: str, progress: Progress) -> None:
    """Superseded builds are removed, all but the newest few: checkouts of other branches on
    the same engine build their own, and one must not remove what another is about to run.
    They share the dependencies' layers, so the ones kept cost little; an image a container
    uses stays."""
    built = client.images.list(filters={"label": LABEL})
    built.sort(key=lambda image: image.attrs.get("Created", ""), reverse=True)
    superseded = [image for image in built if image.labels.get(LABEL) != keep]
    for image in superseded[KEEP - 1 :]:
        try:
            client.images.remove(image.id)
        except docker.errors.APIError:
            continue
        progress(f"removed the superseded {', '.join(image.tags) or image.short_id}")


def build_gateway(
    client: docker.DockerClient,
    base: str = DEFAULT_BASE_IMAGE,
    *,
    progress: Progress = lambda _: None,
    log: Progress = lambda _: None,
) -> GatewayImage:
    """Build the gateway image (a no-op when its content hash is already tagged)."""
    from sqlgate.executors.docker_build import ImageBuildError, docker_build

    root = source_root()
    try:
        base_image = client.images.get(base)
    except docker.errors.ImageNotFound:
        raise GatewayImageError(
            f"The base image {base} is missing: build it with `sqlgate images build-base`"
        ) from None
    requirements = locked_core(root)
    tag = content_tag(root, base_image.id, requirements)
    image = f"{REPOSITORY}:{tag}"
    try:
        existing = client.images.get(image)
    except docker.errors.ImageNotFound:
        pass
    else:
        existing.tag(REPOSITORY, "latest")
        progress(f"{image} already exists; nothing to build")
        return GatewayImage(image, existing.id, existing.attrs["Size"], 0.0, built=False)
    started = time.monotonic()
    arch = base_image.attrs.get("Architecture", "amd64")
    with tempfile.TemporaryDirectory(prefix="sqlgate-gateway-") as scratch:
        context = Path(scratch)
        (context / "Dockerfile").write_text(dockerfile(base, tag))
        wheels = context / "wheels"
        wheels.mkdir()
        count = requirements.count("==")
        progress(f"{count} locked wheels (hash-checked) for Python {PYTHON_VERSION}")
        _wheels(requirements, wheels, arch, log)
        progress("building sqlgate's wheel from the checkout")
        (context / "sqlgate-wheel").mkdir()
        _sqlgate_wheel(root, context / "sqlgate-wheel", log)
        progress("saving the example model version")
        save_example(context / EXAMPLE_DIR)
        size = sum(w.stat().st_size for w in wheels.glob("*.whl"))
        progress(f"{count} wheels ({size / 1e6:.0f} MB) and sqlgate's; docker build (offline)")
        try:
            docker_build(client, context, image, "gateway", {}, log, progress)
        except ImageBuildError as e:
            raise GatewayImageError(e.message) from None
    built = client.images.get(image)
    built.tag(REPOSITORY, "latest")
    seconds = time.monotonic() - started
    progress(f"built {image} ({built.attrs['Size'] / 1e6:.0f} MB) in {seconds:.0f} s")
    _prune(client, tag, progress)
    return GatewayImage(image, built.id, built.attrs["Size"], seconds, built=True)

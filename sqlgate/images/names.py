"""Docker names for sqlgate objects, and which base image a model image starts from.

Docker repository names are lower-case path components of [a-z0-9] runs joined by '.', '_',
'__' or '-' runs; a first component with a '.' or ':' (or 'localhost') would be read as a
registry host. Snowflake identifiers may hold anything when quoted, so names are sanitized and,
where that changed them, given a short hash so that two names stay two repositories.
"""

from __future__ import annotations

import csv
import hashlib
import os
import re
from importlib import resources

DEFAULT_BASE_IMAGE = "python:3.11-slim"
# A GPU family's base: its own name (SQLGATE_GPU_BASE_IMAGE) so that it can be a CUDA image with
# Python 3.11 and pip. By default it is the same stand-in (`sqlgate images build-base --tag
# sqlgate/python-gpu:3.11`): GPU libraries such as torch bring the CUDA runtime in their own
# wheels (nvidia-*), and the driver comes from the NVIDIA container runtime.
DEFAULT_GPU_BASE_IMAGE = "sqlgate/python-gpu:3.11"

_INVALID = re.compile(r"[^a-z0-9._-]+")
_SEPARATORS = re.compile(r"[._-]{2,}")


def component(text: str) -> str:
    """One Docker path component for `text` (an identifier or part of one)."""
    lowered = text.lower()
    clean = _SEPARATORS.sub("-", _INVALID.sub("-", lowered).replace(".", "-")).strip("._-")
    if clean != lowered or not clean:
        clean = f"{clean or 'x'}-{hashlib.sha256(text.encode()).hexdigest()[:6]}"
    return clean


def repository_name(repository_url: str) -> str:
    """The Docker repository prefix of an image repository (its repository_url)."""
    parts = [component(p) for p in repository_url.split("/")]
    if parts[0] == "localhost":
        parts[0] = component("localhost_")
    return "/".join(parts)


def image_name(model: str, version: str) -> str:
    """The image name of a model version inside an image repository (Snowflake's image_name)."""
    return f"{component(model)}-{component(version)}"


def _gpu_families() -> set[str]:
    text = resources.files("sqlgate.data").joinpath("instance_families.csv").read_text()
    rows = csv.DictReader(line for line in text.splitlines() if not line.startswith("#"))
    return {row["name"].upper() for row in rows if int(row["gpus"] or 0) > 0}


def base_image(instance_family: str | None = None) -> str:
    """The image a model image starts FROM: SQLGATE_BASE_IMAGE (default python:3.11-slim), or
    SQLGATE_GPU_BASE_IMAGE for a GPU instance family."""
    if instance_family and instance_family.upper() in _gpu_families():
        return os.environ.get("SQLGATE_GPU_BASE_IMAGE") or DEFAULT_GPU_BASE_IMAGE
    return os.environ.get("SQLGATE_BASE_IMAGE") or DEFAULT_BASE_IMAGE

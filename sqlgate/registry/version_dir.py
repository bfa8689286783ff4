"""Writing a model version directory: the flavor's files plus a manifest listing each file with
its size and sha256 (what CREATE MODEL ... FROM '<dir>' verifies on import)."""

from __future__ import annotations

import hashlib
import platform
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlgate.registry.manifest import MANIFEST_FILE, FileEntry, Function, Manifest, dump


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_manifest(
    directory: Path,
    *,
    flavor: str,
    functions: Sequence[Function],
    requirements: Sequence[str] = (),
    libraries: dict[str, str] | None = None,
    options: dict[str, Any] | None = None,
) -> Manifest:
    """List every file already in `directory` and write manifest.json beside them."""
    files = tuple(
        FileEntry(path.relative_to(directory).as_posix(), path.stat().st_size, sha256_of(path))
        for path in sorted(directory.rglob("*"))
        if path.is_file() and path.name != MANIFEST_FILE
    )
    manifest = Manifest(
        flavor=flavor,
        python_version=".".join(platform.python_version_tuple()[:2]),
        requirements=tuple(requirements),
        functions=tuple(functions),
        files=files,
        libraries=dict(libraries or {}),
        options=dict(options or {}),
    )
    (directory / MANIFEST_FILE).write_bytes(dump(manifest))
    return manifest

"""The local artifact store: verified copies of version directories under <home>/models.

A version's artifact lives at <models_dir>/<db>/<schema>/<model>/<version>-<token>. Names are
made safe for any file system (quoted identifiers may contain anything); the random token lets
an OR REPLACE or a re-added version be copied before the old one is deleted, and lets RENAME
leave files where they are. The catalog records the path relative to the models directory.

Files move with the catalog transaction: copies are made before the commit and removed if it
fails (ArtifactChanges); artifacts of dropped versions are deleted only after the commit.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import shutil
from pathlib import Path
from types import TracebackType

from sqlgate.errors import InvalidValue
from sqlgate.filenames import safe_stem
from sqlgate.registry.manifest import MANIFEST_FILE, FileEntry, InvalidManifest, Manifest, load

_CHUNK = 1 << 20


def safe_part(name: str) -> str:
    """One path component for any identifier (see filenames.safe_stem)."""
    return safe_stem(name)


def artifact_path(database: str, schema: str, model: str, version: str) -> str:
    """A fresh artifact location, relative to the models directory ('/'-separated)."""
    leaf = f"{safe_part(version)}-{secrets.token_hex(6)}"
    return "/".join([safe_part(database), safe_part(schema), safe_part(model), leaf])


def resolve(models_dir: Path, artifact: str) -> Path:
    return models_dir.joinpath(*artifact.split("/"))


def import_version(source: Path, models_dir: Path, artifact: str) -> Manifest:
    """Copy the version directory `source` to `artifact`, verifying every listed file.

    Only the manifest and the files it lists are copied, each hashed while it is copied (so a
    file changed after a check cannot slip through). On any error nothing is left behind.
    """
    manifest, raw = load(source)
    target = resolve(models_dir, artifact)
    target.mkdir(parents=True)
    try:
        for entry in manifest.files:
            _copy_verified(source, entry, target)
        (target / MANIFEST_FILE).write_bytes(raw)
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)
        _prune(models_dir, target.parent)
        raise
    return manifest


def check_source(source: Path, forbidden: list[Path]) -> Path:
    """The resolved version directory named by FROM '<directory>'.

    sqlgate's own data directory is off limits: importing from another model's artifact
    would copy a model that the user may not be allowed to read (use FROM MODEL instead).
    """
    resolved = source.expanduser().resolve()
    if not resolved.is_dir():
        raise InvalidValue(
            f"Model version directory '{source}' does not exist or is not a directory"
        )
    for root in forbidden:
        root = root.resolve()
        if resolved == root or root in resolved.parents:
            raise InvalidValue(
                f"Model version directory '{source}' is inside sqlgate's data directory; "
                "use FROM MODEL <name> [VERSION <version>] to copy a registered version"
            )
    return resolved


def _copy_verified(source: Path, entry: FileEntry, target: Path) -> None:
    root = source.resolve()
    # Listed paths cannot contain '..' (manifest.path_problem), so only a link can lead out.
    real = (source / entry.path).resolve()
    if root not in real.parents:
        raise InvalidManifest(source, f"file '{entry.path}' is a link to outside the directory")
    if not real.exists():
        raise InvalidManifest(source, f"file '{entry.path}' listed in {MANIFEST_FILE} is missing")
    if not real.is_file():
        raise InvalidManifest(source, f"'{entry.path}' is not a regular file")
    destination = target.joinpath(*entry.path.split("/"))
    destination.parent.mkdir(parents=True, exist_ok=True)
    digest, size = hashlib.sha256(), 0
    with real.open("rb") as reader, destination.open("xb") as writer:
        while chunk := reader.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
            writer.write(chunk)
    if size != entry.size or digest.hexdigest() != entry.sha256:
        found = f"{size} bytes, sha256 {digest.hexdigest()}"
        expected = f"{entry.size} bytes, sha256 {entry.sha256}"
        raise InvalidManifest(
            source,
            f"file '{entry.path}' does not match {MANIFEST_FILE} (tampered or corrupt): "
            f"found {found}, expected {expected}",
        )


def remove(models_dir: Path, artifact: str) -> None:
    """Delete an artifact directory and the model/schema/database directories it leaves empty."""
    target = resolve(models_dir, artifact)
    shutil.rmtree(target, ignore_errors=True)
    _prune(models_dir, target.parent)


def _prune(models_dir: Path, directory: Path) -> None:
    while directory != models_dir and models_dir in directory.parents:
        try:
            directory.rmdir()  # only succeeds when empty
        except OSError:
            return
        directory = directory.parent


def size(models_dir: Path, artifact: str) -> int | None:
    """Bytes stored for an artifact; None if its directory is gone."""
    target = resolve(models_dir, artifact)
    if not target.is_dir():
        return None
    total = 0
    for folder, _, files in os.walk(target):
        total += sum((Path(folder) / f).stat().st_size for f in files)
    return total


class ArtifactChanges:
    """File effects of one catalog transaction. Enter it *before* `catalog.write()` so it exits
    after the commit: on error, copies made so far are removed; on success, artifacts of dropped
    versions are deleted."""

    def __init__(self, models_dir: Path) -> None:
        self.models_dir = models_dir
        self.added: list[str] = []
        self.dropped: list[str] = []

    def __enter__(self) -> ArtifactChanges:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        for artifact in self.added if error is not None else self.dropped:
            remove(self.models_dir, artifact)

    def copy(self, source: Path, artifact: str) -> Manifest:
        manifest = import_version(source, self.models_dir, artifact)
        self.added.append(artifact)
        return manifest

    def drop(self, artifact: str) -> None:
        self.dropped.append(artifact)

"""Writing a model version directory: the flavor's files plus a manifest listing each file with
its size and sha256 (what CREATE MODEL ... FROM '<dir>' verifies on import). `save_model` turns
a model object into one, with signatures given or inferred from sample data."""

from __future__ import annotations

import hashlib
import platform
import re
from collections.abc import Mapping, Sequence
from importlib import metadata
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from sqlgate.errors import InvalidValue, SqlgateError
from sqlgate.registry import flavors, signature
from sqlgate.registry import manifest as manifests
from sqlgate.registry.manifest import (
    MANIFEST_FILE,
    Column,
    FileEntry,
    Function,
    InvalidManifest,
    Manifest,
    dump,
)
from sqlgate.registry.signature import ModelSignature
from sqlgate.runtime.loaded import to_arrow

if TYPE_CHECKING:
    import pandas as pd


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


# --- a model object as a version directory (what Registry.log_model writes) --------------------


def save_model(
    model: object,
    directory: Path,
    *,
    label: str,
    sample_input_data: Any = None,
    signatures: Mapping[str, ModelSignature] | None = None,
    target_methods: Sequence[str] | None = None,
    requirements: Sequence[str] = (),
    relax_version: bool = True,
) -> Manifest:
    """Write `model` into the empty `directory` as a version directory and return its manifest.

    Functions are `target_methods`, else the keys of `signatures`, else the flavor's inference
    methods. Each function's signature is the one given in `signatures`, or is inferred by
    calling the method, through the flavor exactly as the runtime will, on the first rows of
    `sample_input_data`. Requirements are `requirements` plus the flavor's libraries (unless
    `requirements` already names them). `label` names the model version in errors.
    """
    flavor = flavors.flavor_for(model)
    signatures = dict(signatures or {})
    methods = _methods(flavor, model, signatures, target_methods, label)
    frame = signature.as_frame(sample_input_data) if sample_input_data is not None else None
    for method in methods:
        given = signatures.get(method)
        if given is None and frame is None:
            raise InvalidValue(
                f"{label}: give sample_input_data or signatures[{method!r}] so that the"
                f" signature of {method} can be inferred"
            )
        if given is not None and not isinstance(given, ModelSignature):
            raise InvalidValue(
                f"{label}: the signature of {method} must be a ModelSignature,"
                f" got {type(given).__name__}"
            )
    # Saving before inferring reports a model that cannot be saved (a missing artifact file,
    # ...) as such, rather than as whatever calling it on the sample data then fails with.
    try:
        libraries = flavor.save(model, directory)
    except SqlgateError:
        raise
    except Exception as e:  # pickling errors and the like are the model's
        raise InvalidValue(f"{label} cannot be saved: {type(e).__name__}: {e}") from e
    functions = []
    for method in methods:
        given = signatures.get(method)
        if given is not None:
            functions.append(
                Function(method, method, given.input_columns(), given.output_columns())
            )
        else:
            assert frame is not None  # checked above
            functions.append(_infer(flavor, model, method, frame, label))
    manifest = write_manifest(
        directory,
        flavor=flavor.NAME,
        functions=functions,
        requirements=_requirements(requirements, libraries, relax_version),
        libraries=libraries,
    )
    try:  # what CREATE MODEL will check, reported here in terms of the model version
        manifests.parse(dump(manifest), directory)
    except InvalidManifest as e:
        raise InvalidValue(f"{label} cannot be logged: {e.message}") from None
    return manifest


def _methods(
    flavor: ModuleType,
    model: object,
    signatures: Mapping[str, ModelSignature],
    target_methods: Sequence[str] | None,
    label: str,
) -> list[str]:
    offered = flavor.default_methods(model)
    if isinstance(target_methods, str):
        target_methods = [target_methods]
    methods = list(target_methods or signatures or offered)
    if not methods:
        raise InvalidValue(
            f"{label}: a {type(model).__name__} model has no inference methods"
            + (" (mark them with @custom_model.inference_api)" if flavor.NAME == "custom" else "")
        )
    for method in methods:
        known = ", ".join(offered) or "none"
        # A custom model's functions are its declared inference methods; a library model may
        # expose any of its methods (apply, predict_joint_log_proba, ...).
        callable_ = callable(getattr(model, method, None)) if isinstance(method, str) else False
        if not callable_ or (flavor.NAME == "custom" and method not in offered):
            raise InvalidValue(
                f"{label}: {type(model).__name__} has no inference method {method!r}"
                f" (its inference methods: {known})"
            )
    if len({m.upper() for m in methods}) != len(methods):
        raise InvalidValue(f"{label}: target_methods lists a method twice: {methods}")
    unused = sorted(set(signatures) - set(methods))
    if unused:
        raise InvalidValue(f"{label}: signatures given for methods not logged: {unused}")
    return methods


def _infer(
    flavor: ModuleType, model: object, method: str, frame: pd.DataFrame, label: str
) -> Function:
    inputs = signature.input_columns(frame)
    sample = signature.to_table(frame.head(signature.SAMPLE_ROWS), inputs, label)
    probe = Function(method, method, inputs, (Column("output", "DOUBLE"),))
    try:
        raw = flavor.call(model, probe, sample)
    except Exception as e:  # the model's own error, whatever it is
        raise InvalidValue(
            f"{label}: calling {method} on sample_input_data to infer its signature failed:"
            f" {type(e).__name__}: {e}"
        ) from e
    try:
        outputs = signature.output_columns(raw, method)
        function = Function(method, method, inputs, outputs)
        to_arrow(raw, function, sample.num_rows, label)  # the runtime must be able to read it
    except (SqlgateError, pa.ArrowException) as e:
        message = e.message if isinstance(e, SqlgateError) else str(e)
        raise InvalidValue(f"{label}: the output of {method} cannot be used: {message}") from None
    return function


_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def requirement_name(requirement: str) -> str:
    """The normalized project name of a pip requirement ('Scikit_Learn>=1' -> 'scikit-learn')."""
    match = _NAME.match(requirement.strip())
    return re.sub(r"[-_.]+", "-", match.group(0)).lower() if match else requirement.strip()


def _distribution(library: str) -> str:
    """The installed distribution providing `library` (xgboost may come as xgboost-cpu)."""
    try:
        metadata.version(library)
        return library
    except metadata.PackageNotFoundError:
        providers = metadata.packages_distributions().get(library.replace("-", "_"), [])
        return providers[0] if providers else library


def _requirements(
    requirements: Sequence[str], libraries: Mapping[str, str], relax_version: bool
) -> list[str]:
    result = list(dict.fromkeys(requirements))
    named = {requirement_name(r) for r in result}
    for library, version in libraries.items():
        distribution = _distribution(library)
        if requirement_name(distribution) in named or requirement_name(library) in named:
            continue  # the user's own requirement for it wins
        parts = [int(p) if p.isdigit() else 0 for p in version.split(".")[:2]] + [0, 0]
        # relaxed: any release the runtime accepts (not older than major.minor) up to the next
        # major; else exactly the version the model was saved with
        pin = f">={parts[0]}.{parts[1]},<{parts[0] + 1}" if relax_version else f"=={version}"
        result.append(distribution + pin)
    return result

"""The build context of a model version's image, and the content hash that tags it.

The context holds the generated Dockerfile, `requirements.txt` (the model's requirements plus
the runtime's, pinned to the versions this gateway runs), `wheels/` (all of them resolved on the
host), `model/` (the version directory) and `runtime/` (only the sqlgate modules a model server
imports: no SQL parser, catalog or CLI in the image).

The tag is a hash of everything the image is made of *before* resolving wheels: the base image
(name and id), the Dockerfile, the requirements, the runtime's sources and the model's manifest
(which lists every file's sha256). So building twice finds the tag and does nothing, and a
changed requirement, model file, base or runtime gives a new tag.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import string
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import metadata, resources
from pathlib import Path

from sqlgate.registry.manifest import MANIFEST_FILE, Manifest

TAG_LENGTH = 20
BUILD_DIR = "/tmp/build"  # where the build stage sees wheels/, requirements.txt and the cert
PIP_CERT = "pip-cert.pem"  # the CA bundle for an integration's indexes (empty when offline)
MODEL_DIR = "/opt/sqlgate/model"

# What a model server imports, relative to the sqlgate package (see runtime/server.py).
RUNTIME_MODULES = (
    "errors.py",
    "filenames.py",
    "registry/__init__.py",
    "registry/manifest.py",
    "registry/store.py",
    "registry/custom_model.py",
    "registry/flavors/__init__.py",
    "registry/flavors/custom.py",
    "registry/flavors/sklearn.py",
    "registry/flavors/xgboost.py",
    "registry/flavors/lightgbm.py",
    "registry/flavors/tabular.py",
    "runtime/__init__.py",
    "runtime/loaded.py",
    "runtime/protocols.py",
    "runtime/server.py",
)
# The package's own __init__ imports the whole gateway (DuckDB, sqlglot); the image gets this.
RUNTIME_INIT = '"""sqlgate\'s model-serving runtime (the subset copied into model images)."""\n'
# Libraries those modules import, pinned to the versions the gateway runs, so a model answers
# the same in a container as in the gateway process.
RUNTIME_LIBRARIES = ("numpy", "orjson", "pandas", "pyarrow", "starlette", "uvicorn")
# The Ray variant (Dockerfile.ray.template) adds Ray, at the gateway's own version (a worker node
# must run the head's), and what a Ray Serve replica of a service imports (runtime/replica.py).
RAY_MODULES = ("runtime/batch.py", "runtime/replica.py")
RAY_DISTRIBUTION = "ray"
RAY_EXTRA = "serve"
FLAVOR_LIBRARIES = {"custom": ("cloudpickle",)}


@dataclass(frozen=True)
class Plan:
    """What one image is made of; `tag` is its content hash."""

    base: str
    base_id: str
    python_version: str
    requirements: tuple[str, ...]
    dockerfile: str
    tag: str


def _sqlgate_root() -> Path:
    return Path(str(resources.files("sqlgate")))


def runtime_requirements(manifest: Manifest) -> list[str]:
    names = [*RUNTIME_LIBRARIES, *FLAVOR_LIBRARIES.get(manifest.flavor, ())]
    return [f"{name}=={metadata.version(name)}" for name in names]


def template() -> string.Template:
    text = resources.files("sqlgate.images").joinpath("Dockerfile.template").read_text()
    return string.Template(text)


def _env_value(text: str) -> str:
    """A double-quoted Dockerfile ENV value (no variable expansion)."""
    return json.dumps(text).replace("$", "\\$")


def plan(
    manifest: Manifest,
    model_dir: Path,
    label: str,
    base: str,
    base_id: str,
    labels: dict[str, str],
    extra_requirements: Sequence[str] = (),
) -> Plan:
    """The image of the version in `model_dir` (`label` names it in the server's messages;
    `labels` are the image's Docker labels; `extra_requirements` are installed too, e.g. Ray
    for an image that joins a Ray cluster)."""
    requirements = (
        *manifest.requirements,
        *runtime_requirements(manifest),
        *extra_requirements,
    )
    dockerfile = template().substitute(
        base=base,
        python_version=manifest.python_version,
        label=_env_value(label),
        labels=" ".join(f"{key}={_env_value(value)}" for key, value in sorted(labels.items())),
    )
    digest = hashlib.sha256()
    for part in (base, base_id, dockerfile, "\n".join(requirements)):
        digest.update(part.encode() + b"\0")
    digest.update((model_dir / MANIFEST_FILE).read_bytes())
    root = _sqlgate_root()
    for module in RUNTIME_MODULES:
        digest.update(module.encode() + b"\0" + (root / module).read_bytes())
    tag = digest.hexdigest()[:TAG_LENGTH]
    return Plan(base, base_id, manifest.python_version, requirements, dockerfile, tag)


def write(context: Path, the_plan: Plan, model_dir: Path) -> None:
    """Everything but the wheels (wheelhouse.download fills `context/wheels`): `app/` is what
    lands in /opt/sqlgate (the model and the runtime)."""
    (context / "Dockerfile").write_text(the_plan.dockerfile)
    (context / "requirements.txt").write_text("".join(f"{r}\n" for r in the_plan.requirements))
    shutil.copytree(model_dir, context / "app" / "model")
    runtime = context / "app" / "runtime" / "sqlgate"
    root = _sqlgate_root()
    for module in RUNTIME_MODULES:
        (runtime / module).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(root / module, runtime / module)
    (runtime / "__init__.py").write_text(RUNTIME_INIT)
    (context / "wheels").mkdir(exist_ok=True)
    (context / PIP_CERT).touch()


def ray_requirement() -> str:
    return f"{RAY_DISTRIBUTION}[{RAY_EXTRA}]=={metadata.version(RAY_DISTRIBUTION)}"


@dataclass(frozen=True)
class RayPlan:
    """The Ray variant of a standalone image; `tag` is its content hash."""

    standalone: str  # the standalone image's reference
    python_version: str
    requirements: tuple[str, ...]
    dockerfile: str
    tag: str


def ray_plan(standalone: Plan, standalone_image: str, labels: dict[str, str]) -> RayPlan:
    """The variant of `standalone_image` whose containers join a Ray cluster. Its requirements
    are the standalone ones plus Ray, resolved together, so what the standalone image has is
    kept at its version and only Ray and its own dependencies are added."""
    requirements = (*standalone.requirements, ray_requirement())
    text = resources.files("sqlgate.images").joinpath("Dockerfile.ray.template").read_text()
    dockerfile = string.Template(text).substitute(
        standalone=standalone_image,
        labels=" ".join(f"{key}={_env_value(value)}" for key, value in sorted(labels.items())),
    )
    digest = hashlib.sha256()
    for part in (standalone.tag, dockerfile, "\n".join(requirements)):
        digest.update(part.encode() + b"\0")
    root = _sqlgate_root()
    for module in RAY_MODULES:
        digest.update(module.encode() + b"\0" + (root / module).read_bytes())
    tag = digest.hexdigest()[:TAG_LENGTH]
    return RayPlan(standalone_image, standalone.python_version, requirements, dockerfile, tag)


def write_ray(context: Path, the_plan: RayPlan) -> None:
    """The Ray variant's context but its wheels: the Dockerfile, requirements and `runtime/`
    (the replica's modules, laid over the standalone image's runtime)."""
    (context / "Dockerfile").write_text(the_plan.dockerfile)
    (context / "requirements.txt").write_text("".join(f"{r}\n" for r in the_plan.requirements))
    runtime = context / "runtime" / "sqlgate"
    root = _sqlgate_root()
    for module in RAY_MODULES:
        (runtime / module).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(root / module, runtime / module)
    (context / "wheels").mkdir(exist_ok=True)

"""Building a model version's Docker image into an image repository (DESIGN §7).

`build_model_image(session, model, version, repository)` is what `ModelVersion.build_image`,
`sqlgate images build` and (later) create_service call. Steps: plan the image and its content
hash tag (images/context.py); if Docker already has that tag, stop (building twice is a no-op);
else record a MODEL_BUILD_<id> row in the catalog, resolve the requirements into a wheelhouse on
the host, and build through the docker SDK with networking disabled — unless an external access
integration is named, whose network rules decide which of this machine's package indexes pip
may use inside the build for what the wheelhouse lacks.

The build's output is its log: appended line by line to <home>/images/builds/<id>.log while it
runs, and stored in the catalog's model_builds.log when it ends (what SYSTEM$GET_SERVICE_LOGS
on MODEL_BUILD_<id> will show). Progress goes to the `progress` callback.
"""

from __future__ import annotations

import json
import secrets
import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import docker.errors
from sqlglot import exp

from sqlgate.errors import InvalidValue, ObjectNotFound, SqlgateError
from sqlgate.executors.image_repository import repository_url
from sqlgate.gateway.names import ObjectName
from sqlgate.images import context as contexts
from sqlgate.images import docker_engine, names, wheelhouse
from sqlgate.registry import manifest as manifests
from sqlgate.registry import store

if TYPE_CHECKING:
    from sqlgate.gateway.session import Session

Progress = Callable[[str], None]

LABEL_REPOSITORY = "org.sqlgate.repository"  # the image repository's repository_url
LABEL_MODEL = "org.sqlgate.model"
LABEL_VERSION = "org.sqlgate.version"
LABEL_VARIANT = "org.sqlgate.variant"  # "ray": the image services run their replicas in


class ImageBuildError(SqlgateError):
    sqlstate = "58000"


@dataclass(frozen=True)
class BuiltImage:
    image: str  # the Docker reference: <repository>/<image_name>:<tag>
    image_name: str
    tag: str
    image_id: str
    size: int  # bytes, as Docker reports it
    built: bool  # False when the tag already existed
    seconds: float
    build_id: str | None  # MODEL_BUILD_<id>, None for a no-op
    log_path: Path | None


def builds_dir(session: Session) -> Path:
    """<home>/images/builds (beside the models directory, also for an in-memory engine)."""
    return session.engine.models_dir.parent / "images" / "builds"


def _version_row(session: Session, model: ObjectName, version: str) -> dict[str, Any]:
    row = session.catalog.one(
        "SELECT * FROM model_versions WHERE database_name = ? AND schema_name = ?"
        " AND model_name = ? AND name = ?",
        [model.database, model.schema, model.name, version],
    )
    if row is None:
        raise ObjectNotFound("Model version", f"{model} version {version}")
    return row


def _repository(session: Session, repository: ObjectName) -> str:
    row = session.catalog.one(
        "SELECT 1 FROM image_repositories WHERE database_name = ? AND schema_name = ? AND name = ?",
        [repository.database, repository.schema, repository.name],
    )
    if row is None:
        raise ObjectNotFound("Image repository", str(repository))
    return repository_url(repository.database, repository.schema, repository.name)


def usable_integration(
    session: Session, name: str, node: exp.Expr | None = None, cur: Any = None
) -> dict[str, Any]:
    """The row of an external access integration a build may use: it exists, the role holds
    USAGE on it (checked before its state is told, so a role without it learns nothing), and it
    is enabled. `node` places the errors in the statement that named it."""
    from sqlgate.gateway import access

    row = session.catalog.one("SELECT * FROM integrations WHERE name = ?", [name], cur)
    if row is None:
        raise ObjectNotFound("Integration", name, session.where(node))
    access.require_action(session, "use integration", (name,), node)
    if not row["enabled"]:
        raise InvalidValue(f"External access integration '{name}' is disabled", session.where(node))
    return row


def integration_rules(session: Session, integration: str) -> list[str]:
    """The host[:port] values an external access integration's egress rules allow."""
    row = usable_integration(session, integration)
    host_ports: list[str] = []
    for rule in json.loads(row["allowed_network_rules"]):
        database, schema, name = rule.split(".", 2)
        found = session.catalog.one(
            "SELECT value_list, type FROM network_rules WHERE database_name = ?"
            " AND schema_name = ? AND name = ?",
            [database, schema, name],
        )
        if found and found["type"] == "HOST_PORT":
            host_ports += json.loads(found["value_list"])
    return host_ports


def _require_build_privileges(session: Session, model: ObjectName, repository: ObjectName) -> None:
    """An image carries the model's artifact (READ on the model, as `load()` needs; USAGE only
    calls it) and is pushed to the repository (WRITE); USAGE on an integration is checked as it
    is looked up (usable_integration). Checked before anything is built."""
    from sqlgate.gateway import access

    access.require_action(
        session, "read model artifacts", (model.database, model.schema, model.name)
    )
    key = (repository.database, repository.schema, repository.name)
    access.require_action(session, "push image", key)


def index_settings(integration: str | None, host_ports: list[str], log: Progress) -> dict[str, str]:
    """pip's index settings inside the build: none (offline) without an integration; else this
    machine's package indexes that the integration's egress rules allow."""
    if integration is None:
        return {}
    pip = wheelhouse.pip_settings()
    indexes = [u for u in wheelhouse.pip_indexes(pip) if wheelhouse.allowed(u, host_ports)]
    if not indexes:
        log(
            f"external access integration {integration} allows none of this machine's package"
            " indexes: the build stays offline"
        )
        return {}
    log(f"external access integration {integration}: pip may use {len(indexes)} index(es)")
    settings = {"PIP_INDEX_URL": indexes[0]}
    if indexes[1:]:
        settings["PIP_EXTRA_INDEX_URL"] = " ".join(indexes[1:])
    cert = wheelhouse.pip_cert(pip)
    if cert is not None:  # the machine's CA bundle goes into the build stage only
        settings["PIP_CERT"] = str(cert)
    return settings


def build_model_image(
    session: Session,
    model: ObjectName,
    version: str,
    repository: ObjectName,
    *,
    external_access_integration: str | None = None,
    external_access_integrations: Sequence[str] = (),
    instance_family: str | None = None,
    extra_requirements: Sequence[str] = (),
    progress: Progress = lambda _: None,
) -> BuiltImage:
    """Build (or find) the image of `model` version `version` in `repository`.

    `instance_family` picks the base (GPU families have their own); `extra_requirements` are
    installed beside the model's and are part of the content hash. The integrations (one, or
    several as CREATE SERVICE names them) together decide which package indexes pip may use."""
    started = time.monotonic()
    row = _version_row(session, model, version)
    url = _repository(session, repository)
    label = f"Model {model} version {version}"
    named = [external_access_integration] if external_access_integration else []
    named += [i for i in external_access_integrations if i not in named]
    host_ports = [host_port for i in named for host_port in integration_rules(session, i)]
    _require_build_privileges(session, model, repository)
    integration = ", ".join(named) or None
    model_dir = store.resolve(session.engine.models_dir, row["artifact"])
    manifest, _ = manifests.load(model_dir)
    client = docker_engine.client()
    base = names.base_image(instance_family)
    try:
        base_id = client.images.get(base).id
    except docker.errors.ImageNotFound:
        raise ImageBuildError(
            f"The base image {base} is not in the Docker engine: pull it, or build a local"
            " stand-in with `sqlgate images build-base`"
            + (f" --tag {base}" if base != names.DEFAULT_BASE_IMAGE else "")
        ) from None
    labels = {LABEL_REPOSITORY: url, LABEL_MODEL: str(model), LABEL_VERSION: version}
    plan = contexts.plan(
        manifest, model_dir, label, base, base_id, labels, tuple(extra_requirements)
    )
    image = f"{names.repository_name(url)}/{names.image_name(model.name, version)}:{plan.tag}"

    def build(log: Progress, build_id: str) -> Any:
        settings = index_settings(integration, host_ports, lambda m: (log(m), progress(m)))
        return _build_from_context(
            client,
            base,
            lambda context: contexts.write(context, plan, model_dir),
            f"resolving {len(plan.requirements)} requirements into wheels",
            plan,
            image,
            build_id,
            settings,
            log,
            progress,
        )

    return _recorded_build(
        session, model, version, repository, image, base, integration, started, build, progress
    )


def build_service_image(
    session: Session,
    model: ObjectName,
    version: str,
    repository: ObjectName,
    *,
    external_access_integrations: Sequence[str] = (),
    instance_family: str | None = None,
    progress: Progress = lambda _: None,
) -> BuiltImage:
    """Build (or find) the image a service runs its replicas in: the version's standalone image
    (built first if missing, with the service's integrations) with a layer adding Ray and the
    replica's modules on top, so that the standalone image stays slim (`docker run` needs no
    Ray) and both share its layers."""
    started = time.monotonic()
    standalone = build_model_image(
        session,
        model,
        version,
        repository,
        external_access_integrations=external_access_integrations,
        instance_family=instance_family,
        progress=progress,
    )
    client = docker_engine.client()
    row = _version_row(session, model, version)
    model_dir = store.resolve(session.engine.models_dir, row["artifact"])
    manifest, _ = manifests.load(model_dir)
    url = _repository(session, repository)
    base = names.base_image(instance_family)
    labels = {
        LABEL_REPOSITORY: url,
        LABEL_MODEL: str(model),
        LABEL_VERSION: version,
        LABEL_VARIANT: "ray",
    }
    base_plan = contexts.plan(
        manifest,
        model_dir,
        f"Model {model} version {version}",
        base,
        client.images.get(base).id,
        labels,
    )
    plan = contexts.ray_plan(base_plan, standalone.image, labels)
    image = f"{standalone.image.rsplit(':', 1)[0]}:{plan.tag}"

    def build(log: Progress, build_id: str) -> Any:
        return _build_from_context(
            client,
            standalone.image,
            lambda context: contexts.write_ray(context, plan),
            f"resolving Ray ({contexts.ray_requirement()}) into wheels",
            plan,
            image,
            build_id,
            {},
            log,
            progress,
        )

    return _recorded_build(
        session, model, version, repository, image, standalone.image, None, started, build, progress
    )


def _recorded_build(
    session: Session,
    model: ObjectName,
    version: str,
    repository: ObjectName,
    image: str,
    base: str,
    integration: str | None,
    started: float,
    build: Callable[[Progress, str], Any],
    progress: Progress,
) -> BuiltImage:
    """`build` run as a MODEL_BUILD_<id> recorded in the catalog with its log, or nothing at all
    when Docker has `image` already (the tag is the content)."""
    client = docker_engine.client()
    try:
        existing = client.images.get(image)
    except docker.errors.ImageNotFound:
        existing = None
    if existing is not None:
        progress(f"{image} is up to date")
        tag = image.rsplit(":", 1)[1]
        name = image.rsplit(":", 1)[0].rsplit("/", 1)[1]
        seconds = time.monotonic() - started
        return BuiltImage(
            image, name, tag, existing.id, existing.attrs["Size"], False, seconds, None, None
        )
    build_id = f"MODEL_BUILD_{secrets.token_hex(4).upper()}"
    log_path = builds_dir(session) / f"{build_id}.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with session.catalog.write() as cur:
        cur.execute(
            "INSERT INTO model_builds (id, database_name, schema_name, model_name, version_name,"
            " repository_database, repository_schema, repository_name, image, base_image,"
            " external_access_integration, status, log_path)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'BUILDING', ?)",
            [
                build_id,
                model.database,
                model.schema,
                model.name,
                version,
                repository.database,
                repository.schema,
                repository.name,
                image,
                base,
                integration,
                str(log_path),
            ],
        )
    progress(f"{build_id}: building {image} (log: {log_path})")
    with log_path.open("w") as log_file:

        def log(line: str) -> None:
            log_file.write(line + "\n")
            log_file.flush()

        try:
            built = build(log, build_id)
        except BaseException as e:  # recorded as FAILED whatever it was, even ^C
            message = e.message if isinstance(e, SqlgateError) else f"{type(e).__name__}: {e}"
            log(f"ERROR: {message}")
            log_file.close()
            _finish(session, build_id, log_path, "FAILED", message)
            if isinstance(e, SqlgateError | docker.errors.DockerException):
                raise ImageBuildError(f"{build_id} failed: {message} (log: {log_path})") from e
            raise
    _finish(session, build_id, log_path, "DONE", None)
    seconds = time.monotonic() - started
    progress(f"{build_id}: built {image} ({built.attrs['Size'] / 1e6:.0f} MB) in {seconds:.0f} s")
    tag = image.rsplit(":", 1)[1]
    name = image.rsplit(":", 1)[0].rsplit("/", 1)[1]
    return BuiltImage(
        image, name, tag, built.id, built.attrs["Size"], True, seconds, build_id, log_path
    )


def _finish(
    session: Session, build_id: str, log_path: Path, status: str, error: str | None
) -> None:
    text = log_path.read_text(errors="replace") if log_path.exists() else ""
    with session.catalog.write() as cur:
        cur.execute(
            "UPDATE model_builds SET status = ?, error = ?, log = ?, finished_on = now()"
            " WHERE id = ?",
            [status, error, text, build_id],
        )


def _build_from_context(
    client: docker.DockerClient,
    base: str,
    write: Callable[[Path], None],
    resolving: str,
    plan: contexts.Plan | contexts.RayPlan,
    image: str,
    build_id: str,
    settings: dict[str, str],
    log: Progress,
    progress: Progress,
) -> Any:
    """Write a build context (`write`), resolve the plan's requirements into its wheels for the
    architecture of `base` (the image built upon), then build `image` from it."""
    architecture = client.images.get(base).attrs.get("Architecture", "amd64")
    with tempfile.TemporaryDirectory(prefix="sqlgate-build-") as scratch:
        context = Path(scratch)
        write(context)
        progress(f"{build_id}: {resolving}")
        log(f"# requirements: {', '.join(plan.requirements)}")
        try:
            wheels = wheelhouse.download(
                plan.requirements,
                context / "wheels",
                python_version=plan.python_version,
                architecture=architecture,
                log=log,
            )
        except wheelhouse.WheelhouseError as e:
            if not settings:
                raise
            # with an index allowed, pip inside the build may find what the host could not
            log(f"# the wheelhouse is incomplete; pip in the build may use the index: {e}")
            wheels = sorted((context / "wheels").glob("*.whl"))
        size = sum(w.stat().st_size for w in wheels)
        progress(f"{build_id}: {len(wheels)} wheels ({size / 1e6:.0f} MB); docker build")
        return docker_build(client, context, image, build_id, settings, log, progress)


def docker_build(
    client: docker.DockerClient,
    context: Path,
    image: str,
    build_id: str,
    settings: dict[str, str],
    log: Progress,
    progress: Progress,
) -> Any:
    settings = dict(settings)
    if "PIP_CERT" in settings:  # a host path: copied in, and named where the build sees it
        shutil.copyfile(settings["PIP_CERT"], context / contexts.PIP_CERT)
        settings["PIP_CERT"] = f"{contexts.BUILD_DIR}/{contexts.PIP_CERT}"
    # the Dockerfile's one ARG: pip's index settings as `env` arguments (offline by default)
    pip_env = " ".join(f"{key}={value}" for key, value in settings.items())
    stream = client.api.build(
        path=str(context),
        tag=image,
        buildargs={"PIP_ENV": pip_env} if settings else {},
        network_mode="default" if settings else "none",
        pull=False,
        rm=True,
        forcerm=True,
        decode=True,
    )
    image_id = None
    tail: list[str] = []
    for chunk in stream:
        if "error" in chunk:
            detail = chunk.get("errorDetail", {}).get("message") or chunk["error"]
            log(detail)
            last = "\n".join(tail[-8:])
            raise ImageBuildError(f"docker build failed: {detail.strip()}\n{last}")
        text = chunk.get("stream")
        if text:
            for line in text.splitlines():
                log(line)
                tail = [*tail[-20:], line]
                if line.startswith("Step "):
                    progress(f"{build_id}: {line[:120]}")
        if "aux" in chunk and "ID" in chunk["aux"]:
            image_id = chunk["aux"]["ID"]
    if image_id is None:
        raise ImageBuildError("docker build ended without an image")
    return client.images.get(image)


def build_log(session: Session, build_id: str) -> str:
    """The output of build `build_id` (MODEL_BUILD_<id>) so far: the catalog's copy once the
    build has ended, the log file while it runs. What SYSTEM$GET_SERVICE_LOGS shows for it."""
    row = session.catalog.one(
        "SELECT status, log, log_path FROM model_builds WHERE id = ?", [build_id.upper()]
    )
    if row is None:
        raise ObjectNotFound("Service", build_id)
    if row["status"] == "BUILDING":
        path = Path(row["log_path"])
        return path.read_text(errors="replace") if path.exists() else ""
    return row["log"]

"""The Docker executor of services that run in their model's image (DESIGN §7, issue 6 part 4).

Each container of a service runs the Ray variant of the version's image (docker_build.
build_service_image) as a Ray worker node of the gateway's cluster: `ray start --address=<GCS>
--resources='{"<resource>": 1}' --block`. The resource is unique to the image's tag and the
service, so only that service's Serve replicas (which request it in ray_actor_options) land
there, one per container; the node advertises no CPUs, so no other task of the cluster does.

- host networking: the embedded Ray (ray_serve.ensure_ray) listens on the machine's address and
  the head must reach the node's own servers; so every port the node opens is picked free
  (worker ports, the dashboard agent's) instead of Ray's fixed defaults, which would collide
  between containers on one host;
- Ray's token authentication (on by default in 2.60): the gateway's token file is mounted
  read-only and named by RAY_AUTH_TOKEN_PATH (never put in the environment, which
  `docker inspect` shows);
- the container runs as the gateway's user, with the service's log directory mounted at the
  same path, so the replica's log file is where SYSTEM$GET_SERVICE_LOGS reads it;
- every container carries the LABEL_APP label (the Serve application's name), which is how they
  are found, replaced and removed: a container that dies is replaced; one that exits before its
  Ray node started is a start failure, reported with its last log lines and not retried.
"""

from __future__ import annotations

import atexit
import contextlib
import datetime as dt
import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import docker
import docker.errors

from sqlgate.errors import SqlgateError
from sqlgate.images import docker_engine

LABEL_APP = "org.sqlgate.service-app"
LABEL_RESOURCE = "org.sqlgate.ray-resource"
TOKEN_IN_CONTAINER = "/run/sqlgate/ray-auth-token"
RAY_STARTED = "Ray runtime started"  # what `ray start` prints once its node is up
SHM_SIZE = "512m"  # Ray's object store lives in /dev/shm (Docker's default is 64 MB)
OBJECT_STORE_BYTES = 256 * 1024 * 1024
LOG_LINES = 20  # kept from a container that failed at start


class ContainerStartError(SqlgateError):
    sqlstate = "58000"


@dataclass(frozen=True)
class Container:
    """One container of a service, as SHOW SERVICE CONTAINERS lists it."""

    id: str
    name: str
    status: str  # Docker's: created, running, exited, dead, ...
    image: str
    image_id: str
    started_at: str  # when it was created (ISO 8601, UTC)
    exit_code: int | None


@dataclass
class History:
    """What the executor remembers of a service's containers beyond Docker's own state."""

    restarts: int = 0
    last_exit_code: int | None = None
    last_restart: str | None = None
    failure: str | None = None  # a container exited at start: the reason, with its last lines
    failed_image: str | None = None
    names: set[str] = field(default_factory=set)


# applications this process started containers for: when this process's Ray is the embedded
# one, it ends with the process, and so must they (a data directory's services are started
# again, with new containers, by the next gateway)
_embedded: set[str] = set()


@atexit.register
def _remove_at_exit() -> None:
    with contextlib.suppress(Exception):
        for app in list(_embedded):
            remove(app)


def resource_name(app: str, tag: str) -> str:
    """The Ray resource only this service's containers of this image offer."""
    return f"sqlgate_image_{tag}_{hashlib.sha256(app.encode()).hexdigest()[:8]}"


def _client() -> docker.DockerClient:
    return docker_engine.client()


def _summaries(label: str) -> list[dict[str, Any]]:
    """Docker's list of containers with `label` (one call: the SDK's high-level list inspects
    each container after listing, and fails on one another process removes meanwhile)."""
    return _client().api.containers(all=True, filters={"label": label})


def _exit_code(status: str) -> int | None:
    found = re.match(r"Exited \((-?\d+)\)", status)
    return int(found.group(1)) if found else None


def listed(app: str) -> list[Container]:
    """The service's containers, oldest first."""
    found = []
    for c in _summaries(f"{LABEL_APP}={app}"):
        created = dt.datetime.fromtimestamp(c.get("Created", 0), dt.UTC)
        found.append(
            Container(
                c["Id"],
                (c.get("Names") or ["/?"])[0].lstrip("/"),
                c.get("State", ""),
                c.get("Image", ""),
                c.get("ImageID", ""),
                created.isoformat(timespec="seconds"),
                _exit_code(c.get("Status", "")),
            )
        )
    return sorted(found, key=lambda c: (c.started_at, c.name))


def apps(prefix: str) -> set[str]:
    """The applications with containers whose name starts with `prefix` (one engine's)."""
    found = set()
    for c in _summaries(LABEL_APP):
        app = (c.get("Labels") or {}).get(LABEL_APP, "")
        if app.startswith(prefix):
            found.add(app)
    return found


def _remove(container_id: str) -> None:
    with contextlib.suppress(docker.errors.NotFound):
        _client().api.remove_container(container_id, force=True)


def remove(app: str) -> int:
    """Remove every container of the service (running or not); how many there were."""
    containers = _summaries(f"{LABEL_APP}={app}")
    for c in containers:
        _remove(c["Id"])
    return len(containers)


def gpu_problem(gpus: int) -> str | None:
    """Why the Docker engine cannot give a container `gpus` GPUs, or None when it can (it has
    the NVIDIA runtime, which device requests need)."""
    if not gpus:
        return None
    runtimes = _client().info().get("Runtimes") or {}
    if "nvidia" in runtimes:
        return None
    return (
        f"GPU_REQUESTS = {gpus} but the Docker engine on this machine has no GPU runtime"
        f" (runtimes: {', '.join(sorted(runtimes)) or 'none'}); run the gateway where Docker"
        " has the NVIDIA container toolkit, or drop GPU_REQUESTS"
    )


def _auth() -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    """The environment and mounts that let a node join a cluster with token authentication."""
    mode = os.environ.get("RAY_AUTH_MODE")
    environment = {"RAY_AUTH_MODE": mode} if mode else {}
    if mode == "disabled":
        return environment, {}
    token = os.environ.get("RAY_AUTH_TOKEN_PATH") or str(Path.home() / ".ray" / "auth_token")
    if os.environ.get("RAY_AUTH_TOKEN"):  # given inline to the gateway: only so it can pass on
        return {**environment, "RAY_AUTH_TOKEN": os.environ["RAY_AUTH_TOKEN"]}, {}
    if not Path(token).is_file():
        return environment, {}
    environment["RAY_AUTH_TOKEN_PATH"] = TOKEN_IN_CONTAINER
    return environment, {token: {"bind": TOKEN_IN_CONTAINER, "mode": "ro"}}


def join_command(address: str, resource: str, gpus: int) -> list[str]:
    return [
        "ray",
        "start",
        f"--address={address}",
        f"--resources={json.dumps({resource: 1})}",
        "--num-cpus=0",
        f"--num-gpus={gpus}",
        f"--object-store-memory={OBJECT_STORE_BYTES}",
        # random ports: several nodes share the host's network
        "--min-worker-port=0",
        "--max-worker-port=0",
        "--dashboard-agent-listen-port=0",
        "--disable-usage-stats",
        "--block",
    ]


def start(
    app: str, image: str, resource: str, address: str, gpus: int, log_dir: str, number: int
) -> Any:
    environment, volumes = _auth()
    Path(log_dir).mkdir(parents=True, exist_ok=True)
    volumes = {**volumes, log_dir: {"bind": log_dir, "mode": "rw"}}
    name = f"sqlgate-{hashlib.sha256(app.encode()).hexdigest()[:10]}-{number}-{os.urandom(2).hex()}"
    options: dict[str, Any] = {}
    if gpus:
        options["device_requests"] = [
            docker.types.DeviceRequest(count=gpus, capabilities=[["gpu"]])
        ]
    try:
        return _client().containers.run(
            image,
            join_command(address, resource, gpus),
            name=name,
            detach=True,
            network_mode="host",
            shm_size=SHM_SIZE,
            # the image's own check asks its HTTP server, which a Ray node does not run
            healthcheck={"Test": ["NONE"]},
            user=f"{os.getuid()}:{os.getgid()}",
            environment=environment,
            volumes=volumes,
            labels={LABEL_APP: app, LABEL_RESOURCE: resource},
            **options,
        )
    except docker.errors.APIError as e:  # created but not started (no `ray` in the image, ...)
        with contextlib.suppress(docker.errors.APIError):
            _client().api.remove_container(name, force=True)
        raise ContainerStartError(
            f"Container {name} of image {image} could not start: {e.explanation or e}"
        ) from None


def _tail(container_id: str) -> str:
    with contextlib.suppress(docker.errors.DockerException):
        container = _client().containers.get(container_id)
        return container.logs(tail=LOG_LINES * 4).decode(errors="replace")
    return ""


def ensure(
    app: str,
    image: str,
    resource: str,
    count: int,
    address: str,
    gpus: int,
    log_dir: str,
    history: History,
) -> None:
    """Bring the service's containers to `count` running ones of `image`: remove those of
    another image (a new version) and those that exited, replacing the latter. A container that
    exited before its Ray node started sets `history.failure`; nothing is started again for
    that image until the failure is cleared (a new spec, RESUME)."""
    if history.failure is not None and history.failed_image == image:
        remove(app)
        return
    running = 0
    for c in listed(app):
        if c.image != image:
            _remove(c.id)
            continue
        if c.status in ("running", "created", "restarting"):
            running += 1
            continue
        logs = _tail(c.id)
        _remove(c.id)
        if RAY_STARTED not in logs:
            lines = [line for line in logs.splitlines() if line.strip()][-LOG_LINES:]
            history.failure = (
                f"Container {c.name} of image {image} exited at start (exit code"
                f" {c.exit_code}); its last lines:\n" + "\n".join(lines)
            )
            history.failed_image = image
            history.last_exit_code = c.exit_code
            remove(app)
            return
        history.restarts += 1
        history.last_exit_code = c.exit_code
        history.last_restart = c.started_at
    from sqlgate.executors import ray_serve

    if ray_serve.started_here():
        _embedded.add(app)
    for number in range(running, count):
        try:
            start(app, image, resource, address, gpus, log_dir, number)
        except ContainerStartError as e:
            history.failure, history.failed_image = e.message, image
            remove(app)
            return
    if running > count:  # fewer instances now (ALTER SERVICE): the newest go
        for c in listed(app)[count:]:
            _remove(c.id)

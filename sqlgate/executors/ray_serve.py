"""Services on Ray Serve, through Serve's public API: one application per service, one deployment
(runtime/replica.py) loading the version it hosts.

Ray is process-wide, so this module keeps one connection per process, shared by every engine:
- `SQLGATE_RAY_ADDRESS` set: ray.init(address=...) joins that cluster;
- otherwise the first service that needs Ray starts a local one (the embedded default): no
  dashboard, a short temp dir of its own (/tmp/sqlgate-ray-<key>, so several sqlgate homes or
  test runs on one machine never share sockets) and ports Ray picks free.
  `SQLGATE_RAY_NUM_CPUS` overrides the logical CPUs it advertises (Ray's scheduling tokens).
Serve runs with no HTTP proxy at all: the gateway calls deployments through handles, and the
ingress is the gateway's own HTTP server. Ray's own processes cannot be held to 127.0.0.1:
Ray 2.60 turns a loopback node address into the machine's reachable one
(services.resolve_ip_for_localhost) and its gRPC servers listen on every interface; its token
authentication (on by default in 2.60, as its start-up log says) is what guards them.

Applications are named `sqlgate-<engine key>-<DB>.<SCHEMA>.<SERVICE>`: the key (a hash of the
data directory, or random for an in-memory engine) keeps two homes on one cluster apart.
"""

from __future__ import annotations

import collections
import contextlib
import hashlib
import logging
import os
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa

from sqlgate.errors import SqlgateError

RAY_ADDRESS_ENV = "SQLGATE_RAY_ADDRESS"
RAY_NUM_CPUS_ENV = "SQLGATE_RAY_NUM_CPUS"
# how long a call waits for a service to come up (first call after RESUME / auto-resume)
START_TIMEOUT_S = float(os.environ.get("SQLGATE_SERVICE_START_TIMEOUT", "600"))
# how long a call keeps retrying back-pressure (queue full) and replicas that went away
CALL_TIMEOUT_S = float(os.environ.get("SQLGATE_SERVICE_CALL_TIMEOUT", "600"))
DEPLOYMENT = "model"

log = logging.getLogger(__name__)
# retries by cause (BackPressureError, ActorDiedError, ...): what the bounded queues and
# replacements cost callers, for tests and diagnostics
RETRIES: collections.Counter[str] = collections.Counter()
# calls by the way they reached the replica ("direct" or "by reference", see _Handles)
CALLS: collections.Counter[str] = collections.Counter()


class ServiceUnavailable(SqlgateError):
    sqlstate = "57P03"


@dataclass(frozen=True)
class Spec:
    """Everything Serve needs to run one service; equal specs need no redeploy."""

    app: str
    directory: str  # the version's artifact directory
    label: str  # "DB.S.M version V1"
    version: str
    artifact: str
    min_instances: int
    max_instances: int
    num_cpus: float
    num_gpus: float
    max_ongoing: int
    max_queued: int
    log_dir: str
    # a service in its model's image: the Ray resource its containers offer, and the image
    resources: tuple[tuple[str, float], ...] = ()
    image: str | None = None


@dataclass
class AppState:
    status: str  # RUNNING, DEPLOYING, DEPLOY_FAILED, UNHEALTHY, DELETING, NOT_STARTED, MISSING
    message: str = ""
    replicas: dict[str, int] = field(default_factory=dict)  # replica state -> count

    @property
    def running(self) -> int:
        return self.replicas.get("RUNNING", 0)


# --- the process's Ray ------------------------------------------------------------------------

_ray_lock = threading.Lock()
_ray_started_here = False
# serve.run and serve.delete one at a time: Serve's client is not thread-safe (concurrent runs
# race on cloudpickle's by-value registry), and a delete during a run leaves that run waiting
_serve_lock = threading.Lock()


def ray_ready() -> bool:
    """Whether this process is connected to Ray already (SHOW must not start Ray)."""
    import sys

    if "ray" not in sys.modules:
        return False
    import ray

    return ray.is_initialized()


_RAY_STARTER = ThreadPoolExecutor(1, thread_name_prefix="sqlgate-ray-start")


def ensure_ray(key: str) -> None:
    """Connect to Ray (starting a local one if no address is set) and start Serve, once."""
    global _ray_started_here
    with _ray_lock:
        import ray
        from ray import serve

        if not ray.is_initialized():
            address = os.environ.get(RAY_ADDRESS_ENV)
            common: dict[str, Any] = {
                "namespace": "sqlgate",
                "log_to_driver": False,
                "logging_level": logging.WARNING,
            }
            if address:
                log.warning("sqlgate: connecting to the Ray cluster at %s", address)
                ray.init(address=address, **common)
            else:
                temp = Path(tempfile.gettempdir()) / f"sqlgate-ray-{key[:8]}"
                cpus = os.environ.get(RAY_NUM_CPUS_ENV)
                log.warning("sqlgate: starting a local Ray (first service; ~10-30 s)")
                # Ray starts its node processes with PR_SET_PDEATHSIG, which fires when the
                # *thread* that started them exits: started from a request or reconcile thread,
                # the whole local Ray was killed when that thread ended. One thread that lives
                # as long as the process starts it instead.
                _RAY_STARTER.submit(
                    ray.init,
                    _temp_dir=str(temp),
                    include_dashboard=False,
                    num_cpus=int(cpus) if cpus else None,
                    **common,
                ).result()
                _ray_started_here = True
            serve.start(proxy_location="Disabled", logging_config={"log_level": "WARNING"})


def started_here() -> bool:
    """Whether this process started the Ray it uses (the embedded one), which ends with it."""
    return _ray_started_here


def gcs_address() -> str:
    """Where a node joining this process's Ray cluster connects (`ray start --address`)."""
    import ray

    return str(ray.get_runtime_context().gcs_address)


def cluster_resources() -> dict[str, float]:
    import ray

    return dict(ray.cluster_resources())


def shutdown() -> None:
    """Stop Serve and Ray if this process started them (tests, the CLI at exit)."""
    global _ray_started_here
    with _ray_lock:
        if not ray_ready():
            return
        import ray
        from ray import serve

        if _ray_started_here:
            with contextlib.suppress(Exception):
                serve.shutdown()
            ray.shutdown()
            _ray_started_here = False


# --- applications -------------------------------------------------------------------------------


def app_name(key: str, service: str) -> str:
    return f"sqlgate-{key}-{service}"


def engine_key(home: Path | None) -> str:
    if home is None:
        return os.urandom(4).hex()
    return hashlib.sha256(str(home.resolve()).encode()).hexdigest()[:8]


def deploy(spec: Spec) -> None:
    """Start or update the application without waiting for it: Serve rolls the replicas, and
    old ones serve until new ones are ready, so an update loses no request."""
    from ray import serve

    from sqlgate.runtime.replica import ModelReplica

    options: dict[str, Any] = {
        "name": DEPLOYMENT,
        "ray_actor_options": {
            "num_cpus": spec.num_cpus,
            "num_gpus": spec.num_gpus,
            **({"resources": dict(spec.resources)} if spec.resources else {}),
        },
        "max_ongoing_requests": spec.max_ongoing,
        "max_queued_requests": spec.max_queued,
        "health_check_period_s": 5,
        "graceful_shutdown_timeout_s": 5,
    }
    if spec.min_instances == spec.max_instances:
        options["num_replicas"] = spec.min_instances
    else:
        options["autoscaling_config"] = {
            "min_replicas": spec.min_instances,
            "max_replicas": spec.max_instances,
            "target_ongoing_requests": max(1, spec.max_ongoing // 2),
            "upscale_delay_s": 3,
            "downscale_delay_s": 30,
        }
    deployment = serve.deployment(ModelReplica).options(**options)
    app = deployment.bind(spec.directory, spec.label, spec.version, spec.log_dir)
    with _serve_lock:
        # submitted, not awaited: serve.run would wait for the replicas while holding the lock,
        # and a service Ray cannot place (too few CPUs) then blocked every other deploy and
        # DROP; readiness is read from Serve's status instead (Services.status)
        serve.run_many(
            [serve.RunTarget(app, name=spec.app, route_prefix=None)],
            wait_for_ingress_deployment_creation=False,
            wait_for_applications_running=False,
        )


def deploy_in_background(spec: Spec, done: Callable[[BaseException | None], None]) -> None:
    """Submitting an application waits on the Serve controller; a statement must not."""

    def run() -> None:
        try:
            deploy(spec)
        except BaseException as e:
            done(e)
        else:
            done(None)

    threading.Thread(target=run, name=f"deploy-{spec.app}", daemon=True).start()


def delete(app: str) -> None:
    if not ray_ready():
        return
    from ray import serve

    _handles.pop(app, None)
    with _serve_lock:
        serve.delete(app, _blocking=True)


def states() -> dict[str, AppState]:
    """Every application's state (one call to the Serve controller)."""
    if not ray_ready():
        return {}
    from ray import serve

    found: dict[str, AppState] = {}
    for name, app in serve.status().applications.items():
        deployment = app.deployments.get(DEPLOYMENT)
        replicas = {
            str(k.value if hasattr(k, "value") else k): v
            for k, v in (deployment.replica_states.items() if deployment else [])
        }
        message = app.message or (deployment.message if deployment else "")
        status = app.status.value if hasattr(app.status, "value") else str(app.status)
        found[name] = AppState(status, message, replicas)
    return found


def replica_ids(app: str) -> list[str]:
    """The live replicas of an application, from their named actors (no dashboard needed)."""
    if not ray_ready():
        return []
    import ray

    prefix = f"SERVE_REPLICA::{app}#{DEPLOYMENT}#"
    return [
        a["name"].removeprefix(prefix)
        for a in ray.util.list_named_actors(all_namespaces=True)
        if a["name"].startswith(prefix)
    ]


# --- calls ------------------------------------------------------------------------------------


# Serve sends a call to a replica one of two ways. By reference (its default) the arguments go
# through Ray's object store: the cheap way for big Arrow batches (a 122,880 x 8 double batch:
# ~19 ms echoed, against ~44 ms the other way). Otherwise Serve's router calls the replica's own
# gRPC server with the pickled arguments, which halves a small call's latency (one row: ~2 ms of
# ~4.5 here), but Serve caps those messages at 4 MiB. Batches up to this size go that way.
DIRECT_CALL_MAX_BYTES = 256 << 10


@dataclass(frozen=True)
class _Handles:
    by_reference: Any  # DeploymentHandle
    direct: Any  # the same, options(_by_reference=False)

    def fitting(self, inputs: pa.Table) -> Any:
        if inputs.nbytes <= DIRECT_CALL_MAX_BYTES:
            CALLS["direct"] += 1
            return self.direct
        CALLS["by reference"] += 1
        return self.by_reference


_handles: dict[str, _Handles] = {}  # application -> its handles


def _handles_of(app: str) -> _Handles:
    handles = _handles.get(app)
    if handles is None:  # asking the controller for a handle costs a round trip: kept
        from ray import serve

        handle = serve.get_app_handle(app)
        handles = _handles[app] = _Handles(handle, handle.options(_by_reference=False))
    return handles


def call(app: str, function: str, on_error: str, inputs: pa.Table) -> Any:
    """One batch through the application's handle. Back-pressure (the bounded queue is full)
    and replicas that went away mid-call (killed, rolled) are retried with backoff for up to
    CALL_TIMEOUT_S; a model's own errors are not retried."""
    from ray import exceptions as ray_errors
    from ray.serve.exceptions import BackPressureError, DeploymentUnavailableError

    retryable = (
        BackPressureError,
        DeploymentUnavailableError,
        ray_errors.ActorDiedError,
        ray_errors.ActorUnavailableError,
        ray_errors.RayActorError,
    )
    deadline = time.monotonic() + CALL_TIMEOUT_S
    delay = 0.01
    last: BaseException | None = None
    while time.monotonic() < deadline:
        try:
            handle = _handles_of(app).fitting(inputs)
            return handle.remote(function, on_error, inputs).result(
                timeout_s=max(1.0, deadline - time.monotonic())
            )
        except retryable as e:
            last = e
        except ray_errors.RayTaskError as e:
            if not isinstance(e.cause, retryable):
                raise
            last = e.cause
        except Exception as e:  # a direct call's channel failed (the replica went away)
            if not _channel_failed(e):
                raise
            last = e
        _handles.pop(app, None)  # a rolled or redeployed application: ask again
        RETRIES[type(last).__name__] += 1
        time.sleep(delay)
        delay = min(delay * 2, 1.0)
    raise ServiceUnavailable(
        f"The service did not accept a batch within {CALL_TIMEOUT_S:.0f} s"
        f" (SQLGATE_SERVICE_CALL_TIMEOUT): {last}"
    )


def _channel_failed(error: Exception) -> bool:
    """Whether a direct call failed in gRPC itself (a replica stopped or was replaced between
    Serve's routing and the call), not in the model: such a call is retried."""
    import grpc

    return isinstance(error, grpc.RpcError) and error.code() in (
        grpc.StatusCode.UNAVAILABLE,
        grpc.StatusCode.CANCELLED,
    )


@contextlib.contextmanager
def quiet_serve() -> Iterator[None]:
    """Serve logs a line per deploy at INFO on the driver; keep the REPL's output clean."""
    logger = logging.getLogger("ray.serve")
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(level)

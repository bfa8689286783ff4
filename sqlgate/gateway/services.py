"""An engine's services: the catalog is the desired state, Ray Serve the actual one, and
`reconcile` brings actual to desired. It runs on engine start (in the background: Ray takes
tens of seconds to start), after every service statement, and from a watcher thread that also
follows aliases (a service created FOR MODEL m VERSION <alias> rolls to wherever the alias
moves) and suspends services idle for AUTO_SUSPEND_SECS.

A service can run its replicas in its model version's image (RUN_IN_IMAGE, or because the
gateway's environment lacks a requirement of the model): reconcile then builds the image in the
background (the service PENDING meanwhile, FAILED if the build fails), starts the containers
that join Ray as worker nodes (executors/service_containers.py) and deploys replicas that ask
for the resource only those nodes offer; the watcher replaces containers that die.

Compute pools are capacity: an instance occupies one node of its pool, and a service reserves
MAX_INSTANCES nodes, so the services of a pool fit within MAX_NODES or wait, PENDING, with a
status message saying why. Each instance asks Ray for the pool's INSTANCE_FAMILY (vCPUs, GPUs),
scaled down to what the Ray cluster has: DESCRIBE SERVICE shows both.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
import typing as t
import weakref
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa

from sqlgate.errors import InvalidValue, SqlgateError
from sqlgate.executors import ray_serve, service_containers
from sqlgate.gateway.names import ObjectName
from sqlgate.images import context as contexts
from sqlgate.registry import store

if t.TYPE_CHECKING:
    from sqlgate.gateway.engine import Engine

log = logging.getLogger(__name__)

DEFAULT_MAX_BATCH_ROWS = 131_072  # per Ray call: ~10 ms of Serve overhead per call vanishes
WATCH_PERIOD_S = 2.0
ANSWERED_RECENTLY_S = 2.0  # a service that answered this recently is taken to be serving
REDEPLOY_AFTER_S = 20.0  # an application Serve has not registered by then is deployed again
CONTAINER = "model-inference"  # the container name Snowflake Model Serving uses


class ServiceSuspended(SqlgateError):
    sqlstate = "57P01"


class EngineGone(RuntimeError):
    """The engine was freed while its services' background work still ran."""


@dataclass
class Plan:
    """What one service should be, given its pool and the other services of the pool."""

    row: dict
    fits: bool
    message: str
    spec: ray_serve.Spec | None = None
    failed: bool = False  # it cannot run as it is (its image does not build, ...): FAILED


@dataclass
class _Live:
    """What this process knows of an application beyond Serve's own status."""

    spec: ray_serve.Spec | None = None
    deploying: bool = False
    deploy_started: float = 0.0
    error: str | None = None
    last_call: float = field(default_factory=time.monotonic)
    last_answer: float = 0.0  # when a call last got an answer from the application


@dataclass
class _ImageBuild:
    """The image a service in containers runs, built in the background."""

    key: tuple[str, ...]  # model, version, repository, instance family
    status: str = "building"  # building, failed, ready
    build_id: str | None = None  # the MODEL_BUILD_<id> under way
    image: str | None = None
    tag: str | None = None
    message: str = "checking the Docker engine for the image"


def service_name(row: dict) -> ObjectName:
    return ObjectName(row["database_name"], row["schema_name"], row["name"])


def model_name(row: dict) -> ObjectName:
    return ObjectName(row["model_database"], row["model_schema"], row["model_name"])


class Services:
    def __init__(self, engine: Engine) -> None:
        # weakly: an engine nobody closes is then freed when its last user lets go, not by a
        # cyclic GC pass that may run anywhere, even in a forked child (pexpect, subprocess)
        # where freeing its DuckDB connections crashes
        self._engine = weakref.ref(engine)
        self.key = ray_serve.engine_key(engine.home)
        self.log_root = (
            engine.home / "logs" / "services"
            if engine.home is not None
            else engine.models_dir.parent / "service-logs"
        )
        self._lock = threading.RLock()
        self._live: dict[str, _Live] = {}
        self._images: dict[str, _ImageBuild] = {}  # app -> its image (services in containers)
        self._containers: dict[str, service_containers.History] = {}
        self._watcher: threading.Thread | None = None
        self._closed = threading.Event()

    @property
    def engine(self) -> Engine:
        engine = self._engine()
        if engine is None:
            raise EngineGone("the engine of these services has been closed")
        return engine

    # --- catalog reads ------------------------------------------------------------------------
    def rows(self, cur: t.Any = None) -> list[dict]:
        return self.engine.catalog.rows(
            "SELECT * FROM services ORDER BY created_on, database_name, schema_name, name", (), cur
        )

    def row(self, name: ObjectName, cur: t.Any = None) -> dict | None:
        return self.engine.catalog.one(
            "SELECT * FROM services WHERE database_name = ? AND schema_name = ? AND name = ?",
            [name.database, name.schema, name.name],
            cur,
        )

    def app(self, row: dict) -> str:
        return ray_serve.app_name(self.key, str(service_name(row)))

    def log_dir(self, row: dict) -> Path:
        return self.log_root / str(service_name(row))

    # --- planning -----------------------------------------------------------------------------
    def plans(self, cur: t.Any = None) -> dict[str, Plan]:
        """app -> plan, for every service: which fit their pool, and with what resources."""
        catalog = self.engine.catalog
        pools = {p["name"]: p for p in catalog.rows("SELECT * FROM compute_pools", (), cur)}
        families = {f["name"]: f for f in catalog.rows("SELECT * FROM instance_families", (), cur)}
        used: dict[str, list[tuple[str, int]]] = {}
        found: dict[str, Plan] = {}
        for row in self.rows(cur):
            app = self.app(row)
            pool = pools.get(row["compute_pool"])
            if row["state"] == "SUSPENDED":
                found[app] = Plan(row, False, "Service is suspended")
                continue
            if pool is None:
                message = f"Compute pool {row['compute_pool']} does not exist"
                found[app] = Plan(row, False, message)
                continue
            taken = used.setdefault(pool["name"], [])
            in_use = sum(n for _, n in taken)
            need = row["max_instances"]
            if in_use + need > pool["max_nodes"]:
                others = ", ".join(f"{s} ({n})" for s, n in taken) or "none"
                message = (
                    f"Waiting for capacity: compute pool {pool['name']} has MAX_NODES ="
                    f" {pool['max_nodes']} and an instance takes a node; {in_use} are reserved by"
                    f" other services ({others}) and this one needs {need} (MAX_INSTANCES)."
                    " Raise the pool's MAX_NODES, or suspend or drop a service"
                )
                found[app] = Plan(row, False, message)
                continue
            taken.append((row["name"], need))
            found[app] = Plan(row, True, "Running", None)
            found[app].spec = self._spec(row, families.get(pool["instance_family"]), found[app])
        return found

    def _spec(self, row: dict, family: dict | None, plan: Plan) -> ray_serve.Spec | None:
        """The Serve spec (needs the Ray cluster's size, so only once Ray runs)."""
        if not ray_serve.ray_ready():
            return None
        version = self.engine.catalog.one(
            "SELECT artifact FROM model_versions WHERE database_name = ? AND schema_name = ?"
            " AND model_name = ? AND name = ?",
            [row["model_database"], row["model_schema"], row["model_name"], row["version_name"]],
        )
        if version is None:
            plan.fits, plan.message = False, f"Version {row['version_name']} no longer exists"
            return None
        resources = ray_serve.cluster_resources()
        cpus = float(resources.get("CPU", 1))
        gpus = float(resources.get("GPU", 0))
        family_cpus = float(family["vcpu"]) if family else 1.0
        num_cpus = min(family_cpus, cpus)
        wanted_gpus = float(row["gpu_requests"] or 0)
        if wanted_gpus > gpus and not row.get("run_in_image"):  # else its containers bring them
            plan.fits = False
            plan.message = (
                f"Waiting for capacity: GPU_REQUESTS = {row['gpu_requests']} but the Ray cluster"
                f" has {gpus:g} GPUs"
            )
            return None
        workers = row["num_workers"] or (1 if wanted_gpus else int(2 * num_cpus + 1))
        directory = store.resolve(self.engine.models_dir, version["artifact"])
        resources: tuple[tuple[str, float], ...] = ()
        image = None
        if row.get("run_in_image"):
            built = self._image_for(row, family)
            if built is None:
                plan.fits, plan.message = False, self._image_pending(row)
                plan.failed = self._image_pending_failed(row)
                return None
            image = built.image
            resources = ((service_containers.resource_name(self.app(row), str(built.tag)), 1),)
            # the replica takes its container's node; the node offers no CPU to anything else
            num_cpus = 0.0
            directory = Path(contexts.MODEL_DIR)
        return ray_serve.Spec(
            app=self.app(row),
            directory=str(directory),
            label=f"{model_name(row)} version {row['version_name']}",
            version=row["version_name"],
            artifact=version["artifact"],
            min_instances=row["min_instances"],
            max_instances=row["max_instances"],
            num_cpus=num_cpus,
            num_gpus=wanted_gpus,
            max_ongoing=workers,
            max_queued=max(8, 2 * workers * row["max_instances"]),
            log_dir=str(self.log_dir(row)),
            resources=resources,
            image=image,
        )

    # --- images and containers (services in their model's image) ------------------------------
    def _image_for(self, row: dict, family: dict | None) -> _ImageBuild | None:
        """The service's image once built, else None (a build is started, or it failed)."""
        app = self.app(row)
        gpus = int(row["gpu_requests"] or 0)
        family_name = family["name"] if family else None
        key = (
            str(model_name(row)),
            row["version_name"],
            str(row["image_repository"]),
            str(family_name),
        )
        with self._lock:  # one build per service, whichever thread plans first
            state = self._images.get(app)
            if state is not None and state.key == key:
                if state.status != "ready":
                    return None
                history = self._containers.get(app)
                if history is not None and history.failure and history.failed_image == state.image:
                    return None
                return state
            python = self._python_problem(row)
            if python is not None:  # before building: its containers could not join Ray
                self._images[app] = _ImageBuild(key, "incompatible", message=python)
                return None
            problem = service_containers.gpu_problem(gpus)
            if problem is not None:  # before building: the image would be of no use here
                self._images[app] = _ImageBuild(key, "waiting", message=problem)
                return None
            state = self._images[app] = _ImageBuild(key)
            self._start_build(app, row, family_name, state)
            return None

    def _python_problem(self, row: dict) -> str | None:
        """A Ray node must run the head's Python minor version (and its Ray: the image pins
        the gateway's); the image's Python is the one the model was logged with."""
        import sys

        version = self.engine.catalog.one(
            "SELECT python_version FROM model_versions WHERE database_name = ? AND"
            " schema_name = ? AND model_name = ? AND name = ?",
            [row["model_database"], row["model_schema"], row["model_name"], row["version_name"]],
        )
        logged = version["python_version"] if version else None
        mine = f"{sys.version_info.major}.{sys.version_info.minor}"
        if logged and logged != mine:
            return (
                f"Model {model_name(row)} version {row['version_name']} was logged with Python"
                f" {logged}; its image runs that Python, and Ray nodes must run the gateway's"
                f" ({mine}). Log the model with Python {mine}"
            )
        return None

    def _image_pending(self, row: dict) -> str:
        app = self.app(row)
        state = self._images.get(app)
        history = self._containers.get(app)
        if state is None:
            return "Building image"
        if state.status == "waiting":
            return f"Waiting for capacity: {state.message}"
        if state.status == "incompatible":
            return state.message
        if state.status == "failed":
            message = state.message.removeprefix(f"{state.build_id} failed: ")
            return f"Building image {state.build_id or ''} failed: {message}".replace("  ", " ")
        if state.status == "ready" and history is not None and history.failure:
            return history.failure
        return f"Building image {state.build_id or ''} ({state.message})".replace("  ", " ")

    def _image_pending_failed(self, row: dict) -> bool:
        state = self._images.get(self.app(row))
        return state is not None and state.status in ("failed", "ready", "incompatible")

    def _start_build(self, app: str, row: dict, family: str | None, state: _ImageBuild) -> None:
        from sqlgate.executors.docker_build import build_service_image
        from sqlgate.gateway.session import Session

        repository = ObjectName(*str(row["image_repository"]).split(".", 2))
        integrations = json.loads(row.get("external_access_integrations") or "[]")
        session = Session(self.engine)
        model, version = model_name(row), row["version_name"]

        def progress(line: str) -> None:
            found = re.match(r"(MODEL_BUILD_[0-9A-F]+): (.*)", line)
            if found:
                state.build_id, state.message = found.group(1), found.group(2)[:200]

        def run() -> None:
            try:
                built = build_service_image(
                    session,
                    model,
                    version,
                    repository,
                    external_access_integrations=integrations,
                    instance_family=family,
                    progress=progress,
                )
            except Exception as e:
                message = e.message if isinstance(e, SqlgateError) else f"{type(e).__name__}: {e}"
                state.status, state.message = "failed", message
                log.warning("sqlgate: building the image of %s failed: %s", app, message)
            else:
                state.image, state.tag, state.status = built.image, built.tag, "ready"
            if self._closed.is_set():
                return
            try:
                self.reconcile()
            except Exception as e:  # the watcher tries again
                log.debug("sqlgate: reconcile after the build of %s: %s", app, e)

        threading.Thread(target=run, name=f"build-{app}", daemon=True).start()

    def _reconcile_containers(self, plans: dict[str, Plan]) -> None:
        """Containers for the services in images that should run; none for the others."""
        wanted = {
            app: plan
            for app, plan in plans.items()
            if plan.fits and plan.spec is not None and plan.spec.image
        }
        if not wanted and not self._containers:
            return  # no Docker needed (nor reachable, perhaps)
        for app, plan in plans.items():
            if plan.row["state"] == "SUSPENDED":  # RESUME builds and starts afresh
                self._images.pop(app, None)
                self._containers.pop(app, None)
        for app, plan in wanted.items():
            spec = t.cast(ray_serve.Spec, plan.spec)
            history = self._containers.setdefault(app, service_containers.History())
            service_containers.ensure(
                app,
                t.cast(str, spec.image),
                spec.resources[0][0],
                spec.max_instances,
                ray_serve.gcs_address(),
                int(spec.num_gpus),
                spec.log_dir,
                history,
            )
        for app in service_containers.apps(ray_serve.app_name(self.key, "")):
            if app not in wanted:
                service_containers.remove(app)
        for app in list(self._containers):
            if app not in plans:
                self._containers.pop(app, None)

    def image(self, row: dict) -> str | None:
        """The image a service in containers runs (None: in the gateway's environment, or not
        built yet)."""
        state = self._images.get(self.app(row))
        return state.image if state is not None and state.status == "ready" else None

    def containers(self, row: dict) -> tuple[list[service_containers.Container], t.Any]:
        """The service's containers and what the executor remembers of them."""
        app = self.app(row)
        history = self._containers.get(app) or service_containers.History()
        return service_containers.listed(app), history

    def resources_note(self, row: dict) -> dict[str, t.Any]:
        """What DESCRIBE shows about the resources an instance gets, scaling included."""
        pool = self.engine.catalog.one(
            "SELECT p.instance_family, f.vcpu, f.memory_gib, f.gpus FROM compute_pools p"
            " JOIN instance_families f ON f.name = p.instance_family WHERE p.name = ?",
            [row["compute_pool"]],
        )
        note: dict[str, t.Any] = {}
        if pool is None:
            return note
        note["instance_family"] = {
            "name": pool["instance_family"],
            "vcpu": pool["vcpu"],
            "memory_gib": pool["memory_gib"],
            "gpus": pool["gpus"],
        }
        plan = self.plans().get(self.app(row)) if ray_serve.ray_ready() else None
        if plan is not None and plan.spec is not None:
            spec = plan.spec
            note["ray_actor_options"] = {"num_cpus": spec.num_cpus, "num_gpus": spec.num_gpus}
            if spec.image:  # replicas in the model's image, on its containers' Ray nodes
                note["ray_actor_options"]["resources"] = dict(spec.resources)
                note["image"] = spec.image
            note["max_ongoing_requests"] = spec.max_ongoing
            note["max_queued_requests"] = spec.max_queued
            if spec.num_cpus < pool["vcpu"] and not spec.image:
                note["scaled_down"] = (
                    f"{pool['instance_family']} has {pool['vcpu']} vCPUs per node; this Ray"
                    f" cluster has {spec.num_cpus:g}, so each instance gets {spec.num_cpus:g}"
                )
        return note

    # --- reconcile ----------------------------------------------------------------------------
    def needs_ray(self) -> bool:
        return any(r["state"] == "RUNNING" for r in self.rows())

    def reconcile(self) -> None:
        """Bring Ray Serve to the catalog: deploy what should run, delete what should not."""
        with self._lock:
            if self.needs_ray():
                ray_serve.ensure_ray(self.key)
            if not ray_serve.ray_ready():
                return
            plans = self.plans()
            for app, plan in plans.items():
                live = self._live.setdefault(app, _Live())
                if plan.fits and plan.spec is not None:
                    if live.spec != plan.spec and not live.deploying:
                        self._deploy(app, plan.spec, live)
                elif live.spec is not None or app in ray_serve.states():
                    ray_serve.delete(app)
                    live.spec, live.last_answer = None, 0.0
            # applications of this engine whose service is gone (dropped while we were down)
            prefix = ray_serve.app_name(self.key, "")
            for app in ray_serve.states():
                if app.startswith(prefix) and app not in plans:
                    ray_serve.delete(app)
                    self._live.pop(app, None)
            self._reconcile_containers(plans)
            self._start_watcher()

    def _deploy(self, app: str, spec: ray_serve.Spec, live: _Live) -> None:
        live.deploying, live.error = True, None
        live.deploy_started = time.monotonic()

        def done(error: BaseException | None) -> None:
            with self._lock:
                live.deploying = False
                if error is None:
                    live.spec = spec
                else:
                    live.error = f"{type(error).__name__}: {error}"
                    log.warning("sqlgate: deploying %s failed: %s", app, live.error)

        Path(spec.log_dir).mkdir(parents=True, exist_ok=True)
        ray_serve.deploy_in_background(spec, done)

    def reconcile_in_background(self) -> None:
        def run() -> None:
            try:
                self.reconcile()
            except Exception as e:  # start-up must not fail on Ray; statuses will say why
                log.warning("sqlgate: reconciling services failed: %s", e)

        threading.Thread(target=run, name="sqlgate-reconcile", daemon=True).start()

    def forget(self, row: dict) -> None:
        """DROP SERVICE: delete the application now."""
        app = self.app(row)
        with self._lock:
            ray_serve.delete(app)
            self._live.pop(app, None)
            self._images.pop(app, None)
            if self._containers.pop(app, None) is not None or row.get("run_in_image"):
                service_containers.remove(app)

    # --- status -------------------------------------------------------------------------------
    def status(
        self, row: dict, plans: dict[str, Plan] | None = None, states: dict | None = None
    ) -> tuple[str, str, int]:
        """(status, message, running instances) as SHOW SERVICES reports them."""
        app = self.app(row)
        if row["state"] == "SUSPENDED":
            return "SUSPENDED", "Service is suspended", 0
        plans = plans if plans is not None else self.plans()
        plan = plans.get(app)
        if plan is not None and not plan.fits:
            return "FAILED" if plan.failed else "PENDING", plan.message, 0
        states = states if states is not None else ray_serve.states()
        state = states.get(app)
        live = self._live.get(app)
        failed = live.error if live is not None and live.error and not live.deploying else None
        if state is not None and state.running:  # serving, perhaps while rolling or scaling
            message = "Running" if state.status == "RUNNING" else state.message or "Updating"
            return (
                "RUNNING",
                f"{message} (last update failed: {failed})" if failed else message,
                (state.running),
            )
        if failed:
            return "FAILED", failed, 0
        if state is None:
            return "PENDING", "Waiting for Ray Serve to start the service", 0
        if state.status in ("DEPLOY_FAILED", "UNHEALTHY"):
            return "FAILED", state.message or state.status, 0
        return "PENDING", state.message or "Starting", 0

    def is_upgrading(self, row: dict, states: dict) -> bool:
        state = states.get(self.app(row))
        return bool(state and state.status == "DEPLOYING" and state.running)

    def instances(self, row: dict) -> list[tuple[str, float]]:
        """(replica id, start time) of the running instances, oldest first: instance i is the
        i-th of them."""
        found = []
        for replica in ray_serve.replica_ids(self.app(row)):
            path = self.log_dir(row) / f"{replica}.log"
            started = path.stat().st_mtime if path.exists() else time.time()
            with_start = _first_line_time(path) or started
            found.append((replica, with_start))
        return sorted(found, key=lambda r: r[1])

    def node_ip(self, row: dict, replica: str) -> str | None:
        """The address of the Ray node the replica runs on, from its first log line."""
        try:
            with (self.log_dir(row) / f"{replica}.log").open(encoding="utf-8") as f:
                first = f.readline()
        except OSError:
            return None
        found = _NODE.search(first)
        return found.group(1) if found else None

    def logs(self, row: dict, instance: str, lines: int | None) -> str:
        instances = self.instances(row)
        replica = None
        if instance.isdigit() and int(instance) < len(instances):
            replica = instances[int(instance)][0]
        elif any(r == instance for r, _ in instances):
            replica = instance
        if replica is None:
            count = len(instances)
            raise InvalidValue(
                f"Service {service_name(row)} has no instance {instance}: it has {count} running"
                + (f" (0 to {count - 1})" if count else "")
            )
        path = self.log_dir(row) / f"{replica}.log"
        text = path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""
        kept = text.splitlines()
        if lines is not None and lines >= 0:
            kept = kept[-lines:] if lines else []
        return "\n".join(kept)[-100_000:]

    # --- calls -------------------------------------------------------------------------------
    def serving(self, name: ObjectName, wait: bool = True) -> dict:
        """The service's row once it can take a call: a suspended service with AUTO_RESUME is
        resumed, and the call waits until an instance is up (START_TIMEOUT_S)."""
        row = self.row(name)
        if row is None:
            raise InvalidValue(f"Service {name} does not exist")
        if row["state"] == "SUSPENDED":
            if not row["auto_resume"]:
                raise ServiceSuspended(
                    f"Service {name} is suspended and AUTO_RESUME = FALSE;"
                    f" ALTER SERVICE {name} RESUME first"
                )
            self.resume(name)
            row = t.cast(dict, self.row(name))
        app = self.app(row)
        live = self._live.setdefault(app, _Live())
        live.last_call = time.monotonic()
        if live.last_call - live.last_answer < ANSWERED_RECENTLY_S:
            # it answered a moment ago: skip asking the Serve controller (tens of milliseconds
            # a call); if it has gone since, the call's own retries find out
            return row
        deadline = time.monotonic() + ray_serve.START_TIMEOUT_S
        reconciled = False
        while True:
            status, message, running = self.status(row)
            if running:
                return row
            if status == "PENDING" and message.startswith("Waiting for capacity"):
                raise ray_serve.ServiceUnavailable(f"Service {name} is PENDING: {message}")
            if status == "FAILED":
                raise ray_serve.ServiceUnavailable(f"Service {name} FAILED: {message}")
            if not wait or time.monotonic() > deadline:
                raise ray_serve.ServiceUnavailable(
                    f"Service {name} is not running after {ray_serve.START_TIMEOUT_S:.0f} s"
                    f" (SQLGATE_SERVICE_START_TIMEOUT): {status}, {message}"
                )
            live = self._live.get(app)
            stuck = (
                live is not None
                and live.deploying
                and app not in ray_serve.states()
                and time.monotonic() - live.deploy_started > REDEPLOY_AFTER_S
            )
            if stuck:  # Serve never registered the application: ask again
                t.cast(_Live, live).deploying = False
                reconciled = False
            if not reconciled:
                self.reconcile()
                reconciled = True
            time.sleep(0.2)

    def resume(self, name: ObjectName) -> None:
        from sqlgate.gateway.result import now

        with self.engine.catalog.write() as cur:
            cur.execute(
                "UPDATE services SET state = 'RUNNING', resumed_on = ?, updated_on = ?"
                " WHERE database_name = ? AND schema_name = ? AND name = ? AND state <> 'RUNNING'",
                [now(), now(), name.database, name.schema, name.name],
            )
            self._resume_pool(cur, name)
        self.reconcile()

    def _resume_pool(self, cur: t.Any, name: ObjectName) -> None:
        """A call that resumes a service resumes its suspended pool (AUTO_RESUME)."""
        from sqlgate.gateway.result import now

        cur.execute(
            "UPDATE compute_pools SET state = 'ACTIVE', resumed_on = ? WHERE state = 'SUSPENDED'"
            " AND auto_resume AND name = (SELECT compute_pool FROM services WHERE"
            " database_name = ? AND schema_name = ? AND name = ?)",
            [now(), name.database, name.schema, name.name],
        )

    def call(self, name: ObjectName, function: str, on_error: str, inputs: pa.Table) -> pa.Array:
        """Score `inputs` with the service, in batches of MAX_BATCH_ROWS."""
        row = self.serving(name)
        app = self.app(row)
        step = row["max_batch_rows"] or DEFAULT_MAX_BATCH_ROWS
        parts = []
        for start in range(0, max(inputs.num_rows, 1), step):
            answer = ray_serve.call(app, function, on_error, inputs.slice(start, step))
            if not isinstance(answer, pa.Array | pa.ChunkedArray):
                from sqlgate.runtime import loaded

                kind = getattr(loaded, answer.kind, SqlgateError)
                raise kind(answer.message)
            parts.append(answer)
        live = self._live.setdefault(app, _Live())
        live.last_call = live.last_answer = time.monotonic()
        if len(parts) == 1:
            return parts[0]
        return pa.concat_arrays(parts)

    def route(self, model: ObjectName, version: str) -> ObjectName | None:
        """The service that hosts `model` version `version` (m!f calls go there), if any."""
        self.follow_aliases()
        hosts = self.engine.catalog.rows(
            "SELECT * FROM services WHERE model_database = ?"
            " AND model_schema = ? AND model_name = ? AND version_name = ?"
            " ORDER BY database_name, schema_name, name",
            [model.database, model.schema, model.name, version],
        )
        if len(hosts) > 1:  # prefer one that can serve now over one waiting for capacity
            plans = self.plans()
            ready = [r for r in hosts if (plan := plans.get(self.app(r))) and plan.fits]
            hosts = ready or hosts
        return service_name(hosts[0]) if hosts else None

    # --- aliases and idle services ---------------------------------------------------------
    def follow_aliases(self) -> bool:
        """Move services that follow an alias to the version it names now; True if any moved."""
        rows = self.engine.catalog.rows(
            "SELECT s.database_name, s.schema_name, s.name, s.version_name,"
            " a.version_name AS aliased FROM services s JOIN model_aliases a"
            " ON a.database_name = s.model_database"
            " AND a.schema_name = s.model_schema AND a.model_name = s.model_name"
            " AND a.alias = s.version_ref WHERE a.version_name <> s.version_name"
        )
        if not rows:
            return False
        from sqlgate.gateway.result import now

        with self.engine.catalog.write() as cur:
            for r in rows:
                cur.execute(
                    "UPDATE services SET version_name = ?, updated_on = ? WHERE database_name = ?"
                    " AND schema_name = ? AND name = ?",
                    [r["aliased"], now(), r["database_name"], r["schema_name"], r["name"]],
                )
        self.reconcile()
        return True

    def suspend_idle(self) -> None:
        from sqlgate.gateway.result import now

        idle = []
        for row in self.rows():
            secs = row["auto_suspend_secs"]
            live = self._live.get(self.app(row))
            running = row["state"] == "RUNNING" and live is not None
            if running and secs and time.monotonic() - live.last_call > secs:
                idle.append(row)
        if not idle:
            return
        with self.engine.catalog.write() as cur:
            for row in idle:
                cur.execute(
                    "UPDATE services SET state = 'SUSPENDED', suspended_on = ? WHERE"
                    " database_name = ? AND schema_name = ? AND name = ?",
                    [now(), row["database_name"], row["schema_name"], row["name"]],
                )
        self.reconcile()

    def _start_watcher(self) -> None:
        if self._watcher is not None:
            return

        def watch() -> None:
            while not self._closed.wait(WATCH_PERIOD_S):
                if self._engine() is None:  # freed without close()
                    return
                if not ray_serve.ray_ready():  # Ray shut down (interpreter exit, tests)
                    continue
                try:
                    self.follow_aliases()
                    self.suspend_idle()
                    # idempotent: deploys what changed while a deploy was in flight, pending
                    # services whose capacity freed up, and failed deploys again
                    self.reconcile()
                except Exception as e:  # the engine may be closing; never kill the process
                    if self._closed.is_set():
                        return
                    log.debug("sqlgate: service watcher: %s", e)

        self._watcher = threading.Thread(target=watch, name="sqlgate-services", daemon=True)
        self._watcher.start()

    def close(self) -> None:
        """Stop watching. An in-memory engine's services go with it; a data directory's keep
        running (its catalog still wants them, and the next start re-attaches)."""
        self._closed.set()
        prefix = ray_serve.app_name(self.key, "")
        if self.engine.home is None and ray_serve.ray_ready():
            for app in ray_serve.states():
                if app.startswith(prefix):
                    ray_serve.delete(app)
        if self.engine.home is None and self._containers:
            with self._lock:
                for app in service_containers.apps(prefix):
                    service_containers.remove(app)
                self._containers.clear()


_NODE = re.compile(r" on node ([^)\s]+)\)")


def _first_line_time(path: Path) -> float | None:
    """The timestamp the replica wrote on its first log line (runtime/replica.py)."""
    import datetime as dt

    try:
        with path.open(encoding="utf-8") as f:
            first = f.readline()
        return dt.datetime.fromisoformat(first.split(" ", 1)[0]).timestamp()
    except (OSError, ValueError):
        return None


def spec_json(row: dict, note: dict[str, t.Any]) -> str:
    spec = {
        "model": str(model_name(row)),
        "version": row["version_name"],
        "version_ref": row["version_ref"],
        "min_instances": row["min_instances"],
        "max_instances": row["max_instances"],
        "gpu_requests": row["gpu_requests"],
        "num_workers": row["num_workers"],
        "max_batch_rows": row["max_batch_rows"] or DEFAULT_MAX_BATCH_ROWS,
        "container": CONTAINER,
        "run_in_image": bool(row.get("run_in_image")),
        "image_repository": row.get("image_repository"),
        **note,
    }
    return json.dumps(spec, sort_keys=True)

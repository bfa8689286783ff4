"""Service ingress: `POST /endpoints/<service>/<method>`, the URL SHOW ENDPOINTS IN SERVICE
reports, answering in the format it was asked in (runtime/protocols.py, shared with the
standalone model image): Snowflake's external-function rows, MLflow's scoring formats, or Arrow.

A caller authenticates with a programmatic access token (`Authorization: Bearer <token>`) or, as
seed 000's example does, with a connector session's token (`Authorization: Snowflake
Token="<session token>"`), and needs USAGE on the service: as in Snowflake, the service is the
one point of access control for its endpoint and its service functions. Rows travel to the
service's replicas as Arrow, one batch per MAX_BATCH_ROWS.

Admission is bounded per service: past `max_in_flight` concurrent requests the answer is 429
with Retry-After at once, rather than a queue that grows until memory runs out; a service that
cannot take the call before its start/call timeouts answers 503.
"""

from __future__ import annotations

import asyncio
import functools
import json
import threading
import time
import typing as t

import pyarrow as pa
from fastapi import APIRouter, HTTPException, Request, Response
from sqlglot import exp

from sqlgate.errors import ObjectNotFound, SqlgateError
from sqlgate.executors import ray_serve
from sqlgate.gateway import access
from sqlgate.gateway.identity import Identity
from sqlgate.gateway.names import ObjectName, qualified
from sqlgate.gateway.services import ServiceSuspended, service_name
from sqlgate.registry.manifest import Function
from sqlgate.runtime import protocols
from sqlgate.runtime.batch import error_field
from sqlgate.server import limits
from sqlgate.server.auth import Sessions, open_session, snowflake_token, token_identity

if t.TYPE_CHECKING:
    from sqlgate.gateway.session import Session

router = APIRouter(tags=["service ingress"])

# Concurrent requests per service beyond which the answer is 429 (each holds its body and its
# result in memory; Serve's own queue behind them is bounded too).
DEFAULT_MAX_IN_FLIGHT = 64
RETRY_AFTER_S = 1


class Admission:
    """A counter of requests in flight per service, refusing past a bound."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._lock = threading.Lock()
        self._in_flight: dict[str, int] = {}

    def enter(self, key: str) -> bool:
        with self._lock:
            count = self._in_flight.get(key, 0)
            if count >= self.limit:
                return False
            self._in_flight[key] = count + 1
            return True

    def leave(self, key: str) -> None:
        with self._lock:
            self._in_flight[key] -= 1


def caller(request: Request) -> tuple[Identity, str | None]:
    """Who calls, and the role their connector session runs as (None: the user's default)."""
    token = snowflake_token(request)
    if token is None:
        return token_identity(request), None
    sessions: Sessions = request.app.state.sessions
    remote = sessions.get(token)
    if remote is None:
        raise HTTPException(
            401,
            "Session token is invalid or has expired; log in again",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return remote.identity, remote.session.role


def _method_name(path: str) -> str:
    """Snowflake's endpoint paths spell `predict_proba` as `predict-proba`; both are accepted."""
    return path.replace("-", "_").lower()


@functools.lru_cache(maxsize=1024)
def _parsed_name(written: str) -> exp.Table | None:
    """The service name in a URL path, parsed once (a fifth of a call's catalog work)."""
    try:
        return exp.to_table(written, dialect="sqlgate")
    except Exception:  # sqlglot's ParseError / TokenError: not a name at all
        return None


def _service(session: Session, written: str) -> tuple[ObjectName, dict]:
    node = _parsed_name(written)
    if node is None:
        raise HTTPException(404, f"'{written}' is not a service name")
    name = qualified(session, node)  # reads the node, never changes it
    key = (name.database, name.schema, name.name)
    try:
        access.require_action(session, "call service", key)
    except ObjectNotFound as e:
        raise HTTPException(404, e.message) from None
    except access.InsufficientPrivileges as e:
        raise HTTPException(403, e.message) from None
    row = session.engine.services.row(name)
    if row is None:
        raise HTTPException(404, f"Service {name} does not exist or not authorized")
    if not row["ingress_enabled"]:
        raise HTTPException(
            404,
            f"Service {name} was created without INGRESS_ENABLED = TRUE, so it has no"
            " HTTP endpoint (SHOW ENDPOINTS IN SERVICE shows its ingress_url when it has one)",
        )
    return name, row


def _function(session: Session, row: dict, method: str) -> Function:
    """The method of the version the service hosts now (an alias may have moved it)."""
    version = session.catalog.one(
        "SELECT functions FROM model_versions WHERE database_name = ? AND schema_name = ?"
        " AND model_name = ? AND name = ?",
        [row["model_database"], row["model_schema"], row["model_name"], row["version_name"]],
    )
    listed = json.loads(version["functions"]) if version else []
    functions = {f["name"].lower(): Function.from_catalog(f) for f in listed}
    function = functions.get(_method_name(method))
    if function is None:
        paths = ", ".join(f"/{f.replace('_', '-')}" for f in sorted(functions))
        raise HTTPException(
            404,
            f"Service {service_name(row)} has no method '{method}'; POST to one of: {paths}",
        )
    return function


def _prepare(request: Request, service: str, method: str) -> tuple[Session, ObjectName, Function]:
    """Who calls, a session for them, the service they may call, and the method asked for."""
    engine = request.app.state.engine
    identity, role = caller(request)
    try:
        session = open_session(engine, identity, role=role)
    except SqlgateError as e:
        raise HTTPException(403, e.message) from None
    try:
        name, row = _service(session, service)
        return session, name, _function(session, row, method)
    except BaseException:
        session.close()
        raise


def _outputs(struct: pa.Array, function: Function) -> pa.Table:
    """The service's STRUCT as a table: the outputs, and the error column only where some row
    failed (the other rows keep their results)."""
    struct = struct.combine_chunks() if isinstance(struct, pa.ChunkedArray) else struct
    names = [o.name for o in function.outputs]
    columns = [struct.field(n) for n in names]
    errors = struct.field(error_field(function))
    if errors.null_count < len(errors):
        return pa.Table.from_arrays([*columns, errors], names=[*names, error_field(function)])
    return pa.Table.from_arrays(columns, names=names)


@router.post(
    "/endpoints/{service}/{method}",
    summary="Call a service's method",
    responses={400: {}, 401: {}, 403: {}, 404: {}, 413: {}, 429: {}, 503: {}},
)
async def call(service: str, method: str, request: Request) -> Response:
    started = time.perf_counter()
    engine = request.app.state.engine
    # one thread hop for the catalog work (authentication first) and one for the call: each
    # hop costs a single-row call a noticeable share of its time
    session, name, function = await asyncio.to_thread(_prepare, request, service, method)
    try:
        try:
            body = await limits.read_body(request)
        except limits.BodyTooLarge as e:
            raise HTTPException(413, e.message) from None
        except limits.MalformedBody as e:
            raise HTTPException(400, str(e)) from None
        try:
            decoded = protocols.decode(body, request.headers.get("content-type"), function.inputs)
        except protocols.ProtocolError as e:
            raise HTTPException(e.status, e.message) from None
        admission: Admission = request.app.state.ingress_admission
        key = str(name)
        if not admission.enter(key):
            raise HTTPException(
                429,
                f"Service {name} has {admission.limit} requests in flight; retry shortly",
                headers={"Retry-After": str(RETRY_AFTER_S)},
            )
        try:
            on_error = session.parameters.get("MODEL_CALL_ON_ERROR")
            struct = await asyncio.to_thread(
                engine.services.call, name, function.name, on_error, decoded.table
            )
        finally:
            admission.leave(key)
    except ServiceSuspended as e:
        raise HTTPException(503, e.message, headers={"Retry-After": "5"}) from None
    except ray_serve.ServiceUnavailable as e:
        raise HTTPException(503, e.message, headers={"Retry-After": "5"}) from None
    except SqlgateError as e:
        raise HTTPException(500, e.message) from None
    finally:
        session.close()
    content, media_type = protocols.encode(decoded, _outputs(struct, function))
    metrics = request.app.state.metrics
    labels = (str(name), function.name)
    metrics.service_rows.labels(*labels, "200").inc(decoded.table.num_rows)
    metrics.service_latency.labels(*labels).observe(time.perf_counter() - started)
    return Response(content, media_type=media_type)

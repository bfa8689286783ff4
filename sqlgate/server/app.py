"""The HTTP server: one FastAPI app on the embedded engine, serving the Snowflake connector
protocol, the SQL API v2 subset, service ingress, /healthz, /metrics and the OpenAPI docs.
Every route that touches data has an auth dependency (tests/server enumerates the routes to
prove it).
"""

from __future__ import annotations

import typing as t
from contextlib import asynccontextmanager

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response

from sqlgate import __version__
from sqlgate.gateway import identity
from sqlgate.gateway.engine import Engine
from sqlgate.server import ingress, metrics, snowflake_protocol, sql_api
from sqlgate.server.auth import MAX_FAILURES, Sessions
from sqlgate.server.limits import DEFAULT_MAX_BODY_BYTES, BodyTooLarge, MalformedBody

# Routes that answer without credentials, by design (everything else must not).
PUBLIC_ROUTES = frozenset(
    {
        "/healthz",
        "/metrics",
        "/openapi.json",
        "/docs",
        "/docs/oauth2-redirect",
        "/redoc",
        "/session/v1/login-request",
        "/session/token-request",  # authenticated by the master token it carries
    }
)


def create_app(
    engine: Engine,
    *,
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    sync_wait_seconds: float = sql_api.SYNC_WAIT_SECONDS,
    max_login_failures: int = MAX_FAILURES,
    ingress_max_in_flight: int = ingress.DEFAULT_MAX_IN_FLIGHT,
) -> FastAPI:
    identity.ensure_admin_password(engine.catalog)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> t.AsyncIterator[None]:
        yield
        app.state.statements.close()
        app.state.sessions.close_all()

    app = FastAPI(
        title="sqlgate",
        version=__version__,
        description="Snowflake-compatible SQL over HTTP for sqlgate's model registry and"
        " services: the Snowflake connector protocol and a subset of the SQL API v2.",
        lifespan=lifespan,
    )
    app.state.engine = engine
    app.state.sessions = Sessions(engine, max_login_failures)
    app.state.statements = sql_api.Statements()
    app.state.metrics = metrics.Metrics()
    app.state.max_body_bytes = max_body_bytes
    app.state.sync_wait_seconds = sync_wait_seconds
    app.state.ingress_admission = ingress.Admission(ingress_max_in_flight)
    app.add_middleware(metrics.MetricsMiddleware)
    app.include_router(snowflake_protocol.router)
    app.include_router(sql_api.router)
    app.include_router(ingress.router)

    @app.exception_handler(BodyTooLarge)
    async def too_large(request: Request, error: BodyTooLarge) -> JSONResponse:
        return JSONResponse({"code": "413", "message": error.message}, status_code=413)

    @app.exception_handler(MalformedBody)
    async def malformed(request: Request, error: MalformedBody) -> JSONResponse:
        return JSONResponse({"code": "400", "message": str(error)}, status_code=400)

    @app.exception_handler(snowflake_protocol.SessionExpired)
    async def expired(request: Request, error: Exception) -> JSONResponse:
        return snowflake_protocol.expired_response()

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, error: HTTPException) -> JSONResponse:
        return JSONResponse(
            {"code": str(error.status_code), "message": error.detail},
            status_code=error.status_code,
            headers=error.headers,
        )

    @app.get("/healthz", tags=["operations"], summary="Liveness and catalog reachability")
    def healthz() -> dict[str, str]:
        engine.catalog.one("SELECT 1 AS ok")
        return {"status": "ok", "version": __version__}

    @app.get(
        "/metrics",
        tags=["operations"],
        summary="Prometheus metrics",
        response_class=PlainTextResponse,  # documents text/plain, Prometheus' text format
    )
    def prometheus() -> Response:
        return app.state.metrics.render()

    return app


def serve(
    engine: Engine,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    log_level: str = "info",
) -> None:
    import uvicorn

    app = create_app(engine, max_body_bytes=max_body_bytes)
    engine.http_address = f"{host}:{port}"
    uvicorn.run(app, host=host, port=port, log_level=log_level, access_log=False)

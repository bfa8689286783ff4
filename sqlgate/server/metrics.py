"""Prometheus metrics per endpoint: requests by status, latency, and SQL errors by code.
Routes are labelled by their path template (/api/v2/statements/{handle}), never the raw path,
so label cardinality stays bounded. The ingress router (another module) adds its per-service
labels through the same middleware: its routes are templates too."""

from __future__ import annotations

import time

from fastapi import Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "sqlgate_http_requests",
            "HTTP requests by endpoint and status",
            ["method", "endpoint", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "sqlgate_http_request_seconds",
            "HTTP request latency by endpoint",
            ["method", "endpoint"],
            registry=self.registry,
            buckets=(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
        )
        self.errors = Counter(
            "sqlgate_http_errors",
            "Requests answered with an error (HTTP >= 400, or a SQL error inside a 200/422)",
            ["method", "endpoint", "code"],
            registry=self.registry,
        )

        self.service_rows = Counter(
            "sqlgate_service_rows",
            "Rows scored through service ingress, by service, method and HTTP status",
            ["service", "method", "status"],
            registry=self.registry,
        )
        self.service_latency = Histogram(
            "sqlgate_service_request_seconds",
            "Service ingress latency by service and method",
            ["service", "method"],
            registry=self.registry,
            buckets=(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
        )

    def render(self) -> Response:
        return Response(generate_latest(self.registry), media_type=CONTENT_TYPE_LATEST)


def endpoint_of(scope: Scope) -> str:
    """The matched route's path template (the router records it in the scope)."""
    route = scope.get("route")
    path = getattr(route, "path_format", None) or getattr(route, "path", None)
    return path or "unmatched"


class MetricsMiddleware:
    """Counts and times every HTTP request. Plain ASGI rather than starlette's
    BaseHTTPMiddleware, whose extra task and body stream per request cost a single-row service
    call a noticeable share of its latency."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500  # unless a response starts: an exception the app did not handle

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            metrics: Metrics = scope["app"].state.metrics
            method, endpoint = scope["method"], endpoint_of(scope)
            metrics.latency.labels(method, endpoint).observe(time.perf_counter() - start)
            metrics.requests.labels(method, endpoint, str(status)).inc()
            # request.state lives in the scope: the SQL routes set sql_error there
            sql_error = scope.get("state", {}).get("sql_error")
            if status >= 400 or sql_error:
                metrics.errors.labels(method, endpoint, sql_error or str(status)).inc()

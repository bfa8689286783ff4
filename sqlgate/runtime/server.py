"""The HTTP server inside a model image (`docker run -p 8080:8080 <image>`), like the one
`mlflow models build-docker` makes: `GET /health`, and `POST /<method>` for each of the model's
functions (`POST /invocations` too, MLflow's path, when the model has one function). Bodies are
read and answered by runtime/protocols.py, exactly as the gateway's service ingress does.

    python -m sqlgate.runtime.server --model /opt/sqlgate/model --port 8080
"""

from __future__ import annotations

import argparse
import asyncio
import os
from pathlib import Path

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sqlgate.runtime import protocols
from sqlgate.runtime.loaded import LoadedModel, ModelCallError

MODEL_DIR = "/opt/sqlgate/model"


def max_body_bytes() -> int:
    return int(os.environ.get("SQLGATE_MAX_BODY_BYTES") or protocols.DEFAULT_MAX_BODY_BYTES)


async def read_body(request: Request, limit: int) -> bytes:
    """The body, refusing (413) as soon as it is known to be over `limit` bytes."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit():
        protocols.check_size(int(declared), limit)
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        protocols.check_size(size, limit)
        chunks.append(chunk)
    return b"".join(chunks)


def error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message, "status": status}, status_code=status)


def create_app(model: LoadedModel, limit: int | None = None) -> Starlette:
    limit = limit or max_body_bytes()
    functions = {f.name.lower(): f for f in model.manifest.functions}

    async def health(_: Request) -> JSONResponse:
        return JSONResponse({"status": "ok", "model": model.label, "functions": sorted(functions)})

    async def call(request: Request) -> Response:
        path = request.path_params["method"].lower()
        if path == "invocations" and len(functions) == 1:
            path = next(iter(functions))
        function = functions.get(path)
        if function is None:
            return error(
                404,
                f"{model.label} has no function '{request.path_params['method']}';"
                f" POST to one of: {', '.join('/' + f for f in sorted(functions))}",
            )
        try:
            body = await read_body(request, limit)
            decoded = protocols.decode(body, request.headers.get("content-type"), function.inputs)
        except protocols.ProtocolError as e:
            return error(e.status, e.message)
        try:
            # the model call is CPU-bound: off the event loop, so /health stays responsive
            outputs = await asyncio.to_thread(model.call, function.name, decoded.table)
        except ModelCallError as e:
            return error(500, e.message)
        content, media_type = protocols.encode(decoded, outputs)
        return Response(content, media_type=media_type)

    return Starlette(
        routes=[
            Route("/health", health, methods=["GET"]),
            Route("/{method}", call, methods=["POST"]),
        ]
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=os.environ.get("SQLGATE_MODEL_DIR", MODEL_DIR))
    parser.add_argument("--host", default="0.0.0.0")  # all interfaces: it runs inside a container
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8080")))
    args = parser.parse_args(argv)
    label = os.environ.get("SQLGATE_MODEL_LABEL") or f"Model in {args.model}"
    model = LoadedModel.load(Path(args.model), label)
    uvicorn.run(create_app(model), host=args.host, port=args.port, log_level="info")


if __name__ == "__main__":
    main()

"""A subset of Snowflake's SQL API v2: POST /api/v2/statements (sync, or async=true → 202 and a
handle), GET /api/v2/statements/{handle} to poll, POST .../cancel. Authentication is a
programmatic access token as a bearer token. Results are `resultSetMetaData` + `data` (jsonv2:
every value a string), or an Arrow IPC stream when the request asks for one with
`Accept: application/vnd.apache.arrow.stream`. A statement still running after the sync wait
answers 202 rather than hold the connection into a proxy timeout.
https://docs.snowflake.com/en/developer-guide/sql-api/reference
"""

from __future__ import annotations

import asyncio
import concurrent.futures as cf
import contextlib
import threading
import time
import typing as t
import uuid
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from sqlgate.errors import SqlgateError
from sqlgate.gateway.identity import Identity
from sqlgate.server import encoding, request_docs, statements
from sqlgate.server.auth import open_session, token_identity
from sqlgate.server.limits import read_json
from sqlgate.server.request_docs import Binding

# every route authenticates its bearer token through the failed-login throttle (auth.Throttle)
router = APIRouter(
    prefix="/api/v2",
    tags=["SQL API v2"],
    responses={
        401: {"description": "no, or no valid, programmatic access token"},
        429: {"description": "too many failed logins from this address; Retry-After"},
    },
)
ARROW = "application/vnd.apache.arrow.stream"
SYNC_WAIT_SECONDS = 45.0  # Snowflake's: longer statements answer 202
KEPT_STATEMENTS = 1000
MAX_TIMEOUT_SECONDS = 604800  # Snowflake's STATEMENT_TIMEOUT_IN_SECONDS maximum (7 days)


class StatementRequest(BaseModel):
    """The fields of Snowflake's StatementRequest that sqlgate honours."""

    statement: str = Field(description="SQL text (one or more statements separated by ;)")
    # Snowflake's bounds: a negative timeout is a bad request, not an instant 408
    timeout: int | None = Field(
        None, ge=0, le=MAX_TIMEOUT_SECONDS, description="seconds; 0 = no timeout"
    )
    database: str | None = None
    schema_: str | None = Field(None, alias="schema")
    warehouse: str | None = None
    role: str | None = None
    bindings: dict[str, Binding] | None = None
    parameters: dict[str, t.Any] | None = None


@dataclass
class Running:
    handle: str
    user: str
    future: cf.Future
    session: t.Any
    created_on: int = field(default_factory=lambda: int(time.time() * 1000))
    timeout: int | None = None
    timed_out: bool = False

    def expire(self) -> None:
        """The statement's `timeout` passed: interrupt it (answered with 408)."""
        if not self.future.done():
            self.timed_out = True
            self.session.interrupt()


class Statements:
    """Statements submitted through the SQL API, by handle (the newest KEPT_STATEMENTS)."""

    def __init__(self, workers: int = 4) -> None:
        self.pool = cf.ThreadPoolExecutor(workers, thread_name_prefix="sqlgate-sql-api")
        self._running: OrderedDict[str, Running] = OrderedDict()
        self._lock = threading.Lock()

    def submit(
        self, user: str, session: t.Any, work: t.Callable[[], t.Any], timeout: int | None = None
    ) -> Running:
        handle = str(uuid.uuid4())
        running = Running(handle, user, self.pool.submit(work), session, timeout=timeout)
        timer = threading.Timer(timeout, running.expire) if timeout else None
        if timer is not None:
            timer.daemon = True
            timer.start()

        def finished(_: cf.Future) -> None:
            if timer is not None:
                timer.cancel()
            session.close()

        running.future.add_done_callback(finished)
        with self._lock:
            self._running[handle] = running
            while len(self._running) > KEPT_STATEMENTS:
                self._running.popitem(last=False)
        return running

    def get(self, handle: str, user: str) -> Running:
        with self._lock:
            running = self._running.get(handle)
        if running is None or running.user != user:  # another user's handle does not exist
            raise HTTPException(404, f"Statement {handle} not found.")
        return running

    def close(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)


Caller = Annotated[Identity, Depends(token_identity)]


def _status_url(handle: str) -> str:
    return f"/api/v2/statements/{handle}"


def _answer(running: Running, request: Request) -> Response:
    future = running.future
    if not future.done():
        return JSONResponse(
            {
                "code": "333334",
                "message": "Asynchronous execution in progress. Use provided query id to"
                " perform query monitoring and management.",
                "statementHandle": running.handle,
                "statementStatusUrl": _status_url(running.handle),
            },
            status_code=202,
        )
    try:
        outcome: statements.Outcome = future.result()
    except cf.CancelledError:
        outcome = None  # type: ignore[assignment]
        error: BaseException | None = None
        failure = statements.Failure("000604", "57014", "SQL execution canceled")
    except Exception as e:
        error, failure = e, statements.failure(e)
    else:
        error = None
    if running.timed_out:
        request.state.sql_error = "000630"
        return JSONResponse(
            {
                "code": "000630",
                "message": f"Statement reached its statement timeout of {running.timeout}"
                " second(s) and was canceled.",
                "sqlState": "57014",
                "statementHandle": running.handle,
                "statementStatusUrl": _status_url(running.handle),
            },
            status_code=408,
        )
    if error is not None or outcome is None:
        request.state.sql_error = failure.code
        return JSONResponse(
            {
                "code": failure.code,
                "message": failure.message,
                "sqlState": failure.sqlstate,
                "statementHandle": running.handle,
                "statementStatusUrl": _status_url(running.handle),
            },
            status_code=422,
        )
    table = outcome.table
    if ARROW in request.headers.get("accept", ""):
        return Response(
            encoding.arrow_ipc(table),
            media_type=ARROW,
            headers={"X-Sqlgate-Statement-Handle": running.handle},
        )
    session = running.session
    rowtype = encoding.rowtype(table.schema, session.database, session.schema)
    return JSONResponse(
        {
            "resultSetMetaData": {
                "numRows": table.num_rows,
                "format": "jsonv2",
                "rowType": rowtype,
                "partitionInfo": [{"rowCount": table.num_rows}],
            },
            "data": encoding.rowset(table, boolean=("true", "false")),
            "code": "090001",
            "statementStatusUrl": _status_url(running.handle),
            "requestId": request.query_params.get("requestId"),
            "sqlState": "00000",
            "statementHandle": running.handle,
            "message": "Statement executed successfully.",
            "createdOn": running.created_on,
            "stats": {"numRowsAffected": outcome.rowcount}
            if outcome.statement_type in statements.DML_TYPES
            else None,
        }
    )


QUERY_ERROR = {"description": "SQL error: code, sqlState, message, statementHandle"}


@router.post(
    "/statements",
    summary="Submit SQL",
    responses={
        202: {"description": "still running"},
        400: {"description": "malformed request body"},
        401: {},
        403: {"description": "the role, database or schema asked for is not usable"},
        408: {"description": "the statement reached its timeout and was cancelled"},
        413: {},
        422: QUERY_ERROR,
    },
    openapi_extra=request_docs.json_body(StatementRequest),
)
async def submit(request: Request, who: Caller) -> Response:
    payload = await read_json(request)
    try:
        body = StatementRequest.model_validate(payload)
    except ValueError as e:
        raise HTTPException(400, f"Malformed statement request: {e}") from None
    engine = request.app.state.engine
    try:
        session = open_session(
            engine, who, role=body.role, database=body.database, schema=body.schema_
        )
    except SqlgateError as e:
        raise HTTPException(403, e.message) from None
    bindings = {k: v.model_dump() for k, v in (body.bindings or {}).items()} or None
    manager: Statements = request.app.state.statements

    def work() -> statements.Outcome:
        return statements.run(session, body.statement, bindings)

    running = manager.submit(who.user, session, work, body.timeout or None)
    if request.query_params.get("async", "").lower() != "true":
        # wait without blocking the event loop; past the sync wait the answer is 202
        waiting = asyncio.shield(asyncio.wrap_future(running.future))
        with contextlib.suppress(Exception):  # TimeoutError, or the statement's own error
            await asyncio.wait_for(waiting, request.app.state.sync_wait_seconds)
    return _answer(running, request)


@router.get(
    "/statements/{handle}",
    summary="A statement's status or result",
    responses={202: {}, 401: {}, 404: {}, 408: {}, 422: QUERY_ERROR},
)
def poll(handle: str, request: Request, who: Caller) -> Response:
    running = request.app.state.statements.get(handle, who.user)
    return _answer(running, request)


@router.post(
    "/statements/{handle}/cancel", summary="Cancel a statement", responses={401: {}, 404: {}}
)
def cancel(handle: str, request: Request, who: Caller) -> JSONResponse:
    running = request.app.state.statements.get(handle, who.user)
    if not running.future.cancel():
        running.session.interrupt()
    return JSONResponse(
        {
            "code": "000604",
            "sqlState": "57014",
            "message": "successfully canceled",
            "statementHandle": handle,
            "statementStatusUrl": _status_url(handle),
        }
    )

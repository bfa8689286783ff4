"""The Snowflake connector protocol (what snowflake-connector-python 4.x, JDBC, ODBC and the
drivers built on them speak): login, queries, heartbeat, token renewal, abort, telemetry and
session close. Reverse-engineered routes and fields: /work/shared/reference/ecosystem.md §1b.

Every response is HTTP 200 with `success` telling the outcome, as the drivers expect; errors
carry Snowflake's six-digit code and SQLSTATE in `data`.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import time
import typing as t
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from sqlgate import __version__
from sqlgate.errors import SqlgateError
from sqlgate.gateway.identity import AuthenticationError, Identity
from sqlgate.server import encoding, request_docs, statements
from sqlgate.server.auth import (
    RemoteSession,
    Sessions,
    client_address,
    new_query_id,
    snowflake_token,
)
from sqlgate.server.limits import read_json

router = APIRouter(tags=["Snowflake connector protocol"])
KEPT_RESULTS = 8  # per session, for get_results_from_sfqid and async polling
SESSION_GONE = "390112"  # Snowflake: "Your session has expired. Please login again."
QUERY_IN_PROGRESS = "333333"  # the drivers' codes for "poll getResultUrl"
QUERY_IN_PROGRESS_ASYNC = "333334"  # the same for a query submitted with asyncExec


def _sessions(request: Request) -> Sessions:
    return request.app.state.sessions


def _fail(code: str, message: str, sqlstate: str = "", query_id: str | None = None) -> JSONResponse:
    return JSONResponse(
        {
            "success": False,
            "code": code,
            "message": message,
            "data": {"errorCode": code, "sqlState": sqlstate, "queryId": query_id},
        }
    )


def _ok(data: dict[str, t.Any] | None = None) -> JSONResponse:
    return JSONResponse({"success": True, "code": None, "message": None, "data": data or {}})


class SessionExpired(Exception):
    pass


def remote_session(request: Request) -> RemoteSession:
    """The dependency every route but login has: a live session token."""
    token = snowflake_token(request)
    remote = _sessions(request).get(token) if token else None
    if remote is None:
        raise SessionExpired()
    return remote


Remote = Annotated[RemoteSession, Depends(remote_session)]


async def _body(request: Request) -> dict[str, t.Any]:
    data = await read_json(request)
    return data if isinstance(data, dict) else {}


@router.post(
    "/session/v1/login-request",
    summary="Log in (password or programmatic token)",
    responses={429: {"description": "too many failed logins from this address; Retry-After"}},
    openapi_extra=request_docs.json_body(request_docs.LoginRequest),
)
async def login(request: Request) -> JSONResponse:
    body = (await _body(request)).get("data")
    if not isinstance(body, dict):  # a fuzzed `"data": 3.2e-273` was a 500
        return _fail("390100", 'Login request needs a "data" object with LOGIN_NAME.', "08001")
    login_name = body.get("LOGIN_NAME")
    if login_name is not None and not isinstance(login_name, str):
        return _fail("390100", "LOGIN_NAME must be a string.", "08001")
    authenticator = str(body.get("AUTHENTICATOR") or "SNOWFLAKE").upper()
    secret = body.get("TOKEN") if authenticator == "PROGRAMMATIC_ACCESS_TOKEN" else None
    secret = secret or body.get("PASSWORD")
    if not isinstance(secret, str) or not secret:
        return _fail("390100", "Incorrect username or password was specified.", "08001")
    sessions = _sessions(request)
    query = request.query_params

    def log_in() -> tuple[Identity, RemoteSession]:  # password hashing: off the event loop
        who = sessions.authenticate(client_address(request), login_name, secret)
        remote = sessions.create(
            who,
            role=query.get("roleName"),
            database=query.get("databaseName"),
            schema=query.get("schemaName"),
        )
        return who, remote

    try:
        who, remote = await run_in_threadpool(log_in)
    except AuthenticationError as e:
        return _fail(f"{e.errno:06d}", e.message, e.sqlstate)
    except SqlgateError as e:
        return _fail(f"{e.errno or 390100:06d}", e.message, e.sqlstate)
    session = remote.session
    return _ok(
        {
            "token": remote.token,
            "masterToken": remote.master_token,
            "validityInSeconds": 3600,
            "masterValidityInSeconds": 14400,
            "sessionId": remote.id,
            "displayUserName": who.user,
            "serverVersion": __version__,
            "firstLogin": False,
            "remMeToken": None,
            "remMeValidityInSeconds": 0,
            "healthCheckInterval": 45,
            "newClientForUpgrade": None,
            "idToken": None,
            "idTokenValidityInSeconds": 0,
            "mfaToken": None,
            "mfaTokenValidityInSeconds": 0,
            "responseData": None,
            "parameters": [
                {"name": "TIMEZONE", "value": "UTC"},
                # executemany binds arrays inline up to this many values (never via a stage)
                {"name": "CLIENT_STAGE_ARRAY_BINDING_THRESHOLD", "value": 2**31 - 1},
            ],
            "sessionInfo": {
                "databaseName": session.database,
                "schemaName": session.schema,
                "warehouseName": None,
                "roleName": session.role,
            },
        }
    )


def _keep(remote: RemoteSession, query_id: str, data: dict[str, t.Any]) -> None:
    results = remote.results
    results[query_id] = data
    while len(results) > KEPT_RESULTS:
        results.popitem(last=False)


def _result_data(remote: RemoteSession, outcome: statements.Outcome, query_id: str) -> dict:
    session = remote.session
    table = outcome.table
    return {
        "parameters": [],
        "rowtype": encoding.rowtype(table.schema, session.database, session.schema),
        "rowset": encoding.rowset(table),
        "total": table.num_rows,
        "returned": table.num_rows,
        "queryId": query_id,
        "databaseProvider": None,
        "finalDatabaseName": session.database,
        "finalSchemaName": session.schema,
        "finalWarehouseName": None,
        "finalRoleName": session.role,
        "numberOfBinds": 0,
        "arrayBindSupported": False,
        "statementTypeId": outcome.statement_type,
        "version": 1,
        "sendResultTime": int(time.time() * 1000),
        "queryResultFormat": "json",
        "queryContext": None,
    }


@router.post(
    "/queries/v1/query-request",
    summary="Run SQL in the session",
    openapi_extra=request_docs.json_body(request_docs.QueryRequest),
)
async def query(request: Request, remote: Remote) -> JSONResponse:
    body = await _body(request)
    sql = body.get("sqlText")
    query_id = new_query_id()
    if not isinstance(sql, str) or not sql.strip():
        return _fail("000900", "SQL compilation error: empty SQL text", "42000", query_id)
    bindings = body.get("bindings")
    describe_only = bool(body.get("describeOnly"))

    def execute() -> dict[str, t.Any]:
        with remote.lock:
            if describe_only:  # cursor.describe(): the columns, running nothing
                outcome = statements.describe(remote.session, sql)
            else:
                outcome = statements.run(remote.session, sql, bindings)
        return _result_data(remote, outcome, query_id)

    running = asyncio.ensure_future(run_in_threadpool(execute))
    running.add_done_callback(_retrieve)
    finished = [q for q, f in remote.running.items() if f.done()]
    for old in finished[: max(0, len(finished) - KEPT_RESULTS)]:  # detached, never asked for
        remote.running.pop(old)
    remote.running[query_id] = running
    if body.get("asyncExec"):
        return _in_progress(query_id, QUERY_IN_PROGRESS_ASYNC)
    return await _answer(request, remote, query_id, running)


def _retrieve(done: asyncio.Future) -> None:
    """Mark a failure as seen: a detached query nobody polls again must not warn at exit."""
    if not done.cancelled():
        done.exception()


def _in_progress(query_id: str, code: str) -> JSONResponse:
    """Drivers poll getResultUrl while the code says the query is still running."""
    return JSONResponse(
        {
            "success": True,
            "code": code,
            "message": "Query execution in progress; poll getResultUrl for its result.",
            "data": {"queryId": query_id, "getResultUrl": f"/queries/{query_id}/result"},
        }
    )


async def _answer(
    request: Request, remote: RemoteSession, query_id: str, running: asyncio.Future
) -> JSONResponse:
    """The query's result, or 'in progress' once the sync wait passes: a statement that runs
    for minutes (a service starting) never holds one HTTP request into a client or proxy
    read timeout."""
    try:
        data = await asyncio.wait_for(asyncio.shield(running), request.app.state.sync_wait_seconds)
    except TimeoutError:
        return _in_progress(query_id, QUERY_IN_PROGRESS)
    except Exception as e:
        remote.running.pop(query_id, None)
        f = statements.failure(e)
        request.state.sql_error = f.code
        return _fail(f.code, f.message, f.sqlstate, query_id)
    remote.running.pop(query_id, None)
    _keep(remote, query_id, data)
    return _ok(data)


@router.get("/queries/{query_id}/result", summary="A query's result, once it has one")
async def query_result(query_id: str, request: Request, remote: Remote) -> JSONResponse:
    running = remote.running.get(query_id)
    if running is not None:
        return await _answer(request, remote, query_id, running)
    data = remote.results.get(query_id)
    if data is None:
        return _fail("000709", f"Statement {query_id} not found", "02000", query_id)
    return _ok(data)


@router.get("/monitoring/queries/{query_id}", summary="A query's status")
def query_status(query_id: str, remote: Remote) -> JSONResponse:
    running = remote.running.get(query_id)
    if running is not None and not running.done():
        status = "RUNNING"
    elif query_id in remote.results or (running is not None and not running.exception()):
        status = "SUCCESS"
    else:
        status = "FAILED_WITH_ERROR"
    return _ok({"queries": [{"id": query_id, "status": status}]})


@router.post("/queries/v1/abort-request", summary="Cancel the session's running query")
def abort(remote: Remote) -> JSONResponse:
    remote.session.interrupt()
    return _ok()


@router.post("/session/heartbeat", summary="Keep the session alive")
def heartbeat(remote: Remote) -> JSONResponse:
    return _ok({})


@router.post("/session/token-request", summary="Renew the session token")
async def token_request(request: Request) -> JSONResponse:
    master = snowflake_token(request)
    remote = _sessions(request).by_master(master) if master else None
    if remote is None or not _sessions(request).still_valid(remote):
        # Snowflake's "master token expired": the client must log in again (no retry loop)
        return _fail("390114", "Authentication token has expired. Log in again.", "08001")
    remote = _sessions(request).renew(remote)
    return _ok(
        {
            "sessionToken": remote.token,
            "validityInSecondsST": 3600,
            "masterToken": remote.master_token,
            "validityInSecondsMT": 14400,
            "sessionId": remote.id,
        }
    )


@router.post("/session", summary="Close the session (?delete=true)")
def close_session(request: Request, remote: Remote) -> JSONResponse:
    if request.query_params.get("delete", "").lower() == "true":
        _sessions(request).close(remote.token)
    return _ok()


@router.post("/telemetry/send", summary="Client telemetry (accepted and dropped)")
def telemetry(remote: Remote) -> JSONResponse:
    return _ok()


def expired_response() -> JSONResponse:
    return _fail(SESSION_GONE, "Your session has expired. Please login again.", "08001")


def decode_body(raw: bytes, encoding_header: str | None) -> t.Any:
    if encoding_header and "gzip" in encoding_header.lower():
        raw = gzip.decompress(raw)
    return json.loads(raw) if raw else {}

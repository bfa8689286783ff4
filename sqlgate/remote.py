"""A session on a remote `sqlgate serve`, spoken over the Snowflake connector protocol (the same
routes the real connectors use), so `sqlgate.connect(url=...)` and `sqlgate --url ...` work as
they do embedded: statements run as the logged-in user's role, results come back as Arrow.
Standard library HTTP only: the client needs nothing the embedded package does not.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import decimal
import gzip
import json
import re
import typing as t
import urllib.error
import urllib.request
import uuid
from collections.abc import Sequence

import pyarrow as pa

from sqlgate import __version__
from sqlgate.errors import SqlgateError
from sqlgate.gateway import script as scripts
from sqlgate.gateway.result import Result

_POSITION = re.compile(r" \(line (\d+), column (\d+)\)$")
# the server's "still running: poll getResultUrl" codes (sync wait passed; asyncExec)
QUERY_IN_PROGRESS = ("333333", "333334")


class RemoteError(SqlgateError):
    """An error the server reported, with its Snowflake code and SQLSTATE."""

    def __init__(self, message: str, errno: int, sqlstate: str) -> None:
        super().__init__(message)
        self.errno, self.sqlstate = errno, sqlstate


class RemoteUnavailable(SqlgateError):
    sqlstate = "08001"


def _binding(value: t.Any) -> dict[str, t.Any]:
    """A Python value as a Snowflake binding (the server converts it back)."""
    if value is None:
        return {"type": "TEXT", "value": None}
    if isinstance(value, bool):
        return {"type": "BOOLEAN", "value": str(value).lower()}
    if isinstance(value, int):
        return {"type": "FIXED", "value": str(value)}
    if isinstance(value, decimal.Decimal):
        return {"type": "FIXED", "value": str(value)}
    if isinstance(value, float):
        return {"type": "REAL", "value": repr(value)}
    if isinstance(value, dt.datetime):
        epoch = dt.datetime(1970, 1, 1, tzinfo=value.tzinfo)
        nanos = int((value - epoch) / dt.timedelta(microseconds=1)) * 1000
        kind = "TIMESTAMP_TZ" if value.tzinfo else "TIMESTAMP_NTZ"
        return {"type": kind, "value": str(nanos)}
    if isinstance(value, dt.date):
        millis = (value - dt.date(1970, 1, 1)).days * 86_400_000
        return {"type": "DATE", "value": str(millis)}
    if isinstance(value, bytes):
        return {"type": "BINARY", "value": value.hex()}
    return {"type": "TEXT", "value": str(value)}


def _decoder(column: dict[str, t.Any]) -> tuple[pa.DataType, t.Callable[[str], t.Any]]:
    kind = column["type"].lower()
    scale = column.get("scale") or 0
    if kind == "fixed" and not scale:
        return pa.int64(), int
    if kind == "fixed":
        return pa.decimal128(column.get("precision") or 38, scale), decimal.Decimal
    if kind == "real":
        return pa.float64(), float
    if kind == "boolean":
        return pa.bool_(), lambda v: v in ("1", "TRUE", "true")
    if kind == "date":
        return pa.date32(), lambda v: dt.date(1970, 1, 1) + dt.timedelta(days=int(v))
    if kind in ("timestamp_ntz", "timestamp_tz", "timestamp_ltz"):
        tz = "UTC" if kind != "timestamp_ntz" else None

        def timestamp(v: str) -> dt.datetime:
            seconds = decimal.Decimal(v.split()[0])
            value = dt.datetime(1970, 1, 1) + dt.timedelta(microseconds=int(seconds * 10**6))
            return value.replace(tzinfo=dt.UTC) if tz else value

        return pa.timestamp("us", tz=tz), timestamp
    if kind == "time":
        return pa.time64("us"), lambda v: (
            dt.datetime.min + dt.timedelta(microseconds=int(decimal.Decimal(v) * 10**6))
        ).time()
    if kind == "binary":
        return pa.binary(), bytes.fromhex
    return pa.string(), str


def to_arrow(rowtype: list[dict[str, t.Any]], rowset: list[list[str | None]]) -> pa.Table:
    decoders = [_decoder(c) for c in rowtype]
    columns = [
        pa.array([None if row[i] is None else decode(row[i]) for row in rowset], type=typ)
        for i, (typ, decode) in enumerate(decoders)
    ]
    return pa.Table.from_arrays(columns, names=[c["name"] for c in rowtype])


class RemoteSession:
    """What the REPL and the PEP 249 cursor need of a Session, over HTTP."""

    catalog = None  # nothing local to read: completion falls back to keywords

    def __init__(
        self,
        url: str,
        user: str | None,
        *,
        token: str | None = None,
        password: str | None = None,
        role: str | None = None,
        database: str | None = None,
        schema: str | None = None,
        timeout: float = 600.0,
    ) -> None:
        if not token and not password:
            raise RemoteUnavailable("Give a programmatic access token (token=) or a password")
        self.url = url.rstrip("/")
        self.timeout = timeout
        self._token: str | None = None
        data: dict[str, t.Any] = {
            "CLIENT_APP_ID": "sqlgate",
            "CLIENT_APP_VERSION": __version__,
            "LOGIN_NAME": user,
        }
        if token:
            data.update(AUTHENTICATOR="PROGRAMMATIC_ACCESS_TOKEN", TOKEN=token)
        else:
            data["PASSWORD"] = password
        query = {"roleName": role, "databaseName": database, "schemaName": schema}
        where = "&".join(f"{k}={urllib.request.quote(v)}" for k, v in query.items() if v)
        reply = self._post(f"/session/v1/login-request?{where}", {"data": data})
        self._token = reply["token"]
        info = reply.get("sessionInfo") or {}
        self.role = info.get("roleName")
        self.database = info.get("databaseName")
        self.schema = info.get("schemaName")
        self.user = user

    def _post(self, path: str, body: dict[str, t.Any] | None) -> dict[str, t.Any]:
        """POST `body` (GET when None); the reply's data, polling while the query runs."""
        reply = self._request(path, body)
        while reply.get("code") in QUERY_IN_PROGRESS:
            reply = self._request(reply["data"]["getResultUrl"], None)
        return reply.get("data") or {}

    def _request(self, path: str, body: dict[str, t.Any] | None) -> dict[str, t.Any]:
        headers = {
            "Content-Type": "application/json",
            "Accept": "application/snowflake",
            "User-Agent": f"sqlgate/{__version__}",
        }
        if self._token:
            headers["Authorization"] = f'Snowflake Token="{self._token}"'
        data = None
        if body is not None:
            data = gzip.compress(json.dumps(body).encode())
            headers["Content-Encoding"] = "gzip"
        request = urllib.request.Request(self.url + path, data=data, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                reply = json.loads(response.read())
        except urllib.error.HTTPError as e:
            detail = e.read().decode(errors="replace")
            with contextlib.suppress(ValueError):
                detail = json.loads(detail).get("message", detail)
            raise RemoteError(f"HTTP {e.code}: {detail}", e.code, "08001") from None
        except (urllib.error.URLError, OSError) as e:
            raise RemoteUnavailable(f"Cannot reach sqlgate at {self.url}: {e}") from None
        if not reply.get("success"):
            data = reply.get("data") or {}
            code = str(reply.get("code") or data.get("errorCode") or "0")
            raise RemoteError(
                reply.get("message") or "request failed",
                int(code) if code.isdigit() else 0,
                data.get("sqlState") or "XX000",
            )
        return reply

    def _query(self, sql: str, params: Sequence[t.Any] | None) -> Result:
        body: dict[str, t.Any] = {
            "sqlText": sql,
            "asyncExec": False,
            "sequenceId": 1,
            "querySubmissionTime": 0,
        }
        if params:
            body["bindings"] = {str(i + 1): _binding(v) for i, v in enumerate(params)}
        data = self._post(f"/queries/v1/query-request?requestId={uuid.uuid4()}", body)
        self.role = data.get("finalRoleName") or self.role
        self.database = data.get("finalDatabaseName")
        self.schema = data.get("finalSchemaName")
        table = to_arrow(data["rowtype"], data["rowset"])
        dml = data.get("statementTypeId", 0) in (0x3100, 0x3200, 0x3300, 0x3400)
        count = int(table.column(0)[0].as_py()) if dml and table.num_rows else -1
        return Result(table, rowcount=count)

    def execute(self, sql: str, params: Sequence[t.Any] | None = None) -> list[Result]:
        return [self._query(sql, params)]

    def run(
        self, statement: scripts.Statement, script: str, params: Sequence[t.Any] | None = None
    ) -> Result:
        """One statement of a script; an error's position is moved into the script."""
        try:
            return self._query(statement.text, params)
        except RemoteError as e:
            found = _POSITION.search(e.message)
            if found:
                line, col = int(found.group(1)), int(found.group(2))
                lines = statement.text.split("\n")
                offset = sum(len(x) + 1 for x in lines[: line - 1]) + col - 1
                e.message = e.message[: found.start()]
                e.position = statement.position(script, offset)
            raise

    def close(self) -> None:
        if self._token:
            with contextlib.suppress(SqlgateError):
                self._post("/session?delete=true", {})
            self._token = None

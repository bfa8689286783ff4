"""The `type: sqlgate` profile: `path` to a data directory (in process), or `url` + `user` +
`token` for a running `sqlgate serve` (remote)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dbt.adapters.duckdb.credentials import DuckDBCredentials
from dbt_common.exceptions import DbtRuntimeError

from sqlgate.config import MEMORY
from sqlgate.gateway.engine import DEFAULT_DATABASE, DEFAULT_SCHEMA

# dbt-duckdb profile fields that configure a DuckDB instance of dbt's own; sqlgate's warehouse
# is the gateway's, locked down, so these would be silently ignored: refuse them instead.
DUCKDB_ONLY_FIELDS = (
    "extensions",
    "settings",
    "secrets",
    "attach",
    "filesystems",
    "plugins",
    "remote",
    "config_options",
    "use_credential_provider",
    "module_paths",
    "motherduck_token",
    "is_ducklake",
    "flights",
)


@dataclass
class SqlgateCredentials(DuckDBCredentials):
    database: str = DEFAULT_DATABASE
    schema: str = DEFAULT_SCHEMA
    # in process: a sqlgate data directory (the embedded default); ":memory:" for a scratch one
    path: str = ""
    # remote: a `sqlgate serve` endpoint, and who connects
    url: str | None = None
    user: str | None = None
    token: str | None = None
    password: str | None = None
    role: str | None = None
    # Snowflake's AUTOCOMMIT: each statement commits. Gateway statements (CREATE SCHEMA, a model
    # loaded for m!predict) change the warehouse through the engine, which a transaction opened
    # earlier on the session would not see.
    disable_transactions: bool = True

    @classmethod
    def __pre_deserialize__(cls, data: dict[Any, Any]) -> dict[Any, Any]:
        # Skip dbt-duckdb's rule that `database` is the file name of `path`: a sqlgate data
        # directory holds many databases, and the catalog says which exist.
        data = super(DuckDBCredentials, cls).__pre_deserialize__(data)
        refused = [name for name in DUCKDB_ONLY_FIELDS if data.get(name) is not None]
        if refused:
            raise DbtRuntimeError(
                f"sqlgate profiles do not take dbt-duckdb's {', '.join(refused)}: the "
                "warehouse is sqlgate's own (configure it with SQL through the gateway)"
            )
        has_path, has_url = bool(data.get("path")), bool(data.get("url"))
        if has_path == has_url:
            raise DbtRuntimeError(
                "A sqlgate profile needs exactly one of `path` (a sqlgate data directory, "
                "in process) or `url` (a running `sqlgate serve`, with `user` and `token`)"
            )
        if has_url and not (data.get("user") and (data.get("token") or data.get("password"))):
            raise DbtRuntimeError(
                "A remote sqlgate profile (`url`) needs `user` and `token` (a programmatic "
                "access token) or `password`"
            )
        return data

    @property
    def type(self) -> str:
        return "sqlgate"

    @property
    def is_remote(self) -> bool:
        return bool(self.url)

    @property
    def is_memory(self) -> bool:
        return self.path == MEMORY

    @property
    def unique_field(self) -> str:
        return self.url or self.path

    def _connection_keys(self) -> tuple[str, ...]:
        return ("database", "schema", "path", "url", "user", "role")

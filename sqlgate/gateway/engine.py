"""One Engine per data directory: the catalog, the user-data warehouse, and start-up.

Every connection to the same data directory in one process shares its Engine (DuckDB allows one
writer process per file, and the catalog's writer lock must be shared to mean anything).
"""

from __future__ import annotations

import tempfile
import threading
from pathlib import Path

from sqlgate.config import MEMORY
from sqlgate.gateway import identity
from sqlgate.gateway.catalog import Catalog
from sqlgate.gateway.model_udfs import ModelUdfs
from sqlgate.gateway.warehouse import Warehouse
from sqlgate.runtime.cache import ModelCache

# Snowflake's system roles; the embedded session runs as ACCOUNTADMIN.
SYSTEM_ROLES = ("ACCOUNTADMIN", "SECURITYADMIN", "USERADMIN", "SYSADMIN", "PUBLIC")
# Snowflake's system role hierarchy: (role, granted to role).
SYSTEM_ROLE_GRANTS = (
    ("SYSADMIN", "ACCOUNTADMIN"),
    ("SECURITYADMIN", "ACCOUNTADMIN"),
    ("USERADMIN", "SECURITYADMIN"),
)
ADMIN_ROLE = "ACCOUNTADMIN"
# A fresh data directory has one database to work in, as a Snowflake trial account does.
DEFAULT_DATABASE = "SQLGATE"
DEFAULT_SCHEMA = "PUBLIC"


class Engine:
    def __init__(self, home: Path | None) -> None:
        self.home = home
        if home is not None:
            home.mkdir(parents=True, exist_ok=True)
        self.catalog = Catalog(home / "catalog.duckdb" if home else None)
        self.warehouse = Warehouse(home / "databases" if home else None)
        # Model artifacts live on disk even for an in-memory engine (tests), in a temp dir.
        self._scratch = None if home else tempfile.TemporaryDirectory(prefix="sqlgate-")
        self.models_dir = home / "models" if home else Path(self._scratch.name) / "models"
        self.models_dir.mkdir(parents=True, exist_ok=True)
        # models called from queries, loaded once per version and shared by every session
        self.model_cache = ModelCache()
        self.model_udfs = ModelUdfs(self.warehouse, self.model_cache)
        # model services on Ray Serve: desired state in the catalog, brought up by reconcile()
        from sqlgate.gateway.services import Services  # via executors, which import this module

        self.services = Services(self)
        # where `sqlgate serve` listens (host:port), for SHOW ENDPOINTS' ingress_url
        self.http_address: str | None = None
        self._bootstrap()
        self.reconcile()

    def _bootstrap(self) -> None:
        with self.catalog.write() as cur:
            for role in SYSTEM_ROLES:
                cur.execute(
                    "INSERT INTO roles (name, owner) VALUES (?, ?) ON CONFLICT DO NOTHING",
                    [role, ADMIN_ROLE],
                )
            for role, grantee in SYSTEM_ROLE_GRANTS:
                cur.execute(
                    "INSERT INTO role_grants (role_name, grantee_kind, grantee, granted_by)"
                    " VALUES (?, 'ROLE', ?, ?) ON CONFLICT DO NOTHING",
                    [role, grantee, ADMIN_ROLE],
                )
            if not cur.execute("SELECT 1 FROM databases LIMIT 1").fetchall():
                cur.execute(
                    "INSERT INTO databases (name, file, owner) VALUES (?, ?, ?)",
                    [DEFAULT_DATABASE, Warehouse.file_name(DEFAULT_DATABASE), ADMIN_ROLE],
                )
                cur.execute(
                    "INSERT INTO schemas (database_name, name, owner) VALUES (?, ?, ?)",
                    [DEFAULT_DATABASE, DEFAULT_SCHEMA, ADMIN_ROLE],
                )
            identity.bootstrap_admin(cur, ADMIN_ROLE)

    def reconcile(self) -> None:
        """Bring the warehouse to what the catalog says: every database attached, every schema."""
        for db in self.catalog.rows("SELECT name, file FROM databases"):
            self.warehouse.attach(db["name"], db["file"])
        for schema in self.catalog.rows("SELECT database_name, name FROM schemas"):
            self.warehouse.create_schema(schema["database_name"], schema["name"])
        # services that should run: re-attach to or re-create them (Ray takes a while to start,
        # so in the background; their status says PENDING until they are up)
        if self.services.needs_ray():
            self.services.reconcile_in_background()

    def close(self) -> None:
        self.services.close()
        self.warehouse.close()
        self.model_cache.clear()
        self.catalog.close()
        if self._scratch is not None:
            self._scratch.cleanup()


_engines: dict[Path, Engine] = {}
_engines_lock = threading.Lock()


def engine_for(home: str | Path) -> Engine:
    """The shared Engine of a data directory; MEMORY gives a fresh in-memory one each call."""
    if str(home) == MEMORY:
        return Engine(None)
    path = Path(home).expanduser().resolve()
    with _engines_lock:
        if path not in _engines:
            _engines[path] = Engine(path)
        return _engines[path]

"""dbt-sqlgate: dbt's entry point for `type: sqlgate` (the logic is in sqlgate.dbt_adapter)."""

from dbt.adapters.base import AdapterPlugin

from dbt.include import sqlgate as include
from sqlgate.dbt_adapter.connections import SqlgateConnectionManager
from sqlgate.dbt_adapter.credentials import SqlgateCredentials
from sqlgate.dbt_adapter.impl import SqlgateAdapter

__all__ = ["Plugin", "SqlgateAdapter", "SqlgateConnectionManager", "SqlgateCredentials"]

# dependencies: macros dispatch to sqlgate__, then duckdb__, then dbt's default__.
Plugin = AdapterPlugin(
    adapter=SqlgateAdapter,  # type: ignore[arg-type]
    credentials=SqlgateCredentials,
    include_path=include.PACKAGE_PATH,
    dependencies=["duckdb"],
)

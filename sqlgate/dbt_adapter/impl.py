"""SqlgateAdapter: dbt-duckdb's adapter on sqlgate's connection manager.

dbt imports `dbt.adapters.<class name minus "Adapter", lower-cased>.__version__`, so the class
must be named SqlgateAdapter.
"""

from __future__ import annotations

from typing import Any

import duckdb
from dbt.adapters.base.meta import available
from dbt.adapters.base.relation import BaseRelation
from dbt.adapters.duckdb.column import DuckDBColumn
from dbt.adapters.duckdb.impl import DuckDBAdapter
from dbt_common.exceptions import DbtRuntimeError

from sqlgate.dbt_adapter.connections import SqlgateConnectionManager, folded_to_lower
from sqlgate.dbt_adapter.relation import SqlgateRelation


class SqlgateAdapter(DuckDBAdapter):
    ConnectionManager = SqlgateConnectionManager
    Relation = SqlgateRelation

    def list_relations_without_caching(self, schema_relation: BaseRelation) -> list[BaseRelation]:
        # dbt-adapters quotes every listed name; names the gateway folded need no quotes, and
        # quoting them would make `raw` and "RAW" two relations to dbt's cache.
        results = self.execute_macro(
            "list_relations_without_caching", kwargs={"schema_relation": schema_relation}
        )
        relations = []
        for database, name, schema, kind in results:
            try:
                relation_type = self.Relation.get_relation_type(kind)
            except ValueError:
                relation_type = self.Relation.External
            quoting = SqlgateRelation.quoting_for
            relations.append(
                self.Relation.create(
                    database=database,
                    schema=schema,
                    identifier=name,
                    quote_policy={
                        "database": quoting(database),
                        "schema": quoting(schema),
                        "identifier": quoting(name),
                    },
                    type=relation_type,
                )
            )
        return relations

    @available.parse(lambda *a, **k: [])
    def get_column_schema_from_query(self, sql: str) -> list[DuckDBColumn]:
        """Columns and types of a query's result: the gateway runs it (dbt passes an empty
        subquery) and the Arrow schema is named in DuckDB's types, the warehouse's own.
        dbt-duckdb's `DESCRIBE (query)` is DuckDB-only SQL the gateway does not accept."""
        _, cursor = self.connections.add_select_query(sql)
        table = cursor.fetch_arrow_table()
        with duckdb.connect() as scratch:  # names types only; sees no data
            types = scratch.from_arrow(table.slice(0, 0)).types
        columns: list[DuckDBColumn] = []
        for name, dtype in zip(table.column_names, types, strict=True):
            columns.extend(DuckDBColumn(column=folded_to_lower(name), dtype=str(dtype)).flatten())
        return columns

    def quote_seed_column(self, column: str, quote_config: bool | None) -> str:
        # Snowflake's convention (dbt-snowflake's too): seed columns unquoted, so they fold to
        # upper case like every other name the gateway sees, unless the seed asks for quotes.
        return self.quote(column) if quote_config else column

    @classmethod
    def is_cancelable(cls) -> bool:
        return True

    @available
    def get_binding_char(self) -> str:
        return "?"

    @available
    def store_relation(self, *args: Any, **kwargs: Any) -> None:
        raise DbtRuntimeError("dbt-duckdb storage plugins are not available with sqlgate")

    def submit_python_job(self, parsed_model: dict, compiled_code: str) -> Any:
        raise DbtRuntimeError("sqlgate runs SQL models only; Python models are not supported")

    def _catalog_type(self, database: str) -> str | None:
        # Not "duckdb": dbt-duckdb's foreign-key handling for DuckDB catalogs reads
        # duckdb_constraints(), self-introspection the gateway refuses. Snowflake does not
        # enforce foreign keys, so sqlgate keeps declared constraints as declared.
        return "sqlgate"

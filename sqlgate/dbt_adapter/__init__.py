"""dbt-sqlgate: a dbt adapter whose every statement runs through sqlgate's gateway.

It is dbt-duckdb's adapter (sqlgate's warehouse is DuckDB) with the connection swapped for a
sqlgate PEP 249 connection, so models may call `m!predict(...)` and name models by alias.
dbt's entry point is the thin package dbt/adapters/sqlgate at the repository root.
"""

{#- `dbt docs generate` reads tables and columns from the warehouse's information schema:
    dbt-duckdb's catalog queries read duckdb_tables()/duckdb_columns(), DuckDB
    self-introspection the gateway refuses. The schema and relation filters are dbt-duckdb's. -#}
{% macro sqlgate__get_catalog(information_schema, schemas) -%}
  {% set query %}
    with tables as (
      {{ sqlgate__get_catalog_tables_sql(information_schema) }}
      {{ duckdb__get_catalog_schemas_where_clause_sql(schemas) }}
    ),
    columns as (
      {{ sqlgate__get_catalog_columns_sql(information_schema) }}
      {{ duckdb__get_catalog_schemas_where_clause_sql(schemas) }}
    )
    {{ duckdb__get_catalog_results_sql() }}
  {% endset %}
  {{ return(run_query(query)) }}
{%- endmacro %}

{% macro sqlgate__get_catalog_relations(information_schema, relations) -%}
  {% set query %}
    with tables as (
      {{ sqlgate__get_catalog_tables_sql(information_schema) }}
      {{ duckdb__get_catalog_relations_where_clause_sql(relations) }}
    ),
    columns as (
      {{ sqlgate__get_catalog_columns_sql(information_schema) }}
      {{ duckdb__get_catalog_relations_where_clause_sql(relations) }}
    )
    {{ duckdb__get_catalog_results_sql() }}
  {% endset %}
  {{ return(run_query(query)) }}
{%- endmacro %}

{% macro sqlgate__get_catalog_tables_sql(information_schema) -%}
    select *
    from (
        select
            t.table_catalog as table_database,
            t.table_schema as table_schema,
            t.table_name as table_name,
            t.table_type as table_type,
            t.table_comment as table_comment
        from system.information_schema.tables t
        where upper(t.table_catalog) = upper('{{ information_schema.database }}')
    ) catalog_tables
{%- endmacro %}

{% macro sqlgate__get_catalog_columns_sql(information_schema) -%}
    select *
    from (
        select
            c.table_catalog as table_database,
            c.table_schema as table_schema,
            c.table_name as table_name,
            c.column_name as column_name,
            c.ordinal_position as column_index,
            c.data_type as column_type,
            c.column_comment as column_comment
        from system.information_schema.columns c
        where upper(c.table_catalog) = upper('{{ information_schema.database }}')
    ) catalog_columns
{%- endmacro %}

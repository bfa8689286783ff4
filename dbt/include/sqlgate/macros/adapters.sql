{#- Columns from the warehouse's information schema: dbt-duckdb reads them with
    `DESCRIBE relation` in a subquery, DuckDB-only SQL the gateway does not accept. Names the
    gateway folded to upper case are given in lower case (see connections.folded_to_lower). -#}
{% macro sqlgate__get_columns_in_relation(relation) -%}
  {% call statement('get_columns_in_relation', fetch_result=True) %}
      select
          case when column_name = upper(column_name) then lower(column_name)
               else column_name end as column_name,
          data_type,
          character_maximum_length,
          numeric_precision,
          numeric_scale
      from system.information_schema.columns
      where lower(table_name) = lower('{{ relation.identifier }}')
      {% if relation.schema %}
        and lower(table_schema) = lower('{{ relation.schema }}')
      {% endif %}
      {% if relation.database %}
        and lower(table_catalog) = lower('{{ relation.database }}')
      {% endif %}
      order by ordinal_position
  {% endcall %}
  {% set table = load_result('get_columns_in_relation').table %}
  {{ return(sql_convert_columns_in_relation(table)) }}
{% endmacro %}

{#- dbt-duckdb asks duckdb_databases() which kind of catalog it writes to (sqlite, mysql...);
    the gateway refuses DuckDB's self-introspection functions, and every sqlgate database is
    a DuckDB one, so the schema is simply created. -#}
{% macro sqlgate__create_schema(relation) -%}
  {%- call statement('create_schema') -%}
    create schema if not exists {{ relation.without_identifier() }}
  {%- endcall -%}
{% endmacro %}

{#- dbt-duckdb drops a table's indexes (found with duckdb_indexes()) before replacing it; the
    gateway creates no indexes (CREATE INDEX is not sqlgate SQL), so there are none. -#}
{% macro drop_indexes_on_relation(relation) -%}
{%- endmacro %}

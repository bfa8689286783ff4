{#- dbt's cross-database macros in Snowflake SQL, which the gateway parses and transpiles to
    DuckDB with Snowflake's semantics. dbt-duckdb's versions are DuckDB SQL that a Snowflake
    parser reads differently (`list[1:n]`, `string_split(...)[n]`, `date_diff('day', ...)`). -#}

{% macro sqlgate__datediff(first_date, second_date, datepart) -%}
    datediff({{ datepart }}, {{ first_date }}, {{ second_date }})
{%- endmacro %}

{% macro sqlgate__split_part(string_text, delimiter_text, part_number) -%}
    split_part({{ string_text }}, {{ delimiter_text }}, {{ part_number }})
{%- endmacro %}

{% macro sqlgate__listagg(measure, delimiter_text, order_by_clause, limit_num) -%}
    {% if limit_num -%}
    array_to_string(
        array_slice(
            array_agg({{ measure }})
            {% if order_by_clause -%} within group ({{ order_by_clause }}) {%- endif %},
            0, {{ limit_num }}
        ),
        {{ delimiter_text }}
    )
    {%- else %}
    listagg({{ measure }}, {{ delimiter_text }})
    {% if order_by_clause -%} within group ({{ order_by_clause }}) {%- endif %}
    {%- endif %}
{%- endmacro %}

{#- Snowflake's CURRENT_TIMESTAMP is time-zone aware (TIMESTAMP_LTZ) -#}
{% macro sqlgate__current_timestamp() -%}
    current_timestamp()
{%- endmacro %}

{% macro sqlgate__date(year, month, day) -%}
    date_from_parts({{ year }}, {{ month }}, {{ day }})
{%- endmacro %}

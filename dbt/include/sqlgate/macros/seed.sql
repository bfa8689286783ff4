{#- Seeds are inserted through the gateway with bound parameters: dbt-duckdb's fast path (COPY
    from the CSV file) reads a host file, which sqlgate's locked-down warehouse never does. -#}
{% macro sqlgate__load_csv_rows(model, agate_table) %}
    {% set batch_size = get_batch_size() %}
    {% set agate_table = adapter.convert_datetimes_to_strs(agate_table) %}
    {% set cols_sql = get_seed_column_quoted_csv(model, agate_table.column_names) %}
    {% set statements = [] %}
    {% for chunk in agate_table.rows | batch(batch_size) %}
        {% set bindings = [] %}
        {% for row in chunk %}
            {% do bindings.extend(row) %}
        {% endfor %}
        {% set sql %}
            insert into {{ this.render() }} ({{ cols_sql }}) values
            {% for row in chunk -%}
                ({%- for column in agate_table.column_names -%}
                    {{ get_binding_char() }}
                    {%- if not loop.last%},{%- endif %}
                {%- endfor -%})
                {%- if not loop.last%},{%- endif %}
            {%- endfor %}
        {% endset %}
        {% do adapter.add_query(sql, bindings=bindings, abridge_sql_log=True) %}
        {% if loop.index0 == 0 %}
            {% do statements.append(sql) %}
        {% endif %}
    {% endfor %}
    {{ return(statements[0]) }}
{% endmacro %}

{% macro sqlgate__get_batch_size() %}
  {#- each batch is one INSERT the gateway parses; smaller statements parse faster -#}
  {{ return(1000) }}
{% endmacro %}

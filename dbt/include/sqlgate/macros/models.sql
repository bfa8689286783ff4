{#- The version an alias of a registered model names now, e.g.
    model_version_for_alias('churn', 'production') -> 'V2', read with SHOW VERSIONS IN MODEL
    when the model runs (during parsing it is ''). An unknown model fails with the gateway's
    error; an alias no version has, with a compilation error naming it. -#}
{% macro model_version_for_alias(model_name, alias) %}
  {%- if not execute -%}
    {{ return('') }}
  {%- endif -%}
  {%- set versions = run_query('show versions in model ' ~ model_name) -%}
  {%- for row in versions.rows -%}
    {%- if alias | upper in fromjson(row['aliases']) -%}
      {{ return(row['name']) }}
    {%- endif -%}
  {%- endfor -%}
  {{ exceptions.raise_compiler_error(
      "Model " ~ model_name ~ " has no version with the alias " ~ alias) }}
{% endmacro %}

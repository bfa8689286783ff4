{#- Churn scores from the model version behind the `production` alias. Each row records the
    version that scored it; an incremental run scores only customers that no row of the
    current production version covers: new customers, and every customer once the alias
    moves. -#}
{{ config(
    materialized='incremental',
    unique_key='customer_id',
    incremental_strategy='delete+insert',
    on_schema_change='fail',
) }}
{%- set version = model_version_for_alias('churn', 'production') %}

with prod as model churn version production
select
    c.customer_id,
    prod!predict_proba(c.tenure, c.spend):output_feature_1::double as churn_probability,
    '{{ version }}' as model_version,
    current_timestamp() as scored_at
from {{ ref('stg_customers') }} c
{% if is_incremental() %}
where c.customer_id not in (
    select customer_id from {{ this }} where model_version = '{{ version }}'
)
{% endif %}

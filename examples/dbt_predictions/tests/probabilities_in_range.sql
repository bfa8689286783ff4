select * from {{ ref('predictions') }}
where churn_probability < 0 or churn_probability > 1

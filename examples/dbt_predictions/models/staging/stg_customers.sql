-- the model's features: tenure and spend scaled to [0, 1]
select
    customer_id,
    least(tenure_months / 72.0, 1.0) as tenure,
    least(monthly_spend / 200.0, 1.0) as spend,
    signup_date
from {{ ref('raw_customers') }}

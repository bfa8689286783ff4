-- every staged customer has a prediction
select s.customer_id
from {{ ref('stg_customers') }} s
left join {{ ref('predictions') }} p on p.customer_id = s.customer_id
where p.customer_id is null

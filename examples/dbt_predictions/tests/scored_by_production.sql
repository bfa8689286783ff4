-- after a build, every row was scored by the version the alias names now
select * from {{ ref('predictions') }}
where model_version != '{{ model_version_for_alias("churn", "production") }}'

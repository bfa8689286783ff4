"""dbt-tests-adapter's incremental classes (the ones dbt-duckdb runs), against dbt-sqlgate."""

import pytest
from dbt.tests.adapter.incremental.test_incremental_microbatch import BaseMicrobatch
from dbt.tests.adapter.incremental.test_incremental_on_schema_change import (
    BaseIncrementalOnSchemaChange,
)
from dbt.tests.adapter.incremental.test_incremental_predicates import (
    BaseIncrementalPredicates,
)
from dbt.tests.adapter.incremental.test_incremental_unique_id import BaseIncrementalUniqueKey


class TestIncrementalUniqueKey(BaseIncrementalUniqueKey):
    pass


class TestIncrementalPredicates(BaseIncrementalPredicates):
    pass


class TestIncrementalOnSchemaChange(BaseIncrementalOnSchemaChange):
    pass


# The base class's input writes `TIMESTAMP '2020-01-01 00:00:00-0'`, a time-zone offset in a
# TIMESTAMP_NTZ literal; Snowflake's own dbt adapter rewrites this input too. These are the
# same rows as TIMESTAMP_TZ literals.
_INPUT_MODEL_SQL = """
{{ config(materialized='table', event_time='event_time') }}
select 1 as id, TIMESTAMP_TZ '2020-01-01 00:00:00+00:00' as event_time
union all
select 2 as id, TIMESTAMP_TZ '2020-01-02 00:00:00+00:00' as event_time
union all
select 3 as id, TIMESTAMP_TZ '2020-01-03 00:00:00+00:00' as event_time
"""
# dbt-duckdb's microbatch strategy (delete+insert per batch) refuses `unique_key`, which the
# base class's model sets; the same model without it.
_MICROBATCH_MODEL_SQL = """
{{ config(materialized='incremental', incremental_strategy='microbatch', event_time='event_time',
          batch_size='day', begin=modules.datetime.datetime(2020, 1, 1, 0, 0, 0)) }}
select * from {{ ref('input_model') }}
"""


class TestMicrobatch(BaseMicrobatch):
    @pytest.fixture(scope="class")
    def microbatch_model_sql(self) -> str:
        return _MICROBATCH_MODEL_SQL

    @pytest.fixture(scope="class")
    def input_model_sql(self) -> str:
        return _INPUT_MODEL_SQL

    @pytest.fixture(scope="class")
    def insert_two_rows_sql(self, project) -> str:
        schema = project.adapter.Relation.create(
            database=project.database, schema=project.test_schema
        )
        return (
            f"insert into {schema}.input_model (id, event_time) values"
            " (4, TIMESTAMP_TZ '2020-01-04 00:00:00+00:00'),"
            " (5, TIMESTAMP_TZ '2020-01-05 00:00:00+00:00')"
        )

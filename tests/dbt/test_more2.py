"""Still more of dbt-tests-adapter: concurrency, seeds, stored test failures, unit tests.

Not run: BaseBasicSeedTests and BaseSeedConfigFullRefreshOn expect a full-refresh seed's
`DROP TABLE ... CASCADE` to drop the views built on it (PostgreSQL's dependency tracking);
DuckDB, sqlgate's warehouse, keeps no dependencies for views, so the view stays (and fails
when next read), as it does with dbt-duckdb, whose suite does not run these classes either."""

from dbt.tests.adapter.concurrency.test_concurrency import BaseConcurrency
from dbt.tests.adapter.simple_seed.test_seed import (
    BaseSeedConfigFullRefreshOff,
    BaseSeedWithUniqueDelimiter,
)
from dbt.tests.adapter.store_test_failures_tests.test_store_test_failures import (
    BaseStoreTestFailures,
)
from dbt.tests.adapter.unit_testing.test_case_insensitivity import BaseUnitTestCaseInsensivity
from dbt.tests.adapter.unit_testing.test_invalid_input import BaseUnitTestInvalidInput


class TestConcurrency(BaseConcurrency):
    pass


class TestSeedConfigFullRefreshOff(BaseSeedConfigFullRefreshOff):
    pass


class TestSeedWithUniqueDelimiter(BaseSeedWithUniqueDelimiter):
    pass


class TestStoreTestFailures(BaseStoreTestFailures):
    pass


class TestUnitTestCaseInsensitivity(BaseUnitTestCaseInsensivity):
    pass


class TestUnitTestInvalidInput(BaseUnitTestInvalidInput):
    pass

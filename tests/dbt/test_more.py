"""More of dbt-tests-adapter's classes that dbt-duckdb runs: aliases, caching, relation type
changes, empty variants, snapshots.

Not run: BaseEphemeralMulti compares compiled SQL with a fixed text whose names are quoted
("dbt"."schema"."model"); dbt-sqlgate names relations unquoted, as dbt-snowflake does."""

from dbt.tests.adapter.aliases.test_aliases import BaseAliasErrors, BaseAliases
from dbt.tests.adapter.caching.test_caching import (
    BaseCachingLowercaseModel,
    BaseCachingSelectedSchemaOnly,
)
from dbt.tests.adapter.empty.test_empty import BaseTestEmpty, BaseTestEmptyInlineSourceRef
from dbt.tests.adapter.relations.test_changing_relation_type import (
    BaseChangeRelationTypeValidator,
)
from dbt.tests.adapter.simple_snapshot.test_snapshot import BaseSimpleSnapshot, BaseSnapshotCheck


class TestAliases(BaseAliases):
    pass


class TestAliasErrors(BaseAliasErrors):
    pass


class TestCachingLowercaseModel(BaseCachingLowercaseModel):
    pass


class TestCachingSelectedSchemaOnly(BaseCachingSelectedSchemaOnly):
    pass


class TestChangeRelationTypes(BaseChangeRelationTypeValidator):
    pass


class TestEmpty(BaseTestEmpty):
    pass


class TestEmptyInlineSourceRef(BaseTestEmptyInlineSourceRef):
    pass


class TestSimpleSnapshot(BaseSimpleSnapshot):
    pass


class TestSnapshotCheck(BaseSnapshotCheck):
    pass

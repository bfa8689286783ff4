"""Relations named as Snowflake (and dbt-snowflake) name them: unquoted, so the gateway folds
them to upper case and `analytics.predictions` in the REPL finds what dbt built."""

from __future__ import annotations

from dataclasses import dataclass, field

from dbt.adapters.base.relation import Policy
from dbt.adapters.contracts.relation import ComponentName
from dbt.adapters.duckdb.relation import DuckDBRelation


def _unquoted() -> Policy:
    return Policy(database=False, schema=False, identifier=False)


@dataclass(frozen=True, eq=False, repr=False)
class SqlgateRelation(DuckDBRelation):
    quote_policy: Policy = field(default_factory=_unquoted)

    def _is_exactish_match(self, field: ComponentName, value: str) -> bool:
        # An unquoted name is folded to upper case by the gateway, so `raw` names RAW exactly.
        if self.quote_policy.get_part(field) is False:
            return self.path.get_lowered_part(field) == value.lower()
        return self.path.get_part(field) == value

    @staticmethod
    def quoting_for(name: str) -> bool:
        """Whether a name read back from the warehouse must be quoted to name it again (only
        names that are not already upper case, the fold of an unquoted name)."""
        return name != name.upper()

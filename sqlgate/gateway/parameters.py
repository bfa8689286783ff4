"""Session parameters (ALTER SESSION SET / UNSET, SHOW PARAMETERS): sqlgate's own, one table.

MODEL_CALL_ON_ERROR decides what a model call in a query does with a row it cannot score
(a NULL or NaN input, a row the model raises on), echoing service functions' ON_BATCH_FAILURE:

- RETURN_NULL (the default): the row's outputs are NULL and the message is in the result's
  ERROR field, so `WHERE m!predict(x):error IS NOT NULL` lists the failed rows;
- ABORT: the query fails with an error naming the model version, the function and the first
  failing row.

RETURN_NULL is the default because the job this gateway exists for is batch scoring: one bad
row in a hundred million must not throw away the run, and a pipeline that forgot to set a
parameter should not learn that after hours of compute. Failures stay visible (every failed row
carries its message), and a model that cannot load, or fails the same way on every row of a
batch, still fails the query in either mode. Interactive users who prefer Snowflake's
fail-the-query behaviour are one ALTER SESSION away.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlgate.errors import InvalidValue, Position
from sqlgate.runtime.batch import ABORT, ON_ERROR_VALUES, RETURN_NULL


@dataclass(frozen=True)
class Parameter:
    name: str
    default: str
    values: tuple[str, ...]  # the values it accepts, upper case; () for any text, kept as given
    description: str


MODEL_CALL_ON_ERROR = Parameter(
    "MODEL_CALL_ON_ERROR",
    RETURN_NULL,
    ON_ERROR_VALUES,
    f"What a model call does with a row it cannot score: {RETURN_NULL} returns NULL outputs"
    f" with the message in the ERROR field; {ABORT} fails the query.",
)
# Snowflake's label for the session's queries, which clients set (dbt-snowflake's `query_tag`
# config runs ALTER SESSION SET QUERY_TAG around a model); sqlgate keeps and shows it.
QUERY_TAG = Parameter(
    "QUERY_TAG",
    "",
    (),
    "A label for the session's queries (as clients such as dbt set it); kept and shown only.",
)
PARAMETERS: dict[str, Parameter] = {p.name: p for p in (MODEL_CALL_ON_ERROR, QUERY_TAG)}


def parameter(name: str, position: Position | None = None) -> Parameter:
    found = PARAMETERS.get(name.upper())
    if found is None:
        known = ", ".join(sorted(PARAMETERS))
        raise InvalidValue(
            f"Invalid parameter '{name}'; the session parameters sqlgate has are {known}",
            position,
        )
    return found


class SessionParameters:
    """The values one session has set; everything else reads as its default."""

    def __init__(self) -> None:
        self._values: dict[str, str] = {}

    def get(self, name: str) -> str:
        return self._values.get(name, PARAMETERS[name].default)

    def is_set(self, name: str) -> bool:
        return name in self._values

    def set(self, name: str, value: object, position: Position | None = None) -> None:
        found = parameter(name, position)
        if not found.values:
            self._values[found.name] = str(value)
            return
        text = str(value).upper()
        if text not in found.values:
            expected = " or ".join(found.values)
            raise InvalidValue(
                f"Invalid value '{value}' for parameter {found.name}; expected {expected}",
                position,
            )
        self._values[found.name] = text

    def unset(self, name: str, position: Position | None = None) -> None:
        self._values.pop(parameter(name, position).name, None)
